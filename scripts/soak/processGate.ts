/**
 * The process-wide gate watched from inside: every default gate of the process (both editions' copies) keeps its
 * budgets in one `Map` (core/budgets' `processBudgets`), and changes it in the same synchronous step as each
 * decision. Patching that Map's `set` records every admission and every settle in the order they happen, which
 * the Promise API's private gate gives no other way to see. Installed for the soak only.
 */
import { processBudgets } from "../../src/internal/core/budgets.js"
import type { BudgetState } from "../../src/internal/core/gate.js"
import type { Pause } from "./wire.js"

export interface GateEvent {
  /** `Date.now()` when the gate made the change. */
  readonly at: number
  /** The change let a request through (its weight was reserved). */
  readonly admitted: boolean
  readonly state: BudgetState
}

export const install = (): { readonly events: ReadonlyArray<GateEvent>; readonly uninstall: () => void } => {
  const budgets = processBudgets()
  const events: Array<GateEvent> = []
  budgets.set = function(key: string, state: BudgetState) {
    const before = Map.prototype.get.call(this, key) as BudgetState | undefined
    // Only an admission adds to the weight in flight of a window (a settle takes from it; a new window starts at 0).
    const admitted = state.reserved > (before !== undefined && before.window === state.window ? before.reserved : 0)
    events.push({ at: Date.now(), admitted, state })
    return Map.prototype.set.call(this, key, state) as typeof budgets
  }
  return { events, uninstall: () => void delete (budgets as { set?: unknown }).set }
}

/**
 * Admissions after the gate had taken in a pause the wire saw (a 429 or 418 with `Retry-After`) and before that
 * pause ended, counted on the wire's clock. The gate has taken a pause in from the first change after the answer
 * was read whose pause or ban ends no earlier than the wire's; a request it admitted before then was already in
 * flight as far as it could know.
 */
export const admittedInPauses = (events: ReadonlyArray<GateEvent>, pauses: ReadonlyArray<Pause>): number => {
  const inside = new Set<GateEvent>()
  for (const pause of pauses) {
    const end = pause.read + pause.retryAfterMs
    const closed = events.findIndex((e) =>
      e.at >= pause.read && Math.max(e.state.pausedUntil, e.state.bannedUntil) >= end
    )
    if (closed === -1) continue
    for (const e of events.slice(closed + 1)) {
      if (e.at >= end) break
      if (e.admitted) inside.add(e)
    }
  }
  return inside.size
}
