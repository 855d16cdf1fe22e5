// `watch`'s output as pure functions of the core (src/internal/core/cli/watchView.ts), its flags (args.ts) and the
// demo's market (demo.ts): what the table, the ANSI redraw, the NDJSON and the plain lines say for given events.
import { describe, expect, it } from "@effect/vitest"
import * as Args from "../src/internal/core/cli/args.js"
import * as Demo from "../src/internal/core/cli/demo.js"
import * as View from "../src/internal/core/cli/watchView.js"
import type { WatchEvent } from "../src/internal/core/watch/events.js"

const NOW = Date.parse("2026-01-02T03:04:05.000Z")

const btc: WatchEvent = {
  type: "asset",
  asset: "BTC",
  maxWithdrawAmount: "27.43689636",
  maxWithdrawAmountUSD: "1627523.32459208",
  at: NOW - 3_500
}
const usdt: WatchEvent = {
  type: "asset",
  asset: "USDT",
  maxWithdrawAmount: "250000.0",
  maxWithdrawAmountUSD: "250000.0",
  at: NOW - 125_000
}
const account: WatchEvent = {
  type: "account",
  at: NOW - 1_000,
  uniMMR: "8.42",
  accountEquity: "2397043.32",
  actualEquity: "2397043.32",
  initialMargin: "190000",
  maintenanceMargin: "284684.6",
  availableBalance: "2207043.32",
  virtualMaxWithdrawUSD: "1898057.25"
}
const rateLimited = Object.assign(new Error("Binance rate limit reached (HTTP 429)."), {
  _tag: "RateLimited",
  status: 429,
  retryAfterMs: 30_000
})
const failed: WatchEvent = {
  type: "read-failed",
  asset: "ETH",
  at: NOW - 200,
  reason: "routine",
  failures: 2,
  retryAt: NOW + 2_000,
  error: rateLimited
}

const fold = (events: ReadonlyArray<WatchEvent>, stream = true) =>
  events.reduce(View.reduce, View.initial(["BTC", "ETH", "USDT"], stream))

describe("watch's screen", () => {
  it("before any event: every asset unread, no account update, the stream connecting", () => {
    expect(View.screen(fold([]), NOW)).toEqual([
      "Asset  Max withdraw amount  USD value  Age  Status",
      "BTC                      -          -    -",
      "ETH                      -          -    -",
      "USDT                     -          -    -",
      "Account: no update from the stream yet",
      "Risk level: none yet   Stream: connecting"
    ])
  })

  it("the figures exactly as Binance wrote them, aligned on the point, their age, a failed read and the account", () => {
    const view = fold([
      btc,
      usdt,
      failed,
      account,
      { type: "risk", at: NOW - 60_000, level: "MARGIN_CALL" },
      { type: "stream", state: "down", reason: "closed" }
    ])
    expect(View.screen(view, NOW)).toEqual([
      "Asset  Max withdraw amount         USD value        Age  Status",
      "BTC            27.43689636  1627523.32459208        3 s",
      "ETH                      -                 -          -  RateLimited, retry in 2 s",
      "USDT       250000.0          250000.0         2 min 5 s",
      "Equity 2397043.32 USD   Virtual max withdraw 1898057.25 USD   uniMMR 8.42",
      "Risk level: MARGIN_CALL at 03:03:05   Stream: down (closed)"
    ])
  })

  it("a figure clears the asset's failed read; --no-stream says the stream is off", () => {
    const view = fold([failed, { ...btc, asset: "ETH", at: NOW }], false)
    expect(View.screen(view, NOW).slice(2, 3)).toEqual(["ETH            27.43689636  1627523.32459208  0 s"])
    expect(View.screen(view, NOW).at(-1)).toBe("Risk level: none yet   Stream: off (polling alone)")
  })

  it("ages: seconds, then minutes and seconds, then hours and minutes, rounded down", () => {
    expect([0, 999, 59_999, 60_000, 3_599_999, 3_600_000, 7_530_000].map(View.age)).toEqual([
      "0 s",
      "0 s",
      "59 s",
      "1 min 0 s",
      "59 min 59 s",
      "1 h 0 min",
      "2 h 5 min"
    ])
  })
})

describe("watch's redraw in place", () => {
  it("the first frame: the lines, each cleared to its end, then what is below cleared; no cursor move", () => {
    expect(View.redraw(0, ["a", "b"], undefined)).toBe("a\x1b[K\nb\x1b[K\x1b[J")
  })

  it("the next frames: back up over the lines drawn before, without clearing the screen", () => {
    const frame = View.redraw(6, ["a", "b", "c"], 80)
    expect(frame).toBe("\x1b[6Fa\x1b[K\nb\x1b[K\nc\x1b[K\x1b[J")
    expect(frame).not.toContain("\x1b[2J")
  })

  it("lines are cut short of the terminal's width, so that none wraps", () => {
    expect(View.redraw(0, ["0123456789"], 5)).toBe("0123\x1b[K\x1b[J")
  })
})

describe("watch's lines", () => {
  it("--json: each event exactly as the Promise API's WatchEvent, Binance's strings untouched", () => {
    expect(View.jsonLine(usdt)).toBe(JSON.stringify(usdt))
    expect(JSON.parse(View.jsonLine(usdt))).toEqual(usdt)
    expect(JSON.parse(View.jsonLine(account))).toEqual(account)
  })

  it("--json: a failed read's error keeps its tag and fields, and its message (which JSON.stringify drops)", () => {
    expect(JSON.parse(View.jsonLine(failed))).toEqual({
      type: "read-failed",
      asset: "ETH",
      at: NOW - 200,
      reason: "routine",
      failures: 2,
      retryAt: NOW + 2_000,
      error: {
        _tag: "RateLimited",
        status: 429,
        retryAfterMs: 30_000,
        message: "Binance rate limit reached (HTTP 429)."
      }
    })
  })

  it("not a terminal: one plain line per event, with its time", () => {
    expect([btc, account, failed].map((event) => View.plainLine(event, NOW))).toEqual([
      "2026-01-02T03:04:01.500Z BTC 27.43689636 (1627523.32459208 USD)",
      "2026-01-02T03:04:04.000Z account equity 2397043.32 USD, virtual max withdraw 1898057.25 USD, uniMMR 8.42",
      "2026-01-02T03:04:04.800Z ETH read failed (routine, failure 2): RateLimited: Binance rate limit reached " +
      "(HTTP 429).; retry at 2026-01-02T03:04:07.000Z"
    ])
    expect(View.plainLine({ type: "stream", state: "down", reason: "closed" }, NOW)).toBe(
      "2026-01-02T03:04:05.000Z stream down (closed)"
    )
    expect(View.plainLine({ type: "risk", at: NOW, level: "REDUCE_ONLY", uniMMR: "1.05" }, NOW)).toBe(
      "2026-01-02T03:04:05.000Z risk REDUCE_ONLY, uniMMR 1.05"
    )
  })
})

describe("watch's flags", () => {
  it("durations: a unit, or a bare number of milliseconds", () => {
    expect(["1500", "1500ms", "30s", "2m", "1h", "1.5s", "", "30 s", "-1s"].map(Args.parseDuration)).toEqual([
      1500,
      1500,
      30_000,
      120_000,
      3_600_000,
      undefined,
      undefined,
      undefined,
      undefined
    ])
  })

  it("every option reaches the flags; the watcher's ranges are left to its own checks", () => {
    const parsed = Args.parse([
      "watch",
      "-a",
      "btc,eth",
      "--max-age=30s",
      "--weight-share",
      "0.25",
      "--vmw-threshold",
      ".005",
      "--ws-url",
      "wss://a.test",
      "--count",
      "7",
      "--for",
      "2m",
      "--json"
    ])
    expect(parsed._tag === "Watch" ? parsed.flags : parsed).toMatchObject({
      assets: ["BTC", "ETH"],
      maxAgeMs: 30_000,
      weightShare: 0.25,
      vmwThreshold: 0.005,
      stream: true,
      wsUrl: "wss://a.test",
      count: 7,
      forMs: 120_000,
      json: true
    })
    const bare = Args.parse(["watch", "--demo", "--no-stream", "--weight-share", "7"])
    expect(bare._tag === "Watch" ? [bare.flags.stream, bare.flags.weightShare, bare.flags.count] : bare).toEqual([
      false,
      7,
      undefined
    ])
    expect(Args.parse(["watch", "--help"])).toEqual({ _tag: "Help", command: "watch" })
  })
})

describe("the demo's market", () => {
  it("starts at the demo account's holdings and moves vmw past the 1 % trigger at some ticks", () => {
    const start = Demo.market(0)
    expect(start.btc).toEqual(Demo.assets.BTC)
    expect(start.account.accountEquity).toBe("2397043.32459208")
    const vmw = (tick: number) => Number(Demo.market(tick).account.virtualMaxWithdrawUSD)
    const moves = Array.from({ length: 12 }, (_, i) => Math.abs(vmw(i + 1) / vmw(i) - 1))
    expect(moves.filter((move) => move > 0.01).length).toBeGreaterThan(0)
    expect(moves.filter((move) => move <= 0.01).length).toBeGreaterThan(0)
  })
})
