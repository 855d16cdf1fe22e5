// Seeded traces for "one algorithm over two stores": requests and outcomes at increasing times, in a budget
// small enough to fill. Plain data, no Effect: test/gate.test.ts (Effect 3) and effect4/test/RateLimitRedis.test.ts
// (Effect 4) replay them through the in-memory store and the Redis store and expect the same decisions and state.
import { mulberry32 } from "../../src/internal/core/fake/faults.js"
import type * as Gate from "../../src/internal/core/gate.js"

export type Step =
  | { readonly _tag: "admit"; readonly at: number; readonly weight: number }
  | { readonly _tag: "settle"; readonly at: number; readonly pick: number; readonly outcome: Gate.Outcome }

/** The seeds both editions replay. */
export const traceSeeds: ReadonlyArray<number> = [1, 2, 3, 7, 2026]

/** What each admission asks, besides its instant and weight. */
export const traceAsk = { weightLimit: 30, maxWaitMs: 3_000 } as const

export const trace = (seed: number, length: number): ReadonlyArray<Step> => {
  const random = mulberry32(seed)
  const outcomes: ReadonlyArray<Gate.Outcome> = [
    { status: 200 },
    { status: 200, usedWeight: 12 },
    { status: 200, usedWeight: 3 },
    { status: 429 },
    { status: 429, retryAfterMs: 2_000 },
    { status: 403 },
    { status: 500 },
    { status: 418, retryAfterMs: 5_000 },
    {}
  ]
  const steps: Array<Step> = []
  let at = 1_000
  for (let i = 0; i < length; i++) {
    at += Math.floor(random() * 2_500)
    if (random() < 0.55) {
      steps.push({ _tag: "admit", at, weight: random() < 0.8 ? 5 : 1 })
    } else {
      const index = Math.floor(random() * (random() < 0.05 ? outcomes.length : outcomes.length - 2))
      steps.push({ _tag: "settle", at, pick: random(), outcome: outcomes[index]! })
    }
  }
  return steps
}
