import * as Effect from "effect/Effect"
import type * as Schedule from "effect/Schedule"

/**
 * `Effect.retry`, with the schedule's driver built only once an attempt has failed (most calls succeed first
 * time): the first failure is replayed into it, so delays, `while` and the recurrence count are unchanged.
 *
 * @internal
 */
export const retryAfterFailure = <A, E, R>(
  self: Effect.Effect<A, E, R>,
  policy: { readonly schedule: Schedule.Schedule<unknown, E>; readonly while: (error: E) => boolean }
): Effect.Effect<A, E, R> =>
  Effect.catch(self, (first) => {
    if (!policy.while(first)) return Effect.fail(first)
    let replay = true
    return Effect.retry(
      Effect.suspend(() => {
        if (!replay) return self
        replay = false
        return Effect.fail(first)
      }),
      policy
    )
  })
