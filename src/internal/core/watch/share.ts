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
