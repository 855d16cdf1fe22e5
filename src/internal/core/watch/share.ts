/**
 * What the watchers of one process share, as plain rules: the routine reads of every watcher on one weight budget
 * are spaced out together, so that several watchers at one `weightShare` spend that share between them, not one
 * share each. No Effect, no clock: the edition passes the time and waits until the slot it is given.
 */

/** The next free slot of each budget. */
export class Slots {
  private readonly next = new Map<string, number>()

  /**
   * A paced read of this budget wants to go at `now`, at least `intervalMs` after the previous one of any watcher:
   * the instant it may go (`now` or later), which it takes.
   */
  claim(budgetKey: string, now: number, intervalMs: number): number {
    const at = Math.max(now, this.next.get(budgetKey) ?? Number.NEGATIVE_INFINITY)
    this.next.set(budgetKey, at + intervalMs)
    return at
  }
}

/** What the watchers on one gate share: the pacing, and the reads in flight (`R`: the edition's handle of one). */
export interface Shared<R> {
  readonly slots: Slots
  readonly reads: Map<string, R>
}

const byGate = new WeakMap<object, Shared<unknown>>()

/** The state shared on `gate` (the process-wide gate in production, a fresh one per spec with `FakeBinance.layer`). */
export const sharedOf = <R>(gate: object): Shared<R> => {
  let shared = byGate.get(gate)
  if (shared === undefined) {
    shared = { slots: new Slots(), reads: new Map() }
    byGate.set(gate, shared)
  }
  return shared as Shared<R>
}

/** The key of a read another watcher may join: same budget, market, API key and asset. */
export const readKey = (budgetKey: string, market: string | undefined, apiKey: string, asset: string): string =>
  `${budgetKey}\u0000${market ?? "usds-m"}\u0000${apiKey}\u0000${asset}`
