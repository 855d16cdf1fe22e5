// The gate's rules (src/internal/core/gate.ts), on their own and through both stores: the same traces of requests
// and outcomes must get the same admit/wait/refuse decisions in memory and in Redis.
import { afterAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { Redis } from "ioredis"
import * as Crypto from "node:crypto"
import { RateLimit } from "../src/index.js"
import * as Budgets from "../src/internal/core/budgets.js"
import * as Gate from "../src/internal/core/gate.js"
import * as RedisStore from "../src/internal/wiring/redisStore.js"
import { type Step, trace, traceAsk, traceSeeds } from "./cases/gateTraces.js"
import { NOT_RUN_MESSAGE, startRedis } from "./utils/redis.js"

const ask = (now: number, overrides: Partial<Gate.Ask> = {}): Gate.Ask => ({
  weight: 5,
  weightLimit: 20,
  maxWaitMs: 10_000,
  now,
  local: now,
  ...overrides
})

/** Admits at `now` and returns the new state, failing the spec if the gate did not admit. */
const admitted = (state: Gate.BudgetState | undefined, now: number, overrides: Partial<Gate.Ask> = {}) => {
  const [decision, next] = Gate.admit(state, ask(now, overrides))
  expect(decision._tag).toBe("Admit")
  const admit = decision as Extract<Gate.Decision, { _tag: "Admit" }>
  const permit: Gate.Admitted = {
    weight: overrides.weight ?? 5,
    window: admit.window,
    rateLimitEpoch: admit.rateLimitEpoch,
    wafEpoch: admit.wafEpoch
  }
  return { state: next, permit }
}

describe("gate rules", () => {
  it("the step-free host clock: the wall clock to the digit, less the steps it took (over 1 s)", () => {
    const steady = Budgets.steadyClock()
    expect(steady(1_000, 0)).toBe(1_000)
    expect(steady(1_500.25, 500.25)).toBe(1_500.25)
    expect(steady(301_600.25, 600.25)).toBe(1_600.25) // stepped forward 5 minutes
    expect(steady(-298_299.75, 700.25)).toBe(1_700.25) // stepped back 10 minutes
    expect(steady(-298_199.35, 800.25)).toBeCloseTo(1_800.65, 6) // 0.4 ms of drift is not a step
  })

  it("a gate's admission: the ask on the step-free host clock, the permit stamped with the ask's clocks", () => {
    const gate = Budgets.admission(50)
    const request = { key: "k", weight: 5, weightLimit: 2400, maxWaitMs: 9_000 }
    // The monotonic clock in ns; the wall clock stepped forward 5 minutes between the two asks.
    expect(gate.ask(request, 1_010, 1_000, 0n)).toEqual({ ...request, key: undefined, now: 1_010, local: 1_000 })
    expect(gate.ask(request, 1_510, 301_500, 500_000_000n).local).toBe(1_500)
    expect(gate.hostTime(301_600, 600_000_000n)).toBe(1_600)
    const admit = { _tag: "Admit", window: 3, rateLimitEpoch: 1, wafEpoch: 2 } as const
    // Stamped with Binance's clock and the wall clock (which signs the request), not the step-free one.
    expect(gate.turn(admit, request, 40, 1_510, 301_500)).toEqual({
      _tag: "Admit",
      permit: { key: "k", weight: 5, window: 3, rateLimitEpoch: 1, wafEpoch: 2, now: 1_510, local: 301_500 },
      waitedMs: 40
    })
    expect(gate.turn({ _tag: "Wait", ms: 100, reason: "window" }, request, 40, 0, 0)).toEqual({
      _tag: "Wait",
      ms: 150,
      waitedMs: 190
    })
    expect(gate.turn({ _tag: "Refuse", reason: "418", retryAfterMs: 7 }, request, 40, 0, 0)).toMatchObject({
      _tag: "Fail",
      failure: { _tag: "IpBanned", fields: { retryAfterMs: 7 } }
    })
  })

  it("a turn of the gate's loop: admit with the decision's epochs, wait with the margin, fail with the error", () => {
    expect(Gate.step({ _tag: "Admit", window: 3, rateLimitEpoch: 1, wafEpoch: 2 }, 5, 40, 50)).toEqual({
      _tag: "Admit",
      admitted: { weight: 5, window: 3, rateLimitEpoch: 1, wafEpoch: 2 },
      waitedMs: 40
    })
    expect(Gate.step({ _tag: "Wait", ms: 100, reason: "429" }, 5, 40, 50)).toEqual({
      _tag: "Wait",
      ms: 150,
      waitedMs: 190
    })
    const refused = (reason: "418" | "403" | "429") => Gate.step({ _tag: "Refuse", reason, retryAfterMs: 7 }, 5, 40, 0)
    expect(refused("418")).toEqual({
      _tag: "Fail",
      failure: { _tag: "IpBanned", fields: { status: 418, msg: Gate.refusalMessages[418], retryAfterMs: 7 } },
      waitedMs: 40
    })
    expect(refused("403")).toEqual({
      _tag: "Fail",
      failure: { _tag: "WafBlocked", fields: { status: 403, excerpt: Gate.refusalMessages[403], retryAfterMs: 7 } },
      waitedMs: 40
    })
    expect(refused("429")).toEqual({
      _tag: "Fail",
      failure: { _tag: "RateLimited", fields: { status: 429, msg: Gate.refusalMessages[429], retryAfterMs: 7 } },
      waitedMs: 40
    })
    // An invalid request never waited: no gate-wait sample.
    expect(Gate.step({ _tag: "Invalid", field: "weight", reason: "r" }, 5, 0, 0)).toEqual({
      _tag: "Fail",
      failure: { _tag: "InvalidConfiguration", fields: { field: "weight", reason: "r" } },
      waitedMs: undefined
    })
  })

  it("a snapshot shows a budget as it stands: zeros for one never used, weight in flight from both minutes", () => {
    expect(Gate.snapshotOf(undefined)).toEqual({
      window: 0,
      usedWeight: 0,
      reservedWeight: 0,
      pausedUntil: 0,
      blockedUntil: 0,
      bannedUntil: 0
    })
    const state: Gate.BudgetState = {
      window: 7,
      used: 40,
      reserved: 5,
      carried: 10,
      previousUsed: 90,
      pausedUntil: 1_000,
      blockedUntil: 2_000,
      bannedUntil: 3_000,
      rateLimitStreak: 1,
      rateLimitEpoch: 2,
      wafStreak: 1,
      wafEpoch: 1
    }
    expect(Gate.snapshotOf(state)).toEqual({
      window: 7,
      usedWeight: 40,
      reservedWeight: 15,
      pausedUntil: 1_000,
      blockedUntil: 2_000,
      bannedUntil: 3_000
    })
  })

  it("weight in flight counts: mid-minute, four requests of 5 fill a limit of 20 before any answer", () => {
    let state: Gate.BudgetState | undefined
    for (let i = 0; i < 4; i++) state = admitted(state, 30_000 + i).state
    const [decision] = Gate.admit(state, ask(30_010))
    expect(decision).toEqual({ _tag: "Wait", ms: 29_990, reason: "window" })
  })

  it("a later answer reporting less used weight does not lower the count", () => {
    const a = admitted(undefined, 30_000)
    const b = admitted(a.state, 30_001)
    let state = Gate.settle(b.state, b.permit, { status: 200, usedWeight: 15 }, 30_100, 30_100)
    state = Gate.settle(state, a.permit, { status: 200, usedWeight: 5 }, 30_200, 30_200)
    expect(state.used).toBe(15)
    expect(state.reserved).toBe(0)
  })

  it("weight in flight across a minute boundary counts in the new minute, and its answer is counted there", () => {
    const a = admitted(undefined, 59_900)
    // the next minute: the request may land in it, so it is carried
    const [wait, rolled] = Gate.admit(a.state, ask(61_000, { weightLimit: 20 }))
    expect(wait._tag).toBe("Admit")
    expect(rolled).toMatchObject({ window: 1, carried: 5, reserved: 5, previousUsed: 5 })
    const settled = Gate.settle(rolled, a.permit, { status: 200, usedWeight: 999 }, 61_100, 61_100)
    // its header may describe the old minute: not applied; its weight counts here
    expect(settled).toMatchObject({ carried: 0, used: 5 })
  })

  it("a later, shorter 429, 403 or 418 never shortens a pause or ban already running", () => {
    const p = admitted(undefined, 1_000)
    const q = admitted(p.state, 1_001)
    let state = Gate.settle(q.state, p.permit, { status: 429, retryAfterMs: 30_000 }, 1_100, 1_100)
    state = Gate.settle(state, q.permit, { status: 429, retryAfterMs: 1_000 }, 1_200, 1_200)
    expect(state.pausedUntil).toBe(31_100)
    state = Gate.settle(state, p.permit, { status: 418, retryAfterMs: 600_000 }, 1_300, 1_300)
    state = Gate.settle(state, q.permit, { status: 418, retryAfterMs: 120_000 }, 1_400, 1_400)
    expect(state.bannedUntil).toBe(601_300)
    state = Gate.settle(state, p.permit, { status: 403, retryAfterMs: 100_000 }, 1_500, 1_500)
    state = Gate.settle(state, q.permit, { status: 403 }, 1_600, 1_600)
    expect(state.blockedUntil).toBe(101_500)
  })

  const backoffCases = [
    { status: 429, field: "pausedUntil", streak: "rateLimitStreak", capMs: 60_000 },
    { status: 403, field: "blockedUntil", streak: "wafStreak", capMs: 300_000 }
  ] as const
  for (const { capMs, field, status, streak } of backoffCases) {
    it(`a ${status} without Retry-After pauses 1 s, doubling on consecutive ones up to ${capMs / 1000} s; a success resets it`, () => {
      let state: Gate.BudgetState | undefined
      let now = 0
      const pauses: Array<number> = []
      for (let i = 0; i < 12; i++) {
        // each request is admitted after the previous pause ended (local clock moves on)
        now = Math.max(now, state?.[field] ?? 0) + 1
        const a = admitted(state, now % 60_000 === 0 ? now + 1 : now, { weightLimit: 1_000_000 })
        state = Gate.settle(a.state, a.permit, { status }, now + 10, now + 10)
        pauses.push(state[field] - (now + 10))
      }
      expect(pauses.slice(0, 8)).toEqual(
        [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000].map((ms) => Math.min(ms, capMs))
      )
      expect(pauses.at(-1)).toBe(capMs)
      now = state![field] + 1
      const ok = admitted(state, now, { weightLimit: 1_000_000 })
      state = Gate.settle(ok.state, ok.permit, { status: 200 }, now + 10, now + 10)
      expect(state[streak]).toBe(0)
      const again = admitted(state, now + 20, { weightLimit: 1_000_000 })
      state = Gate.settle(again.state, again.permit, { status }, now + 30, now + 30)
      expect(state[field] - (now + 30)).toBe(1_000)
    })

    it(`answers to requests already in flight when a ${status} arrived neither double its pause nor reset it`, () => {
      let state: Gate.BudgetState | undefined
      const permits: Array<Gate.Admitted> = []
      for (let i = 0; i < 3; i++) {
        const a = admitted(state, 30_000 + i, { weightLimit: 1000 })
        state = a.state
        permits.push(a.permit)
      }
      state = Gate.settle(state, permits[0]!, { status }, 30_100, 30_100)
      state = Gate.settle(state, permits[1]!, { status }, 30_101, 30_101)
      expect(state[streak]).toBe(1)
      expect(state[field]).toBe(31_101)
      state = Gate.settle(state, permits[2]!, { status: 200 }, 30_102, 30_102)
      expect(state[streak]).toBe(1)
    })
  }

  it("an answer admitted in the same millisecond as a 429 was counted, but before it, does not reset the doubling", () => {
    let state: Gate.BudgetState | undefined
    const first = admitted(state, 10_000, { weightLimit: 1000 })
    state = Gate.settle(first.state, first.permit, { status: 429 }, 11_000, 11_000)
    // admitted after the pause, then a 429 at 12 000 doubles it
    const second = admitted(state, 12_000, { weightLimit: 1000 })
    const inFlight = admitted(second.state, 12_000, { weightLimit: 1000 })
    state = Gate.settle(inFlight.state, second.permit, { status: 429 }, 12_000, 12_000)
    expect(state.pausedUntil).toBe(14_000)
    // admitted in that same millisecond but before the 429 was counted: already in flight
    state = Gate.settle(state, inFlight.permit, { status: 200 }, 12_000, 12_000)
    expect(state.rateLimitStreak).toBe(2)
    const third = admitted(state, 14_000, { weightLimit: 1000 })
    state = Gate.settle(third.state, third.permit, { status: 429 }, 14_000, 14_000)
    expect(state.pausedUntil).toBe(18_000)
  })

  it("callers wait out a pause up to their longest wait, and fail at once beyond it, naming the cause", () => {
    const a = admitted(undefined, 10_000)
    const state = Gate.settle(a.state, a.permit, { status: 403 }, 10_000, 10_000)
    expect(Gate.admit(state, ask(10_500))[0]).toEqual({ _tag: "Wait", ms: 500, reason: "403" })
    expect(Gate.admit(state, ask(10_500, { maxWaitMs: 100 }))[0]).toEqual({
      _tag: "Refuse",
      reason: "403",
      retryAfterMs: 500
    })
  })

  it("a request heavier than the limit, or with no number for a clock, is refused as invalid instead of waiting forever", () => {
    expect(Gate.admit(undefined, ask(0, { weight: 25 }))[0]).toMatchObject({ _tag: "Invalid", field: "weightLimit" })
    expect(Gate.admit(undefined, ask(0, { weight: 0 }))[0]).toMatchObject({ _tag: "Invalid", field: "weight" })
    expect(Gate.admit(undefined, ask(Number.NaN))[0]).toMatchObject({ _tag: "Invalid", field: "clock" })
  })

  it("what a caller asks is checked: each bad number is refused as invalid, naming it", () => {
    const refused = (overrides: Partial<Gate.Ask>) => Gate.admit(undefined, ask(30_000, overrides))[0]
    const positive = { _tag: "Invalid", reason: "must be a positive integer" }
    expect(refused({ weight: 1.5 })).toEqual({ ...positive, field: "weight" })
    expect(refused({ weight: -5 })).toEqual({ ...positive, field: "weight" })
    expect(refused({ weight: Number.NaN })).toEqual({ ...positive, field: "weight" })
    expect(refused({ weightLimit: Number.NaN })).toEqual({ ...positive, field: "weightLimit" })
    expect(refused({ weightLimit: -20 })).toEqual({ ...positive, field: "weightLimit" })
    expect(refused({ weightLimit: 0 })).toEqual({
      _tag: "Invalid",
      field: "weightLimit",
      reason: "is 0, below the request's weight 5: it could never be sent"
    })
    const negative = { _tag: "Invalid", field: "maxWaitMs", reason: "must be a non-negative number" }
    expect(refused({ maxWaitMs: -1 })).toEqual(negative)
    expect(refused({ maxWaitMs: Number.NaN })).toEqual(negative)
    const clock = { _tag: "Invalid", field: "clock", reason: "must read finite milliseconds" }
    expect(refused({ local: Number.NaN })).toEqual(clock)
    expect(refused({ now: Number.POSITIVE_INFINITY })).toEqual(clock)
    // the edges are fine: a weight equal to the limit, a caller that waits for nothing
    expect(refused({ weight: 20 })._tag).toBe("Admit")
    expect(refused({ maxWaitMs: 0 })._tag).toBe("Admit")
  })

  it("a new minute after an idle one starts from nothing: no previous count, nothing carried", () => {
    const a = admitted(undefined, 30_000)
    const [, rolled] = Gate.admit(a.state, ask(150_000))
    expect(rolled).toMatchObject({ window: 2, used: 0, reserved: 5, carried: 0, previousUsed: 0 })
    // and the request from two minutes ago, answered now, changes nothing
    const settled = Gate.settle(rolled, a.permit, { status: 200, usedWeight: 15 }, 150_100, 150_100)
    expect(settled).toMatchObject({ used: 0, reserved: 5, carried: 0 })
  })

  it("weight carried into a minute counts against it, in the next minute's previous count, and is handed back one by one", () => {
    let state: Gate.BudgetState | undefined
    const permits: Array<Gate.Admitted> = []
    for (let i = 0; i < 4; i++) {
      const a = admitted(state, 59_000 + i)
      state = a.state
      permits.push(a.permit)
    }
    // 61.1 s: past the first second, yet the four in flight still fill the limit
    expect(Gate.admit(state, ask(61_100))[0]).toEqual({ _tag: "Wait", ms: 58_900, reason: "window" })
    state = Gate.roll(state, 61_100)
    state = Gate.settle(state, permits[0]!, { status: 200 }, 61_200, 61_200)
    expect(state).toMatchObject({ carried: 15, used: 5 })
    // a minute later, what was carried and used is the previous minute's count
    const next = admitted(state, 61_300, { weightLimit: 30 })
    expect(Gate.roll(next.state, 121_000)).toMatchObject({ previousUsed: 5 + 5 + 15, carried: 5 })
  })

  it("a first-second wait says why: the previous minute's window", () => {
    let state: Gate.BudgetState | undefined
    for (let i = 0; i < 4; i++) state = admitted(state, 59_000 + i).state
    state = Gate.roll(state, 60_000)
    const fresh = { ...state, carried: 0 }
    expect(Gate.admit(fresh, ask(60_200))[0]).toEqual({ _tag: "Wait", ms: 800, reason: "window" })
  })

  it("a pause and a block of the same length name the firewall; a wait equal to the longest accepted is waited", () => {
    const a = admitted(undefined, 10_000)
    const b = admitted(a.state, 10_000)
    let state = Gate.settle(b.state, a.permit, { status: 429 }, 10_000, 10_000)
    state = Gate.settle(state, b.permit, { status: 403 }, 10_000, 10_000)
    expect(Gate.admit(state, ask(10_000))[0]).toEqual({ _tag: "Wait", ms: 1_000, reason: "403" })
    expect(Gate.admit(state, ask(10_000, { maxWaitMs: 1_000 }))[0]).toEqual({ _tag: "Wait", ms: 1_000, reason: "403" })
    expect(Gate.admit(state, ask(10_000, { maxWaitMs: 999 }))[0]).toMatchObject({ _tag: "Refuse", reason: "403" })
  })

  it("an answer that is not 2xx, 429, 403 or 418 (a 1xx, a 500) neither resets a streak nor pauses", () => {
    const a = admitted(undefined, 10_000, { weightLimit: 1000 })
    let state = Gate.settle(a.state, a.permit, { status: 429 }, 10_000, 10_000)
    for (const status of [101, 199, 300, 500]) {
      const b = admitted(state, 12_000, { weightLimit: 1000 })
      state = Gate.settle(b.state, b.permit, { status }, 12_000, 12_000)
      expect(state.rateLimitStreak, String(status)).toBe(1)
    }
    expect(state.pausedUntil).toBe(11_000)
  })

  it("a 403 answered to a request already in flight keeps the streak's length, not the first second", () => {
    let state: Gate.BudgetState | undefined
    let now = 10_000
    for (let i = 0; i < 3; i++) {
      const a = admitted(state, now, { weightLimit: 1000 })
      state = Gate.settle(a.state, a.permit, { status: 403 }, now, now)
      now = state.blockedUntil
    }
    expect(state!.wafStreak).toBe(3)
    const inFlight = admitted(state, now, { weightLimit: 1000 })
    const fresh = admitted(inFlight.state, now, { weightLimit: 1000 })
    state = Gate.settle(fresh.state, fresh.permit, { status: 403 }, now, now)
    expect(state.blockedUntil).toBe(now + 8_000)
    state = Gate.settle(state, inFlight.permit, { status: 403 }, now + 7_000, now + 7_000)
    // counted against the streak of 4 it belongs to: 7 s + 8 s, not 7 s + 1 s
    expect(state.blockedUntil).toBe(now + 15_000)
  })

  it("a 418 that says neither Retry-After nor 'banned until' bans for Binance's shortest ban, 2 minutes", () => {
    const a = admitted(undefined, 10_000)
    expect(Gate.settle(a.state, a.permit, { status: 418 }, 10_500, 10_000).bannedUntil).toBe(130_000)
    // "banned until" is on Binance's clock (500 ms ahead here)
    expect(Gate.settle(a.state, a.permit, { status: 418, bannedUntil: 70_500 }, 10_500, 10_000).bannedUntil).toBe(
      70_000
    )
  })

  it("a budget is kept until its minute, the next one, and its pauses and ban are over", () => {
    const state = { ...Gate.initial(0), pausedUntil: 0, blockedUntil: 0, bannedUntil: 0 }
    expect(Gate.ttlMs(state, 10_000, 10_000)).toBe(110_000)
    expect(Gate.ttlMs({ ...state, pausedUntil: 210_000 }, 10_000, 10_000)).toBe(200_000)
    expect(Gate.ttlMs({ ...state, blockedUntil: 310_000 }, 10_000, 10_000)).toBe(300_000)
    expect(Gate.ttlMs({ ...state, bannedUntil: 410_000 }, 10_000, 10_000)).toBe(400_000)
  })

  it.effect("RateLimit.acquire fails typed (InvalidConfiguration) for a weight above the limit", () =>
    Effect.gen(function*() {
      const gate = RateLimit.makeUnsafe()
      const error = yield* Effect.flip(
        gate.acquire({ key: "k", weight: 10, weightLimit: 5, maxWaitMs: 0, now: Effect.succeed(0) })
      )
      expect(error).toMatchObject({ _tag: "InvalidConfiguration", field: "weightLimit" })
    }))
})

/** Runs a trace through a store; returns every decision (admissions are settled later by the trace). */
const replay = (store: RateLimit.Store, key: string, steps: ReadonlyArray<Step>) =>
  Effect.gen(function*() {
    const open: Array<Gate.Admitted> = []
    const decisions: Array<Gate.Decision> = []
    for (const step of steps) {
      if (step._tag === "admit") {
        const decision = yield* store.admit(
          key,
          ask(step.at, { weight: step.weight, ...traceAsk })
        )
        decisions.push(decision)
        if (decision._tag === "Admit") {
          open.push({ weight: step.weight, ...decision })
        }
      } else if (open.length > 0) {
        const [permit] = open.splice(Math.floor(step.pick * open.length), 1)
        yield* store.settle(key, permit!, step.outcome, step.at, step.at)
      }
    }
    return { decisions, state: yield* store.get(key) }
  })

const server = await startRedis()
afterAll(() => server?.stop())

describe.skipIf(server === undefined)(
  `one algorithm over two stores${server === undefined ? ` — skipped: ${NOT_RUN_MESSAGE}` : ""}`,
  () => {
    for (const seed of traceSeeds) {
      it.live(`seed ${seed}: memory and Redis make the same decisions and end in the same state`, () =>
        Effect.gen(function*() {
          const steps = trace(seed, 400)
          const memory = yield* replay(RateLimit.memoryStore(), "k", steps)
          const redis = yield* Effect.acquireRelease(
            Effect.sync(() => new Redis(server!.url)),
            (client) => Effect.promise(() => client.quit())
          )
          const prefix = `test:${Crypto.randomUUID()}:`
          const store = RedisStore.redisStore({ redis, keyOf: (key) => prefix + key, commandTimeoutMs: 2_000 })
          const shared = yield* replay(store, "k", steps)
          expect(shared.decisions).toEqual(memory.decisions)
          expect(shared.state).toEqual(memory.state)
          // the trace exercised every kind of decision
          const tags = new Set(
            memory.decisions.map((d) => d._tag === "Wait" || d._tag === "Refuse" ? `${d._tag} ${d.reason}` : d._tag)
          )
          expect(
            tags.has("Admit") && [...tags].some((t) => t.startsWith("Wait")) &&
              [...tags].some((t) => t.startsWith("Refuse"))
          )
            .toBe(true)
        }).pipe(Effect.scoped))
    }
  }
)
