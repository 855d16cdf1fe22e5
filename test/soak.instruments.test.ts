// The soak's gate instruments judge "a request let through a closed gate" from the gate's own steps. A soak whose
// instruments could not see a violation would report zero whatever the gate did: these specs show they do.
import { describe, expect, it } from "@effect/vitest"
import * as processGate from "../scripts/soak/processGate.js"
import { pauseWatch, type Recorded } from "../scripts/soak/program.js"
import * as Budgets from "../src/internal/core/budgets.js"
import type { Admitted, Ask } from "../src/internal/core/gate.js"

const recorded = (): Recorded => ({ admittedInPause: [], ungated: [], closed: [], receipts: [] })
const ask = (local: number): Ask => ({ weight: 5, weightLimit: 6000, maxWaitMs: 0, now: local, local })
const ADMIT = { _tag: "Admit" } as const

describe("pauseWatch (the Effect API's instrumented store)", () => {
  it("an admission after a 429's settle and before its Retry-After ran out is counted; before or after, not", () => {
    const instruments = recorded()
    const watch = pauseWatch(instruments)
    expect(watch.admitted("k", ADMIT, 1_000)).toBe(true)
    watch.settled("k", { status: 429, retryAfterMs: 500 }, 1_001)
    expect(watch.admitted("k", ADMIT, 1_200)).toBe(true)
    expect(watch.admitted("k", { _tag: "Wait" }, 1_300)).toBe(false)
    expect(watch.admitted("k", ADMIT, 1_501)).toBe(true)
    expect(watch.admitted("other", ADMIT, 1_250)).toBe(true)
    expect(instruments.admittedInPause).toEqual([{ at: 1_200, until: 1_501 }])
    expect(instruments.closed).toHaveLength(1)
  })

  it("a 418's ban counts as a pause; an answer without Retry-After or another status does not close it", () => {
    const instruments = recorded()
    const watch = pauseWatch(instruments)
    watch.settled("k", { status: 500 }, 0)
    watch.settled("k", { status: 429 }, 0)
    watch.admitted("k", ADMIT, 10)
    watch.settled("k", { status: 418, retryAfterMs: 120_000 }, 20)
    watch.admitted("k", ADMIT, 119_000)
    expect(instruments.admittedInPause).toEqual([{ at: 119_000, until: 120_020 }])
  })
})

describe("processGate (the Promise API's private gate)", () => {
  it("sees the process's budgets change, and counts only admissions after the gate took in the pause", () => {
    const watched = processGate.install()
    try {
      const budgets = Budgets.memoryBudgets(Budgets.processBudgets())
      const key = `soak-instruments-${Math.random()}`
      const now = Date.now()
      const first = budgets.admit(key, ask(now))
      expect(first._tag).toBe("Admit")
      const admitted = first as Admitted & { _tag: "Admit" }
      // The wire read a 429 with Retry-After 2 s; another request was admitted before the gate learned of it.
      const pause = { read: now, retryAfterMs: 2_000 }
      expect(budgets.admit(key, ask(now))._tag).toBe("Admit")
      budgets.settle(key, { ...admitted, weight: 5 }, { status: 429, retryAfterMs: 2_000 }, now, now)
      expect(processGate.admittedInPauses(watched.events, [pause])).toBe(0)
      // A gate that let one through now would be caught (made up: the real gate says Wait or Refuse).
      const state = Budgets.processBudgets().get(key)!
      Budgets.processBudgets().set(key, { ...state, reserved: state.reserved + 5 })
      expect(processGate.admittedInPauses(watched.events, [pause])).toBe(1)
      expect(watched.events.filter((e) => e.admitted)).toHaveLength(3)
      Budgets.processBudgets().delete(key)
    } finally {
      watched.uninstall()
    }
    expect(Object.hasOwn(Budgets.processBudgets(), "set")).toBe(false)
  })
})
