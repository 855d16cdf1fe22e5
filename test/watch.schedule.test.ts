// The watcher's read schedule (src/internal/core/watch/schedule.ts), shared by both editions: the pace that keeps
// paced reads within the share, fresh reads ahead of all and joined, stream triggers, pauses and failures. Time is
// an input, so a simulated reader replays an hour in milliseconds.
import { describe, expect, it } from "@effect/vitest"
import * as Schedule from "../src/internal/core/watch/schedule.js"
import { type ScheduleCase, scheduleCases } from "./cases/watchSchedule.js"

const config = (overrides: Partial<Schedule.Config> = {}): Schedule.Config => ({
  assets: ["BTC", "ETH", "USDT"],
  maxAgeMs: 60_000,
  weightShare: 0.1,
  weightLimit: 2400,
  vmwThreshold: 0.01,
  ...overrides
})

interface Sent {
  readonly at: number
  readonly id: number
  readonly asset: string
  readonly reason: Schedule.Reason
}

/** Replays a case: inputs, then answers, then decisions at each instant; every read answered after the latency. */
const simulate = (c: ScheduleCase) => {
  let state = Schedule.make(
    {
      assets: c.assets,
      maxAgeMs: c.maxAgeMs,
      weightShare: c.weightShare,
      weightLimit: c.weightLimit,
      vmwThreshold: c.vmwThreshold
    },
    0
  )
  const inputs = [...c.inputs].sort((a, b) => a.at - b.at)
  const sent: Array<Sent> = []
  const demands: Array<{ readonly at: number; readonly asset: string; readonly demand: Schedule.Demand }> = []
  const failures: Array<Schedule.Failure> = []
  const answers: Array<{ readonly at: number; readonly id: number; readonly ok: boolean }> = []
  const counts = new Map<string, number>()
  let now = 0
  let input = 0
  while (now <= c.until) {
    for (; input < inputs.length && inputs[input]!.at <= now; input++) {
      const i = inputs[input]!
      if (i._tag === "fresh") {
        const [demand, next] = Schedule.demand(state, i.asset)
        demands.push({ at: now, asset: i.asset, demand })
        state = next
      } else if (i._tag === "account") state = Schedule.account(state, i.vmw, now)[1]
      else if (i._tag === "risk") state = Schedule.risk(state, now)
      else state = Schedule.pause(state, i.until)
    }
    for (const answer of answers.filter((a) => a.at <= now)) {
      answers.splice(answers.indexOf(answer), 1)
      if (answer.ok) state = Schedule.succeeded(state, answer.id, now)
      else {
        const [failure, next] = Schedule.failed(state, answer.id, now)
        failures.push(failure!)
        state = next
      }
    }
    let wake = Number.POSITIVE_INFINITY
    for (;;) {
      const [decision, next] = Schedule.next(state, now)
      state = next
      if (decision._tag !== "Read") {
        if (decision._tag === "Wait") wake = decision.until
        break
      }
      sent.push({ at: now, id: decision.id, asset: decision.asset, reason: decision.reason })
      const nth = (counts.get(decision.asset) ?? 0) + 1
      counts.set(decision.asset, nth)
      const ok = !(c.failing ?? []).some((f) => f.asset === decision.asset && f.nth === nth)
      answers.push({ at: now + c.latencyMs, id: decision.id, ok })
    }
    now = Math.min(wake, ...answers.map((a) => a.at), inputs[input]?.at ?? Number.POSITIVE_INFINITY)
    if (now === Number.POSITIVE_INFINITY) break
  }
  return { sent, demands, failures, state }
}

const defaults = { maxAgeMs: 60_000, weightShare: 0.1, weightLimit: 2400, vmwThreshold: 0.01, latencyMs: 100 }

describe("schedule traces (test/cases/watchSchedule.ts)", () => {
  for (const c of scheduleCases) {
    it(c.name, () => {
      expect(simulate(c).sent.map(({ asset, at, reason }) => ({ at, asset, reason }))).toEqual(c.reads)
    })
  }

  it("five concurrent demands for one asset send one request, and every demand waits for that read", () => {
    const c: ScheduleCase = {
      ...defaults,
      name: "",
      assets: ["BTC", "ETH"],
      inputs: [1, 2, 3, 4, 5].map(() => ({ at: 5000, _tag: "fresh" as const, asset: "ETH" })),
      until: 5200,
      reads: []
    }
    const { demands, sent } = simulate(c)
    const fresh = sent.filter((s) => s.reason === "fresh")
    expect(fresh).toEqual([{ at: 5000, id: fresh[0]!.id, asset: "ETH", reason: "fresh" }])
    expect(demands.map((d) => d.demand)).toEqual([
      { _tag: "Read", id: fresh[0]!.id, joined: false },
      ...[2, 3, 4, 5].map(() => ({ _tag: "Read", id: fresh[0]!.id, joined: true }))
    ])
  })
})

describe("the share over a simulated hour", () => {
  const hour = (assets: ReadonlyArray<string>, maxAgeMs: number) =>
    simulate({ ...defaults, name: "", assets, maxAgeMs, inputs: [], until: 3_600_000, reads: [] }).sent

  /** Weight sent in each one-minute window [t, t + 60 s), for every t a read was sent at. */
  const worstMinute = (sent: ReadonlyArray<Sent>) =>
    Math.max(...sent.map((s) => sent.filter((x) => x.at >= s.at && x.at < s.at + 60_000).length * 5))

  it("10 assets, the default share, maxAgeMs tighter than it can keep: 240 weight a minute (10 % of 2400), evenly", () => {
    const assets = ["BTC", "ETH", "BNB", "USDT", "USDC", "SOL", "XRP", "DOGE", "ADA", "FDUSD"]
    const sent = hour(assets, 5_000)
    // One read every 1250 ms exactly, never closer: 2881 reads in [0, 3 600 000].
    expect(sent.length).toBe(2881)
    expect(sent.every((s, i) => i === 0 || s.at - sent[i - 1]!.at === 1250)).toBe(true)
    expect(worstMinute(sent)).toBe(240)
    // Round robin: each asset every 12.5 s.
    expect(sent.slice(0, 12).map((s) => s.asset)).toEqual([...assets, "BTC", "ETH"])
    const plan = Schedule.plan(config({ assets, maxAgeMs: 5_000 }))
    expect(plan).toEqual({ intervalMs: 1250, refreshAfterMs: 4500, capacity: 3, keepsUp: false, weightPerMinute: 240 })
  })

  it("10 assets, the default share and maxAgeMs 60 s: each read every 54.1 s, about 55 weight a minute", () => {
    const assets = ["BTC", "ETH", "BNB", "USDT", "USDC", "SOL", "XRP", "DOGE", "ADA", "FDUSD"]
    const sent = hour(assets, 60_000)
    for (const asset of assets) {
      const times = sent.filter((s) => s.asset === asset).map((s) => s.at)
      // answered 100 ms after sending, due 54 000 ms after the answer
      expect(times.slice(1).map((t, i) => t - times[i]!)).toEqual(times.slice(1).map(() => 54_100))
    }
    // The worst minute holds the first pass and the start of the second: 15 reads, far under the share's 240.
    expect(worstMinute(sent)).toBe(75)
    // 10 assets read every 54.1 s over an hour: 670 reads, 3350 weight, 55.8 a minute on average.
    expect(sent.length).toBe(670)
    const plan = Schedule.plan(config({ assets }))
    expect(plan.intervalMs).toBe(1250)
    expect(plan.capacity).toBe(43)
    expect(plan.keepsUp).toBe(true)
    expect(plan.weightPerMinute).toBeCloseTo(55.56, 2)
  })

  it("the ages show where the share cannot keep up", () => {
    const c: ScheduleCase = {
      ...defaults,
      name: "",
      assets: ["BTC", "ETH", "BNB", "USDT", "USDC"],
      maxAgeMs: 5_000,
      inputs: [],
      until: 20_000,
      reads: []
    }
    const { state } = simulate(c)
    const ages = Schedule.ages(state, 20_000)
    // Each re-read every 6250 ms, so a figure gets up to 6250 + 100 ms old. At 20 000 ETH's read (sent at 20 000)
    // is in flight, and its figure, answered at 13 850, is 6150 ms old.
    expect(ages.map((a) => a.ageMs)).toEqual([1150, 6150, 4900, 3650, 2400])
    expect(ages.map((a) => a.overdue)).toEqual([false, true, false, false, false])
  })
})

describe("schedule rules", () => {
  it("the interval is the share's pace, rounded up to whole ms", () => {
    expect(Schedule.intervalMs(config())).toBe(1250)
    expect(Schedule.intervalMs(config({ weightShare: 0.5 }))).toBe(250)
    expect(Schedule.intervalMs(config({ weightLimit: 1200 }))).toBe(2500)
    expect(Schedule.intervalMs(config({ readWeight: 1 }))).toBe(250)
    expect(Schedule.intervalMs(config({ weightShare: 0.07 }))).toBe(1786) // 1785.71…
    expect(Schedule.refreshAfterMs(config({ maxAgeMs: 1001 }))).toBe(900)
  })

  it("a plan for one asset reads it once per refresh; capacity is whole reads within it", () => {
    expect(Schedule.plan(config({ assets: ["BTC"], maxAgeMs: 2500 }))).toEqual({
      intervalMs: 1250,
      refreshAfterMs: 2250,
      capacity: 1,
      keepsUp: true,
      weightPerMinute: 5 * 60_000 / 2250
    })
    expect(Schedule.plan(config({ assets: ["BTC", "ETH"], maxAgeMs: 2500 })).keepsUp).toBe(false)
    expect(Schedule.plan(config({ assets: ["BTC", "ETH"], maxAgeMs: 2778 })).keepsUp).toBe(true) // 2500 / 1250
  })

  it("the first read is sent at once, the next one an interval later, not before", () => {
    let state = Schedule.make(config(), 1000)
    const [first, s1] = Schedule.next(state, 1000)
    expect(first).toEqual({ _tag: "Read", id: 1, asset: "BTC", reason: "routine" })
    expect(Schedule.next(s1, 1000)[0]).toEqual({ _tag: "Wait", until: 2250 })
    expect(Schedule.next(s1, 2249)[0]).toEqual({ _tag: "Wait", until: 2250 })
    const [second, s2] = Schedule.next(s1, 2250)
    expect(second).toEqual({ _tag: "Read", id: 2, asset: "ETH", reason: "routine" })
    const [third, s3] = Schedule.next(s2, 3500)
    expect(third).toEqual({ _tag: "Read", id: 3, asset: "USDT", reason: "routine" })
    expect(Schedule.next(s3, 9000)[0]).toEqual({ _tag: "Idle" })
    state = Schedule.succeeded(s3, 1, 4000)
    // BTC answered at 4000: due at 4000 + 54 000
    expect(Schedule.next(state, 4000)[0]).toEqual({ _tag: "Wait", until: 58_000 })
    expect(Schedule.next(state, 58_000)[0]).toEqual({ _tag: "Read", id: 4, asset: "BTC", reason: "routine" })
  })

  it("the most overdue asset goes first", () => {
    let state = Schedule.make(config(), 0)
    for (const [id, at] of [[1, 0], [2, 1250], [3, 2500]] as const) {
      state = Schedule.next(state, at)[1]
      state = Schedule.succeeded(state, id, at + [300, 100, 200][id - 1]!)
    }
    // answered at 300 (BTC), 1350 (ETH), 2700 (USDT)
    expect(Schedule.next(state, 100_000)[0]).toMatchObject({ asset: "BTC" })
    state = Schedule.succeeded(Schedule.next(state, 100_000)[1], 4, 100_000)
    expect(Schedule.next(state, 101_250)[0]).toMatchObject({ asset: "ETH" })
  })

  it("a triggered asset goes ahead once due, not while it backs off from a failure", () => {
    const base = Schedule.make(config({ assets: ["BTC", "ETH"] }), 0)
    const [btc, eth] = base.assets as [Schedule.AssetState, Schedule.AssetState]
    const overdue = { ...eth, answeredAt: -100_000 } // due since -46 000
    const triggeredNow = { ...base, assets: [{ ...btc, answeredAt: 0, triggeredAt: 1000 }, overdue] }
    expect(Schedule.next(triggeredNow, 1000)[0]).toEqual({ _tag: "Read", id: 1, asset: "BTC", reason: "stream" })
    const backingOff = { ...base, assets: [{ ...btc, answeredAt: 0, triggeredAt: 100, retryAt: 5000 }, overdue] }
    expect(Schedule.next(backingOff, 1000)[0]).toEqual({ _tag: "Read", id: 1, asset: "ETH", reason: "routine" })
    const bothBackingOff = { ...backingOff, assets: [backingOff.assets[0]!, { ...overdue, retryAt: 7000 }] }
    expect(Schedule.next(bothBackingOff, 1000)[0]).toEqual({ _tag: "Wait", until: 5000 })
  })

  it("a demand for an asset not watched is refused and changes nothing", () => {
    const state = Schedule.make(config(), 0)
    expect(Schedule.demand(state, "DOGE")).toEqual([{ _tag: "NotWatched" }, state])
  })

  it("a demanded read goes ahead of a stream-triggered one, and ignores the pace and a pause", () => {
    let state = Schedule.make(config(), 0)
    state = Schedule.next(state, 0)[1] // BTC in flight
    state = Schedule.pause(Schedule.risk(state, 10), 60_000)
    const [demand, s1] = Schedule.demand(state, "USDT")
    expect(demand).toEqual({ _tag: "Read", id: 2, joined: false })
    expect(Schedule.demand(s1, "USDT")[0]).toEqual({ _tag: "Read", id: 2, joined: true })
    const [read, s2] = Schedule.next(s1, 20)
    expect(read).toEqual({ _tag: "Read", id: 2, asset: "USDT", reason: "fresh" })
    // The next paced read waits for the pause, which is longer than the pace.
    expect(Schedule.next(s2, 20)[0]).toEqual({ _tag: "Wait", until: 60_000 })
    expect(Schedule.next(s2, 60_000)[0]).toEqual({ _tag: "Read", id: 3, asset: "ETH", reason: "stream" })
    // A read of the same asset goes on joining until it is answered; then a demand makes a new read.
    expect(Schedule.demand(s2, "USDT")[0]).toEqual({ _tag: "Read", id: 2, joined: true })
    const s3 = Schedule.succeeded(s2, 2, 30)
    expect(Schedule.demand(s3, "USDT")[0]).toEqual({ _tag: "Read", id: 3, joined: false })
  })

  it("a shorter pause does not shorten a longer one", () => {
    const state = Schedule.pause(Schedule.make(config(), 0), 50_000)
    expect(Schedule.pause(state, 40_000)).toBe(state)
    expect(Schedule.pause(state, 50_000)).toBe(state)
    expect(Schedule.pause(state, 50_001).pausedUntil).toBe(50_001)
  })

  it("failures back off 1 s, doubling, up to 60 s; a success resets the count", () => {
    // A share at which the pace (125 ms) is shorter than every back-off.
    let state = Schedule.make(config({ assets: ["BTC"], weightShare: 1 }), 0)
    const retries: Array<number> = []
    let now = 0
    for (let i = 0; i < 9; i++) {
      const [read, sent] = Schedule.next(state, now)
      expect(read._tag).toBe("Read")
      const [failure, next] = Schedule.failed(sent, (read as { id: number }).id, now)
      expect(failure).toMatchObject({ asset: "BTC", reason: "routine", failures: i + 1 })
      retries.push(failure!.retryAt - now)
      state = next
      now = failure!.retryAt
    }
    expect(retries).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000])
    const [read, sent] = Schedule.next(state, now)
    state = Schedule.succeeded(sent, (read as { id: number }).id, now)
    expect(state.assets[0]).toMatchObject({ failures: 0, answeredAt: now, retryAt: Number.NEGATIVE_INFINITY })
    const [again, s2] = Schedule.next(state, now + 54_000)
    expect(Schedule.failed(s2, (again as { id: number }).id, now + 54_000)[0]!.retryAt).toBe(now + 55_000)
  })

  it("a failed fresh read says so; the asset keeps its figure", () => {
    let state = Schedule.make(config(), 0)
    state = Schedule.succeeded(Schedule.next(state, 0)[1], 1, 10)
    const [, demanded] = Schedule.demand(state, "BTC")
    const [read, sent] = Schedule.next(demanded, 20)
    expect(read).toEqual({ _tag: "Read", id: 2, asset: "BTC", reason: "fresh" })
    const [failure, after] = Schedule.failed(sent, 2, 30)
    expect(failure).toEqual({ asset: "BTC", reason: "fresh", failures: 1, retryAt: 1030 })
    expect(after.assets[0]).toMatchObject({ answeredAt: 10, inFlight: undefined, demanded: undefined })
  })

  it("an answer for a read not in flight changes nothing", () => {
    const state = Schedule.next(Schedule.make(config(), 0), 0)[1]
    expect(Schedule.succeeded(state, 99, 5)).toBe(state)
    expect(Schedule.failed(state, 99, 5)).toEqual([undefined, state])
    const answered = Schedule.succeeded(state, 1, 5)
    expect(Schedule.succeeded(answered, 1, 6)).toBe(answered)
  })

  it("a trigger at the instant a read is sent is covered by it; one after is not", () => {
    const start = Schedule.next(Schedule.make(config({ assets: ["BTC"] }), 0), 0)[1]
    expect(Schedule.succeeded(Schedule.risk(start, 0), 1, 50).assets[0]!.triggeredAt).toBe(undefined)
    expect(Schedule.succeeded(Schedule.risk(start, 1), 1, 50).assets[0]!.triggeredAt).toBe(1)
  })

  describe("vmw", () => {
    const seen = (vmw: string, threshold = 0.01) =>
      Schedule.account(Schedule.make(config({ vmwThreshold: threshold }), 0), vmw, 0)[1]

    it("the first value is the reference and triggers nothing", () => {
      const [triggered, state] = Schedule.account(Schedule.make(config(), 0), "200.5", 0)
      expect(triggered).toBe(false)
      expect(state.vmwReference).toBe(200.5)
      expect(state.assets.every((a) => a.triggeredAt === undefined)).toBe(true)
    })

    it("more than the threshold either way triggers, the threshold itself does not", () => {
      const state = seen("200")
      expect(Schedule.account(state, "202", 5)[0]).toBe(false)
      expect(Schedule.account(state, "198", 5)[0]).toBe(false)
      expect(Schedule.account(state, "202.0001", 5)[0]).toBe(true)
      expect(Schedule.account(state, "197.9999", 5)[0]).toBe(true)
      const [, after] = Schedule.account(state, "197.9999", 5)
      expect(after.vmwReference).toBe(197.9999)
      expect(after.assets.map((a) => a.triggeredAt)).toEqual([5, 5, 5])
    })

    it("a slow drift triggers once it adds up (the reference is the last trigger's value)", () => {
      let state = seen("1000")
      const triggers: Array<boolean> = []
      for (const vmw of ["1004", "1008", "1010.5", "1015", "1020", "1020.7"]) {
        const [t, next] = Schedule.account(state, vmw, 1)
        triggers.push(t)
        state = next
      }
      expect(triggers).toEqual([false, false, true, false, false, true])
    })

    it("from zero any move triggers; a threshold of 0 triggers on any move; the exponent form is read", () => {
      expect(Schedule.account(seen("0"), "0.00000001", 1)[0]).toBe(true)
      expect(Schedule.account(seen("0E-8"), "0", 1)[0]).toBe(false)
      expect(Schedule.account(seen("100", 0), "100.00000001", 1)[0]).toBe(true)
      expect(Schedule.account(seen("100", 0), "100", 1)[0]).toBe(false)
      expect(Schedule.account(seen("1.5E+3"), "1500.1", 1)[0]).toBe(false)
    })

    it("a value that is not a number changes nothing", () => {
      const state = seen("100")
      for (const vmw of ["", "abc", "Infinity", "NaN"]) expect(Schedule.account(state, vmw, 1)).toEqual([false, state])
      const fresh = Schedule.make(config(), 0)
      expect(Schedule.account(fresh, "x", 1)[1]).toBe(fresh)
    })
  })

  it("ages: undefined before the first answer, overdue strictly past maxAgeMs (from the start before that)", () => {
    let state = Schedule.make(config({ assets: ["BTC", "ETH"], maxAgeMs: 10_000 }), 1000)
    state = Schedule.succeeded(Schedule.next(state, 1000)[1], 1, 2000)
    expect(Schedule.ages(state, 11_000)).toEqual([
      { asset: "BTC", answeredAt: 2000, ageMs: 9000, overdue: false },
      { asset: "ETH", answeredAt: undefined, ageMs: undefined, overdue: false }
    ])
    expect(Schedule.ages(state, 11_001).map((a) => a.overdue)).toEqual([false, true])
    expect(Schedule.ages(state, 12_000).map((a) => a.overdue)).toEqual([false, true])
    expect(Schedule.ages(state, 12_001).map((a) => a.overdue)).toEqual([true, true])
  })
})
