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
    expect(Driver.check({ assets: [] })).toMatchObject({ field: "assets" })
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
