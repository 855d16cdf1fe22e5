// A process's budgets (src/internal/core/budgets.ts) beyond the gate's own specs: the process-wide map every copy
// of the library shares, and the edge of what the step-free clock calls a step.
import { describe, expect, it } from "@effect/vitest"
import * as Budgets from "../src/internal/core/budgets.js"

describe("process budgets", () => {
  it("one map for the whole process, held on globalThis under the registered symbol every copy looks up", () => {
    const budgets = Budgets.processBudgets()
    expect(budgets).toBeInstanceOf(Map)
    expect(Budgets.processBudgets()).toBe(budgets)
    const holder = globalThis as Record<symbol, unknown>
    expect(holder[Symbol.for("effect-binance-pm/RateLimit/processBudgets")]).toBe(budgets)
  })

  it("a map another copy of the library put there first is the one used", () => {
    const key = Symbol.for("effect-binance-pm/RateLimit/processBudgets")
    const holder = globalThis as Record<symbol, unknown>
    const before = holder[key]
    try {
      delete holder[key]
      const theirs = new Map()
      holder[key] = theirs
      expect(Budgets.processBudgets()).toBe(theirs)
      delete holder[key]
      const made = Budgets.processBudgets()
      expect(made).toBeInstanceOf(Map)
      expect(made.size).toBe(0)
      expect(holder[key]).toBe(made)
    } finally {
      holder[key] = before
    }
  })
})

describe("the step-free clock", () => {
  it("a difference of exactly one second is drift, not a step; a hair more is a step", () => {
    const steady = Budgets.steadyClock()
    expect(steady(0, 0)).toBe(0)
    expect(steady(2_000, 1_000)).toBe(2_000) // the wall clock ran 1 s more than the monotonic one: kept
    expect(steady(2_000, 2_000)).toBe(2_000) // 1 s less: kept
    expect(steady(4_000.5, 3_000)).toBe(3_000) // 1.0005 s more: a step, taken away
  })
})
