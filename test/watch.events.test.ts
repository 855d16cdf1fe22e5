// The watcher's plain rules besides the schedule and the stream's life cycle: decoding the Portfolio Margin Pro
// user-data stream's messages (src/internal/core/watch/events.ts) and checking the watch options
// (src/internal/core/watch/options.ts). Shared by both editions.
import { describe, expect, it } from "@effect/vitest"
import * as Events from "../src/internal/core/watch/events.js"
import * as Options from "../src/internal/core/watch/options.js"
import { accountMessage, malformedMessages } from "./cases/watchMessages.js"

describe("decodeMessage", () => {
  it("PM_PRO_ACCOUNT_UPDATE: every figure under its name, Binance's exact strings", () => {
    expect(Events.decodeMessage(JSON.stringify(accountMessage), 9)).toEqual({
      _tag: "Account",
      event: {
        type: "account",
        at: 1564745798939,
        uniMMR: "1.99999999",
        accountEquity: "30.23416728",
        actualEquity: "30.23416700",
        initialMargin: "20.6783833",
        maintenanceMargin: "15.11708371",
        availableBalance: "3.98972738",
        virtualMaxWithdrawUSD: "0E-8"
      }
    })
  })

  it("liberal: unknown fields ignored, E as a string of digits, no E means the arrival time, a combined stream", () => {
    const extra = { ...accountMessage, x: 1, E: "1564745798939" }
    expect(Events.decodeMessage(JSON.stringify(extra), 9)).toMatchObject({
      _tag: "Account",
      event: { at: 1564745798939 }
    })
    const { E: _, ...noTime } = accountMessage
    expect(Events.decodeMessage(JSON.stringify(noTime), 9)).toMatchObject({ _tag: "Account", event: { at: 9 } })
    const combined = { stream: "pm-classic", data: accountMessage }
    expect(Events.decodeMessage(JSON.stringify(combined), 9)).toMatchObject({
      _tag: "Account",
      event: { uniMMR: "1.99999999" }
    })
  })

  it("RISK_LEVEL_CHANGE in either spelling; the unconfirmed figures kept when they are decimals", () => {
    const papi = {
      e: "riskLevelChange",
      E: 1587727187525,
      u: "1.99999999",
      s: "MARGIN_CALL",
      eq: "30.23416728",
      ae: "30.23416728",
      m: "15.11708371"
    }
    expect(Events.decodeMessage(JSON.stringify(papi), 9)).toEqual({
      _tag: "Risk",
      event: {
        type: "risk",
        at: 1587727187525,
        level: "MARGIN_CALL",
        uniMMR: "1.99999999",
        accountEquity: "30.23416728",
        actualEquity: "30.23416728",
        maintenanceMargin: "15.11708371"
      }
    })
    const bare = { e: "RISK_LEVEL_CHANGE", E: 5, s: "FORCE_LIQUIDATION", u: 1.5, eq: "n/a" }
    expect(Events.decodeMessage(JSON.stringify(bare), 9)).toEqual({
      _tag: "Risk",
      event: { type: "risk", at: 5, level: "FORCE_LIQUIDATION" }
    })
    // A level Binance adds later is still a change of risk level: passed on as written.
    expect(Events.decodeMessage("{\"e\":\"RISK_LEVEL_CHANGE\",\"E\":5,\"s\":\"NEW_LEVEL\"}", 9))
      .toMatchObject({ _tag: "Risk", event: { level: "NEW_LEVEL" } })
  })

  it("listenKeyExpired, and other events by name", () => {
    expect(Events.decodeMessage("{\"e\":\"listenKeyExpired\",\"E\":7,\"listenKey\":\"abc\"}", 9))
      .toEqual({ _tag: "ListenKeyExpired", at: 7 })
    expect(Events.decodeMessage("{\"e\":\"ACCOUNT_UPDATE\",\"E\":7}", 9)).toEqual({
      _tag: "Other",
      name: "ACCOUNT_UPDATE"
    })
  })

  it("anything malformed is a Malformed with the reason, never a throw", () => {
    for (const [text, reason] of malformedMessages) {
      expect([text, Events.decodeMessage(text, 9)]).toEqual([text, { _tag: "Malformed", reason }])
    }
  })
})

describe("checkWatchOptions", () => {
  it("fills in the defaults and drops repeated assets, keeping their order", () => {
    expect(Options.checkWatchOptions({ assets: ["ETH", "BTC", "ETH"] })).toEqual({
      assets: ["ETH", "BTC"],
      maxAgeMs: 60_000,
      weightShare: 0.1,
      stream: true,
      vmwThreshold: 0.01
    })
    expect(Options.checkWatchOptions({
      assets: ["BTC"],
      maxAgeMs: 1000,
      weightShare: 1,
      stream: false,
      vmwThreshold: 0,
      signal: "the edition's"
    })).toEqual({ assets: ["BTC"], maxAgeMs: 1000, weightShare: 1, stream: false, vmwThreshold: 0 })
    expect(Options.checkWatchOptions({ assets: ["BTC"], maxAgeMs: 86_400_000, vmwThreshold: 1 }))
      .toMatchObject({ maxAgeMs: 86_400_000, vmwThreshold: 1 })
    expect(Options.checkWatchOptions({ assets: Array.from({ length: 200 }, (_, i) => `A${i}`) })).toHaveProperty(
      "assets"
    )
  })

  it("refuses bad input, naming the field and the fix", () => {
    const refused = (options: unknown, field: string, reason: string | RegExp) => {
      const result = Options.checkWatchOptions(options)
      expect(result).toHaveProperty("field", field)
      expect((result as { reason: string }).reason).toMatch(reason)
    }
    refused(null, "options", "must be an object like { assets: [\"BTC\"] }")
    refused("BTC", "options", /must be an object/)
    for (const assets of [undefined, "BTC", [], Array.from({ length: 201 }, (_, i) => `A${i}`)]) {
      refused({ assets }, "assets", "must be an array of 1 to 200 assets, such as [\"BTC\", \"ETH\"]")
    }
    refused({ assets: ["BTC", "eth"] }, "assets[1]", /^must be 1 to 20 upper-case letters or digits.*got "eth"$/)
    refused({ assets: ["BTC", "ETH", 5] }, "assets[2]", /got 5$/)
    for (const maxAgeMs of [999, 86_400_001, 1500.5, "60000", Number.NaN]) {
      refused({ assets: ["BTC"], maxAgeMs }, "maxAgeMs", "must be an integer from 1000 to 86400000 ms")
    }
    for (const weightShare of [0, -0.1, 1.01, Number.NaN, "0.1"]) {
      refused({ assets: ["BTC"], weightShare }, "weightShare", /^must be a fraction of the weight budget above 0/)
    }
    refused({ assets: ["BTC"], stream: "yes" }, "stream", "must be true or false")
    for (const vmwThreshold of [-0.01, 1.5, Number.NaN, "0.01"]) {
      refused({ assets: ["BTC"], vmwThreshold }, "vmwThreshold", "must be a fraction from 0 to 1, such as 0.01 for 1 %")
    }
  })
})

describe("checkWsBaseUrl", () => {
  it("takes a wss: origin, or ws: to loopback, without a trailing slash", () => {
    expect(Options.checkWsBaseUrl(Options.DEFAULTS.wsBaseUrl)).toBe("wss://fstream.binance.com")
    expect(Options.checkWsBaseUrl("wss://fstream.binance.com/")).toBe("wss://fstream.binance.com")
    expect(Options.checkWsBaseUrl("ws://127.0.0.1:8080")).toBe("ws://127.0.0.1:8080")
    expect(Options.checkWsBaseUrl("ws://localhost:1")).toBe("ws://localhost:1")
    expect(Options.checkWsBaseUrl("ws://[::1]:1")).toBe("ws://[::1]:1")
  })

  it("refuses the rest, saying why", () => {
    const reason = (u: unknown) => (Options.checkWsBaseUrl(u) as { reason: string }).reason
    expect(Options.checkWsBaseUrl(5)).toEqual({ field: "wsBaseUrl", reason: "must be a non-empty URL string" })
    expect(reason(" ")).toBe("must be a non-empty URL string")
    expect(reason("not a url")).toBe("is not a valid URL")
    expect(reason("ws://fstream.binance.com")).toBe(
      "must use wss: (ws: is allowed only for loopback hosts), got \"ws://fstream.binance.com\""
    )
    expect(reason("https://fstream.binance.com")).toMatch(/^must use wss:/)
    expect(reason("wss://u:p@fstream.binance.com")).toBe("must not contain credentials")
    expect(reason("wss://fstream.binance.com/pm-classic")).toBe("must be an origin without a path")
    expect(reason("wss://fstream.binance.com?x=1")).toBe("must not contain a query string")
    expect(reason("wss://fstream.binance.com/?")).toBe("must not contain a query string")
    expect(reason("wss://fstream.binance.com#x")).toBe("must not contain a fragment")
    expect(reason("wss://fstream.binance.com/#")).toBe("must not contain a fragment")
  })
})
