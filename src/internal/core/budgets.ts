/**
 * Where a process keeps its budgets, as plain synchronous code: budgets in a `Map` (the in-memory store, and the
 * state file's and the Redis store's own copy), the budgets every default gate of the process shares, and the
 * step-free host clock pauses are kept on. The rules they apply are `gate.ts`'s.
 */
import {
  admit,
  type Admitted,
  type Ask,
  type BudgetState,
  type Decision,
  type Failure,
  type Outcome,
  settle,
  step
} from "./gate.js"

/**
 * Budgets whose every change is one synchronous step: atomic for every fiber of a process. The in-memory store
 * is a `Map` of them; the state file (`stateFile.ts`) wraps one.
 */
export interface Budgets {
  readonly admit: (key: string, ask: Ask) => Decision
  readonly settle: (key: string, admitted: Admitted, outcome: Outcome, now: number, local: number) => void
  readonly get: (key: string) => BudgetState | undefined
}

/** Budgets in a `Map`. */
export const memoryBudgets = (budgets: Map<string, BudgetState> = new Map()): Budgets => ({
  admit: (key, ask) => {
    const [decision, state] = admit(budgets.get(key), ask)
    budgets.set(key, state)
    return decision
  },
  settle: (key, admitted, outcome, now, local) => {
    budgets.set(key, settle(budgets.get(key), admitted, outcome, now, local))
  },
  get: (key) => budgets.get(key)
})

// Held on `globalThis` under a registered symbol, so that every copy of this library in the process (ESM and
// CommonJS, two installed versions, both editions) shares the same budgets: they all leave through the same IP.
const PROCESS_BUDGETS = Symbol.for("effect-binance-pm/RateLimit/processBudgets")

/** The budgets every default gate of the process shares. */
export const processBudgets = (): Map<string, BudgetState> => {
  const holder = globalThis as { [PROCESS_BUDGETS]?: Map<string, BudgetState> }
  return (holder[PROCESS_BUDGETS] ??= new Map())
}

// A wall clock that moves this much more or less than the monotonic clock between two readings was stepped (NTP
// slews smaller differences away gradually; a step of a second or more is a jump).
const STEP_MS = 1_000

/**
 * The host clock a gate keeps pauses and bans on: the wall clock, less every step it took since the gate's first
 * reading (a step is the wall clock moving more than `STEP_MS` more or less than the monotonic one, `mono` in ms
 * with any origin). A wall clock stepped by NTP or by hand then neither ends a pause early (stepped forward) nor
 * stretches it (stepped back); without steps it is the wall clock to the digit. Give it both readings each time.
 */
export const steadyClock = (): (wall: number, mono: number) => number => {
  let last: { readonly wall: number; readonly mono: number } | undefined
  let steps = 0
  return (wall, mono) => {
    if (last !== undefined) {
      const step = (wall - last.wall) - (mono - last.mono)
      if (Math.abs(step) > STEP_MS) steps += step
    }
    last = { wall, mono }
    return wall - steps
  }
}

/** A request as a gate's loop sees it: which budget, and what it asks of it. */
export interface Asking extends Pick<Ask, "weight" | "weightLimit" | "maxWaitMs"> {
  readonly key: string
}

/** A permit: the admitted weight, stamped with the clocks it was admitted on (Binance's estimate and the host's). */
export interface Permit extends Admitted {
  readonly key: string
  readonly now: number
  readonly local: number
}

/** What a gate does at the end of one turn of its loop (gate.ts's `step`, the permit stamped). */
export type Turn =
  | { readonly _tag: "Admit"; readonly permit: Permit; readonly waitedMs: number }
  | { readonly _tag: "Wait"; readonly ms: number; readonly waitedMs: number }
  | { readonly _tag: "Fail"; readonly failure: Failure; readonly waitedMs: number | undefined }

/**
 * One gate's admission loop as plain code, for both editions' `RateLimit.make`: the step-free host clock its store
 * keeps pauses and bans on (`hostTime`, from the wall clock in ms and the monotonic one in ns), the ask of a request
 * at the clocks read for it (`ask`), and what the store's decision makes of it (`turn`). An edition only reads the
 * clocks, asks its store, and lets the request go, sleeps and asks again, or fails, as the turn says.
 */
export const admission = (marginMs: number) => {
  const steady = steadyClock()
  const hostTime = (wall: number, monoNanos: bigint): number => steady(wall, Number(monoNanos) / 1_000_000)
  return {
    hostTime,
    ask: (request: Asking, now: number, wall: number, monoNanos: bigint): Ask => ({
      weight: request.weight,
      weightLimit: request.weightLimit,
      maxWaitMs: request.maxWaitMs,
      now,
      local: hostTime(wall, monoNanos)
    }),
    /** `waitedMs`: slept at the gate so far for this request; `now` and `wall`: the clocks the ask was made on. */
    turn: (decision: Decision, request: Asking, waitedMs: number, now: number, wall: number): Turn => {
      const next = step(decision, request.weight, waitedMs, marginMs)
      return next._tag === "Admit"
        ? { _tag: "Admit", permit: { key: request.key, ...next.admitted, now, local: wall }, waitedMs: next.waitedMs }
        : next
    }
  }
}
