/**
 * The fleet's store: budgets in Redis (`internal/core/redisStore`), under the same rules as the in-process gate
 * (`internal/core/gate`). This process's own in-memory store is kept alongside: it sees every outcome, so a pause
 * or ban this process met holds even if Redis never heard of it (or lost it), and it is the fallback while Redis
 * does not answer. What to do in each case is `core/redisStore.Fleet`'s; this module is its Effect wiring.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import type { Redis } from "ioredis"
import * as RateLimit from "../../RateLimit.js"
import type * as Gate from "../core/gate.js"
import * as store from "../core/redisStore.js"

/** @internal */
export interface Options {
  readonly redis: Redis
  /** The Redis key of a budget, from the request key (the base URL). */
  readonly keyOf: (key: string) => string
  readonly commandTimeoutMs: number
}

/** @internal */
export const redisStore = (options: Options): RateLimit.Store & Pick<Required<RateLimit.Service>, "pace"> => {
  const fleet = new store.Fleet(options.redis, options.keyOf)
  const mine = RateLimit.memoryStore(fleet.own)
  // Outcomes on their way to Redis: this process's next admission waits for them (briefly), so it never
  // decides on a budget older than what it has already seen.
  const pending = new Set<Fiber.RuntimeFiber<void>>()

  // One Redis round trip, bounded by the command timeout; a failure is logged once (until Redis answers again).
  const bounded = <A>(run: () => Promise<A>): Effect.Effect<Either.Either<A, string>> =>
    Effect.tryPromise({ try: run, catch: store.describeError }).pipe(
      Effect.timeoutFail({
        duration: Duration.millis(options.commandTimeoutMs),
        onTimeout: () => store.noAnswer(options.commandTimeoutMs)
      }),
      Effect.either,
      Effect.tap((result) => {
        const line = fleet.health(Either.isLeft(result) ? result.left : undefined)
        return line === undefined ? Effect.void : line.level === "warning"
          ? Effect.logWarning(line.message, line.annotations)
          : Effect.logInfo(line.message)
      })
    )

  const settled = Effect.suspend(() => Effect.forEach(pending, Fiber.await, { discard: true }))

  const admit = (key: string, ask: Gate.Ask): Effect.Effect<Gate.Decision> =>
    Effect.suspend(() => {
      const held = fleet.held(key, ask)
      if (held !== undefined) return Effect.succeed(held)
      return Effect.zipRight(
        settled,
        Effect.flatMap(
          bounded(() => fleet.admit(key, ask)),
          (result) => Either.isLeft(result) ? mine.admit(key, ask) : Effect.succeed(result.right)
        )
      )
    })

  const settle: RateLimit.Store["settle"] = (key, admitted, outcome, now, host) =>
    Effect.zipRight(
      mine.settle(key, admitted, outcome, now, host),
      // The shared write runs in a fiber of its own: a release never waits on the network.
      Effect.flatMap(Effect.forkDaemon(Effect.asVoid(bounded(() => fleet.settle(key, admitted, outcome, now, host)))), (
        fiber
      ) =>
        Effect.sync(() => {
          pending.add(fiber)
          fiber.addObserver(() => pending.delete(fiber))
        }))
    )

  const get = (key: string): Effect.Effect<Gate.BudgetState | undefined> =>
    Effect.map(
      Effect.zipRight(settled, bounded(() => fleet.read(key))),
      (result) => fleet.view(key, Either.isRight(result) ? result.right : undefined)
    )

  // The fleet's slot, else (Redis away or slow: the warning above) this process's own pace, at once.
  const pace = (key: string, intervalMs: number, now: number): Effect.Effect<number> =>
    Effect.map(
      bounded(() => fleet.claim(key, now, intervalMs)),
      (result) => fleet.slot(key, Either.getOrUndefined(result), now, intervalMs)
    )

  return { admit, settle, get, marginMs: store.MARGIN_MS, pace }
}
