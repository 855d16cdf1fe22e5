import * as Effect from "effect/Effect"
import type * as Schedule from "effect/Schedule"

/**
 * `Effect.retry` of `again`, with the schedule's driver built only once `first` has failed (most calls succeed
 * first time): the first failure is replayed into it, so delays, `while` and the recurrence count are the ones of
 * `Effect.retry(again, policy)` when `first` is what `again` does on its first run.
 *
 * @internal
 */
export const retryAfterFailure = <A, E, R>(
  first: Effect.Effect<A, E, R>,
  again: Effect.Effect<A, E, R>,
  policy: { readonly schedule: Schedule.Schedule<unknown, E>; readonly while: (error: E) => boolean }
): Effect.Effect<A, E, R> =>
  Effect.catch(first, (failure) => {
    if (!policy.while(failure)) return Effect.fail(failure)
    let replay = true
    return Effect.retry(
      Effect.suspend(() => {
        if (!replay) return again
        replay = false
        return Effect.fail(failure)
      }),
      policy
    )
  })
