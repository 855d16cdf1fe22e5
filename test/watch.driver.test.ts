// The watcher fiber's decisions (src/internal/core/watch/driver.ts), shared by both editions: what each input
// changes and which commands the edition must run, in order. Plain values in, plain commands out.
import { describe, expect, it } from "@effect/vitest"
import type { Redis } from "ioredis"
import { Fleet } from "../src/internal/core/redisStore.js"
import * as Driver from "../src/internal/core/watch/driver.js"
import { readKey, sharedOf, Slots } from "../src/internal/core/watch/share.js"

interface Failure {
  readonly _tag: string
}

const make = (wsBaseUrl: string | undefined = undefined, slots = new Slots(), fleet = false) =>
  new Driver.State<Failure, string, string>({
    schedule: { assets: ["BTC", "ETH"], maxAgeMs: 60_000, weightShare: 0.1, weightLimit: 2400, vmwThreshold: 0.01 },
    wsBaseUrl,
    slots,
    budgetKey: "k",
    fleet
  }, 0)

const reads = (state: Driver.State<Failure, string, string>, now: number) =>
  state.due(now).reads.map((c) => c._tag === "Read" ? `${c.asset}:${c.reason}:${c.delayMs}` : c._tag)

describe("core/watch/driver", () => {
  it("paces the routine reads, spaced from the other watchers' on the budget, and wakes for the next", () => {
    const slots = new Slots()
    const state = make(undefined, slots)
    expect(reads(state, 0)).toEqual(["BTC:routine:0"])
    expect(state.due(0).wakeAt).toBe(1250)
    // A second watcher on the same budget waits for the next slot.
    expect(reads(make(undefined, slots), 0)).toEqual(["BTC:routine:1250"])
    expect(reads(state, 1250)).toEqual(["ETH:routine:1250"])
    expect(state.due(1250).wakeAt).toBeLessThanOrEqual(1250 + Driver.AGES_EVERY_MS)
  })

  it("with a fleet's gate, a paced read claims its slot and goes when the claim's answer says; fresh does not", () => {
    const slots = new Slots()
    const state = make(undefined, slots, true)
    const [claim] = state.due(0).reads
    expect(claim).toEqual({ _tag: "Claim", id: expect.any(Number), asset: "BTC", reason: "routine", intervalMs: 1250 })
    // The process's own slots are left to the gate (its fallback while Redis is away).
    expect(slots.claim("k", 0, 1)).toBe(0)
    // The gate's slot is on Binance's clock (here 1000 ms ahead of the watcher's), answered 30 ms after asking.
    const input = Driver.claimed<never, string, string>(claim as Driver.Claim, 3_000, 1_000, 0)
    // With the watcher's clock at 500 when asked, the slot is at 2 500 on it.
    expect(Driver.claimed(claim as Driver.Claim, 3_000, 1_000, 500)).toMatchObject({ at: 2_500 })
    expect(input).toEqual({
      _tag: "Claimed",
      id: (claim as Driver.Claim).id,
      asset: "BTC",
      reason: "routine",
      at: 2_000
    })
    if (input._tag !== "Claimed") throw new Error("not a Claimed")
    expect(state.handle(input, 30)).toEqual([
      { _tag: "Read", id: input.id, asset: "BTC", reason: "routine", delayMs: 1_970 }
    ])
    // A slot already past (a slow answer) goes at once.
    expect(state.handle({ ...input, at: 10 }, 30)).toEqual([
      { _tag: "Read", id: input.id, asset: "BTC", reason: "routine", delayMs: 0 }
    ])
    state.handle({ _tag: "Demand", asset: "ETH", deferred: "w" }, 40)
    expect(reads(state, 40)).toEqual(["ETH:fresh:0"])
  })

  it("the fleet's slot, else the process's own pace: never sooner than its own previous slot plus the interval", () => {
    const fleet = new Fleet({} as Redis, (key) => key)
    // Redis answers: its slots, one process's reads among the fleet's.
    expect(fleet.slot("k", 1_000, 900, 100)).toBe(1_000)
    expect(fleet.slot("k", 1_300, 1_000, 100)).toBe(1_300)
    // Redis away: this process alone, at the pace, from its last slot.
    expect(fleet.slot("k", undefined, 1_310, 100)).toBe(1_400)
    expect(fleet.slot("k", undefined, 1_320, 100)).toBe(1_500)
    // Redis back, having forgotten: still no burst.
    expect(fleet.slot("k", 1_330, 1_330, 100)).toBe(1_600)
    expect(fleet.slot("other", undefined, 1_330, 100)).toBe(1_330)
  })

  it("a fresh demand is read at once and its waiters settled with the figure, which is published first", () => {
    const state = make()
    state.due(0)
    expect(state.handle({ _tag: "Demand", asset: "ETH", deferred: "w1" }, 10)).toEqual([])
    expect(state.handle({ _tag: "Demand", asset: "ETH", deferred: "w2" }, 10)).toEqual([])
    const fresh = state.due(10).reads
    expect(fresh).toEqual([{ _tag: "Read", id: expect.any(Number), asset: "ETH", reason: "fresh", delayMs: 0 }])
    const id = (fresh[0] as { id: number }).id
    const commands = state.readDone(
      { id, asset: "ETH", at: 20 },
      { _tag: "Ok", maxWithdrawAmount: "1", maxWithdrawAmountUSD: "2" },
      20
    )
    const event = { type: "asset", asset: "ETH", maxWithdrawAmount: "1", maxWithdrawAmountUSD: "2", at: 20 }
    expect(commands).toEqual([{ _tag: "Publish", event }, { _tag: "Settle", waiters: ["w1", "w2"], event }])
  })

  it("refuses an asset not watched, and any demand once closing", () => {
    const state = make()
    expect(state.handle({ _tag: "Demand", asset: "XRP", deferred: "w" }, 0)).toEqual([
      { _tag: "Refuse", waiter: "w", field: "asset", reason: "XRP is not one of the watched assets" }
    ])
    expect(state.handle({ _tag: "Close", done: "d" }, 0)).toEqual([])
    expect(state.finished).toBe(true)
    expect(state.handle({ _tag: "Demand", asset: "BTC", deferred: "w" }, 0)).toEqual([
      { _tag: "Refuse", waiter: "w", ...Driver.CLOSED }
    ])
  })

  it("a failed read is told, pauses on a 429 and fails its waiters; an interruption is not told", () => {
    const state = make()
    const [first] = state.due(0).reads as ReadonlyArray<{ id: number; asset: string }>
    const commands = state.readDone({ id: first!.id, asset: "BTC", at: 5 }, {
      _tag: "Failed",
      error: { _tag: "RateLimited" }
    }, 5)
    expect(commands.map((c) => c._tag)).toEqual(["Publish", "Pause", "Settle"])
    state.pause({ pausedUntil: 9_000, blockedUntil: 0, bannedUntil: 0 })
    expect(state.due(8_999).reads).toEqual([])
    const other = make()
    const [read] = other.due(0).reads as ReadonlyArray<{ id: number }>
    expect(other.readDone({ id: read!.id, asset: "BTC", at: 1 }, { _tag: "Failed", error: undefined }, 1)).toEqual(
      [{ _tag: "Settle", waiters: [], event: undefined }]
    )
  })

  it("with a stream: requests a listenKey, then connects, emits and closes through the rules", () => {
    const state = make("wss://example.test")
    expect(state.start(0)).toEqual([{ _tag: "Request", method: "POST" }])
    const connect = state.handle({ _tag: "Answered", answer: { _tag: "Ok", body: "{\"listenKey\":\"abc\"}" } }, 1)
    expect(connect).toEqual([{ _tag: "Connect", id: expect.any(Number), url: "wss://example.test/pm-classic/ws/abc" }])
    const id = (connect[0] as { id: number }).id
    expect(state.handle({ _tag: "Opened", id }, 2)).toEqual([
      { _tag: "Publish", event: { type: "stream", state: "up" } }
    ])
    expect(Driver.emptySnapshot(true).stream).toBe("down")
    expect(Driver.withEvent(Driver.emptySnapshot(true), { type: "stream", state: "up" }).stream).toBe("up")
    const closing = state.handle({ _tag: "Close", done: "d" }, 3)
    expect(closing.map((c) => c._tag)).toContain("Disconnect")
    expect(state.isClosing).toBe(true)
  })

  it("once stopped, leaves nobody waiting: waiters interrupted, late demands refused, every close done", () => {
    const state = make()
    state.handle({ _tag: "Demand", asset: "ETH", deferred: "w1" }, 0)
    state.handle({ _tag: "Close", done: "d1" }, 0)
    expect(state.finish()).toEqual({ interrupted: ["w1"], refused: [], done: ["d1"] })
    expect(state.finished).toBe(true)
    expect(Driver.leftover([{ _tag: "Demand", asset: "BTC", deferred: "w2" }, { _tag: "Close", done: "d2" }])).toEqual({
      interrupted: [],
      refused: ["w2"],
      done: ["d2"]
    })
  })

  it("the watchers of one gate share its slots and reads in flight, keyed by budget, market, API key and asset", () => {
    const gate = {}
    expect(sharedOf(gate)).toBe(sharedOf(gate))
    expect(sharedOf(gate)).not.toBe(sharedOf({}))
    expect(readKey("b", undefined, "k", "BTC")).toBe(readKey("b", "usds-m", "k", "BTC"))
    expect(readKey("b", "coin-m", "k", "BTC")).not.toBe(readKey("b", "usds-m", "k", "BTC"))
  })

  it("checks the options, the stream's base URL included, and configures the rules from them", () => {
    // A refusal of the options is returned as it is: the stream's URL is not checked after it.
    expect(Driver.check({ assets: [] })).toEqual({ field: "assets", reason: expect.any(String) })
    expect(Driver.check({ assets: ["BTC"], wsBaseUrl: "http://x" })).toMatchObject({ field: "wsBaseUrl" })
    const checked = Driver.check({ assets: ["BTC"] })
    if ("field" in checked) throw new Error(checked.reason)
    const shared = { weightLimit: 1200, slots: new Slots(), budgetKey: "k" }
    expect(Driver.configOf(checked, { ...shared, streaming: false }).fleet).toBe(false)
    expect(Driver.configOf(checked, { ...shared, streaming: false, fleet: true }).fleet).toBe(true)
    const config = Driver.configOf(checked, { ...shared, streaming: true })
    expect(config.schedule).toEqual({
      assets: ["BTC"],
      maxAgeMs: 60_000,
      weightShare: 0.1,
      weightLimit: 1200,
      vmwThreshold: 0.01
    })
    expect(config.wsBaseUrl).toBe("wss://fstream.binance.com")
    expect(Driver.configOf(checked, { ...shared, streaming: false }).wsBaseUrl).toBeUndefined()
  })

  it("tags a read's outcome: ok, the error's tag, or Interrupted", () => {
    expect(Driver.outcomeOf({ _tag: "Ok", maxWithdrawAmount: "1", maxWithdrawAmountUSD: "1" })).toBe("ok")
    expect(Driver.outcomeOf({ _tag: "Failed", error: { _tag: "RateLimited" } })).toBe("RateLimited")
    expect(Driver.outcomeOf({ _tag: "Failed", error: undefined })).toBe("Interrupted")
  })
})

describe("core/watch/driver: every input, every command", () => {
  const ok = { _tag: "Ok", maxWithdrawAmount: "1", maxWithdrawAmountUSD: "2" } as const
  const account = (vmw: string, at: number) =>
    JSON.stringify({ e: "PM_PRO_ACCOUNT_UPDATE", E: at, u: "1", eq: "2", ae: "3", im: "4", mm: "5", avb: "6", vmw })

  /** A streaming watcher, its socket open at 0, each asset read once (BTC at 10, ETH at 1260): idle until 54 s. */
  const settled = () => {
    const state = make("wss://example.test")
    state.start(0)
    const [connect] = state.handle({ _tag: "Answered", answer: { _tag: "Ok", body: "{\"listenKey\":\"abc\"}" } }, 0)
    const socket = (connect as { id: number }).id
    state.handle({ _tag: "Opened", id: socket }, 0)
    const [btc] = state.due(0).reads as ReadonlyArray<{ id: number; asset: string; reason: string; delayMs: number }>
    state.readDone({ id: btc!.id, asset: "BTC", at: 10 }, ok, 10)
    const [eth] = state.due(1250).reads as ReadonlyArray<{ id: number; asset: string; reason: string; delayMs: number }>
    state.readDone({ id: eth!.id, asset: "ETH", at: 1260 }, ok, 1260)
    const first = [btc!, eth!].map((r) => `${r.asset}:${r.reason}:${r.delayMs}`)
    return { state, socket, first }
  }

  it("the snapshot: each event sets its own part, a failed read changes nothing, `off` when polling alone", () => {
    const empty = Driver.emptySnapshot(false)
    expect(empty).toEqual({ assets: {}, account: undefined, risk: undefined, stream: "off" })
    const btc = { type: "asset", asset: "BTC", maxWithdrawAmount: "1", maxWithdrawAmountUSD: "2", at: 1 } as const
    const eth = { ...btc, asset: "ETH", at: 2 }
    const both = Driver.withEvent(Driver.withEvent(empty, btc), eth)
    expect(both.assets).toEqual({ BTC: btc, ETH: eth })
    expect(Driver.withEvent(both, { ...btc, at: 3 }).assets).toEqual({ BTC: { ...btc, at: 3 }, ETH: eth })
    const update = {
      type: "account",
      at: 4,
      uniMMR: "1",
      accountEquity: "2",
      actualEquity: "3",
      initialMargin: "4",
      maintenanceMargin: "5",
      availableBalance: "6",
      virtualMaxWithdrawUSD: "7"
    } as const
    const risk = { type: "risk", at: 5, level: "MARGIN_CALL" } as const
    const full = Driver.withEvent(Driver.withEvent(both, update), risk)
    expect(full).toEqual({ assets: { BTC: btc, ETH: eth }, account: update, risk, stream: "off" })
    const failed = {
      type: "read-failed",
      asset: "BTC",
      at: 6,
      reason: "routine",
      failures: 1,
      retryAt: 1006,
      error: { _tag: "Timeout" }
    } as const
    expect(Driver.withEvent(full, failed)).toBe(full)
  })

  it("polling alone: no stream steps, and the stream's inputs change nothing", () => {
    const state = make()
    expect(state.start(0)).toEqual([])
    expect(state.handle(Driver.WAKE, 0)).toEqual([])
    expect(state.handle({ _tag: "Answered", answer: { _tag: "Ok", body: "{\"listenKey\":\"abc\"}" } }, 0)).toEqual([])
    expect(state.handle({ _tag: "Opened", id: 1 }, 0)).toEqual([])
    expect(state.handle({ _tag: "Text", id: 1, text: account("1", 0) }, 0)).toEqual([])
    expect(state.handle({ _tag: "Dropped", id: 1, reason: "gone" }, 0)).toEqual([])
    expect(state.finished).toBe(false)
    expect(state.isClosing).toBe(false)
  })

  it("wakes for the ages at least every 5 s; closing, no read is due and only the stream wakes it", () => {
    const { state, socket, first } = settled()
    // The stream going up re-reads nothing: the first reads are the routine ones.
    expect(first).toEqual(["BTC:routine:0", "ETH:routine:0"])
    expect(state.due(2_000)).toEqual({ reads: [], wakeAt: 2_000 + Driver.AGES_EVERY_MS })
    expect(state.ages(5_000)).toEqual([
      { asset: "BTC", answeredAt: 10, ageMs: 4_990, overdue: false },
      { asset: "ETH", answeredAt: 1_260, ageMs: 3_740, overdue: false }
    ])
    // Closing: the listenKey's DELETE is asked for, no read goes, and nothing is left to wake for but an input.
    expect(state.handle({ _tag: "Close", done: "d" }, 3_000)).toEqual([
      { _tag: "Disconnect", id: socket },
      { _tag: "Publish", event: { type: "stream", state: "down", reason: "closed" } },
      { _tag: "Request", method: "DELETE" }
    ])
    state.handle({ _tag: "Demand", asset: "BTC", deferred: "late" }, 3_000)
    expect(state.due(100_000)).toEqual({ reads: [], wakeAt: Number.POSITIVE_INFINITY })
    expect(state.finished).toBe(false)
    // The DELETE's answer ends the stream: the fiber stops.
    expect(state.handle({ _tag: "Answered", answer: { _tag: "Ok", body: "{}" } }, 3_010)).toEqual([])
    expect(state.finished).toBe(true)
    expect(state.finish()).toEqual({ interrupted: [], refused: [], done: ["d"] })
  })

  it("a connecting socket's deadline wakes the watcher before the ages do", () => {
    const state = make("wss://example.test")
    state.start(0)
    state.handle({ _tag: "Answered", answer: { _tag: "Ok", body: "{\"listenKey\":\"abc\"}" } }, 0)
    state.due(0)
    // Without an answer to the read, its asset stays in flight: the ages (5 s) and the socket's 30 s are what is left.
    expect(state.due(1_250).wakeAt).toBe(1_250 + Driver.AGES_EVERY_MS)
    expect(state.due(29_000).wakeAt).toBe(30_000)
    // Woken then, the watcher gives the socket up.
    expect(state.handle(Driver.WAKE, 30_000)).toEqual([
      { _tag: "Disconnect", id: 1 },
      { _tag: "Publish", event: { type: "stream", state: "down", reason: "the connection did not open" } }
    ])
  })

  it("the stream's account update: published; a vmw move past the threshold re-reads every asset", () => {
    const { state, socket } = settled()
    const [first] = state.handle({ _tag: "Text", id: socket, text: account("100", 3_000) }, 3_000)
    expect(first).toMatchObject({
      _tag: "Publish",
      event: { type: "account", at: 3_000, virtualMaxWithdrawUSD: "100" }
    })
    expect(state.due(3_000).reads).toEqual([]) // the first value is the reference
    state.handle({ _tag: "Text", id: socket, text: account("100.5", 3_500) }, 3_500)
    expect(state.due(3_500).reads).toEqual([]) // 0.5 %: within the threshold
    state.handle({ _tag: "Text", id: socket, text: account("200", 4_000) }, 4_000)
    expect(reads(state, 4_000)).toEqual(["BTC:stream:0"])
  })

  it("a risk level change: published, and every asset re-read", () => {
    const { state, socket } = settled()
    const text = JSON.stringify({ e: "riskLevelChange", E: 4_000, s: "MARGIN_CALL" })
    expect(state.handle({ _tag: "Text", id: socket, text }, 4_000)).toEqual([
      { _tag: "Publish", event: { type: "risk", at: 4_000, level: "MARGIN_CALL" } }
    ])
    expect(reads(state, 4_000)).toEqual(["BTC:stream:0"])
  })

  it("a bad frame is told as Malformed; a due ping is not sent (the platform's socket cannot), a drop published", () => {
    const { state, socket } = settled()
    expect(state.handle({ _tag: "Text", id: socket, text: "nope" }, 2_000)).toEqual([
      { _tag: "Malformed", id: socket, reason: "not JSON" }
    ])
    expect(state.handle(Driver.WAKE, 2_000 + 30_000)).toEqual([])
    expect(state.handle({ _tag: "Dropped", id: socket, reason: "gone" }, 32_010)).toEqual([
      { _tag: "Publish", event: { type: "stream", state: "down", reason: "gone" } }
    ])
    // The stream going down re-reads nothing either.
    expect(state.due(32_010).reads).toEqual([])
  })

  it("a failed read's event: the asset, why it was read, its failures, its retry and the error", () => {
    const state = make()
    const [read] = state.due(0).reads as ReadonlyArray<{ id: number }>
    expect(state.readDone({ id: read!.id, asset: "BTC", at: 5 }, { _tag: "Failed", error: { _tag: "Timeout" } }, 5))
      .toEqual([
        {
          _tag: "Publish",
          event: {
            type: "read-failed",
            at: 5,
            asset: "BTC",
            reason: "routine",
            failures: 1,
            retryAt: 1_005,
            error: { _tag: "Timeout" }
          }
        },
        { _tag: "Settle", waiters: [], event: undefined }
      ])
    // A read nobody knows (already ended) tells nothing.
    expect(state.readDone({ id: read!.id, asset: "BTC", at: 6 }, { _tag: "Failed", error: { _tag: "Timeout" } }, 6))
      .toEqual([{ _tag: "Settle", waiters: [], event: undefined }])
  })

  it("a 429, a 403 and a 418 pause the reads; the pause lasts to the latest of the gate's three ends", () => {
    for (const tag of ["RateLimited", "WafBlocked", "IpBanned"]) {
      const state = make()
      const [read] = state.due(0).reads as ReadonlyArray<{ id: number }>
      const commands = state.readDone(
        { id: read!.id, asset: "BTC", at: 5 },
        { _tag: "Failed", error: { _tag: tag } },
        5
      )
      expect(commands.map((c) => c._tag)).toEqual(["Publish", "Pause", "Settle"])
    }
    for (const [pausedUntil, blockedUntil, bannedUntil] of [[9_000, 0, 0], [0, 9_000, 0], [0, 0, 9_000]]) {
      const state = make()
      state.pause({ pausedUntil: pausedUntil!, blockedUntil: blockedUntil!, bannedUntil: bannedUntil! })
      expect(state.due(8_999).reads).toEqual([])
      expect(reads(state, 9_000)).toEqual(["BTC:routine:0"])
    }
  })

  it("fresh demands for both assets are read in one go; each waiter settled with its own asset's figure", () => {
    const state = make()
    state.handle({ _tag: "Demand", asset: "BTC", deferred: "b" }, 0)
    state.handle({ _tag: "Demand", asset: "ETH", deferred: "e" }, 0)
    const fresh = state.due(0).reads as ReadonlyArray<{ id: number; asset: string }>
    expect(fresh.map((r) => r.asset)).toEqual(["BTC", "ETH"])
    const eth = state.readDone({ id: fresh[1]!.id, asset: "ETH", at: 1 }, ok, 1)
    expect(eth[1]).toMatchObject({ _tag: "Settle", waiters: ["e"] })
    expect(state.finish()).toEqual({ interrupted: ["b"], refused: [], done: [] })
  })

  it("the inputs left once stopped: only demands are refused and closes done", () => {
    expect(Driver.leftover<string, string>([
      Driver.WAKE,
      { _tag: "Opened", id: 1 },
      { _tag: "Demand", asset: "BTC", deferred: "w" },
      { _tag: "Close", done: "d" }
    ])).toEqual({ interrupted: [], refused: ["w"], done: ["d"] })
  })
})
