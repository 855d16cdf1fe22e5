/**
 * The shared gate's store: budgets in Redis (`internal/core/redisStore`), under the same rules as the in-process
 * gate (`internal/core/gate`). This process's own in-memory store is kept alongside: it sees every outcome, so a
 * pause or ban this process met holds even if Redis never heard of it, and it is the fallback while Redis does
 * not answer.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import type { Redis } from "ioredis"
import * as RateLimit from "../../RateLimit.js"
import * as Gate from "../core/gate.js"
import * as store from "../core/redisStore.js"

/** @internal */
export interface Options {
  readonly redis: Redis
  /** The Redis key of a budget, from the request key (the base URL). */
  readonly keyOf: (key: string) => string
  readonly commandTimeoutMs: number
}

/** @internal */
export const makeStore = (options: Options): RateLimit.Store => {
  const local = new Map<string, Gate.BudgetState>()
  const mine = RateLimit.memoryStore(local)
  const health = new store.Health()
  // Outcomes on their way to Redis: this process's next admission waits for them (briefly), so it never
  // decides on a budget older than what it has already seen.
  const pending = new Set<Fiber.RuntimeFiber<void>>()

  // One Redis round trip, its failure (or silence past the command timeout) as a value.
  const bounded = <A>(run: () => Promise<A>): Effect.Effect<Either.Either<A, string>> =>
    Effect.tryPromise({ try: run, catch: store.describeError }).pipe(
      Effect.timeoutFail({
        duration: Duration.millis(options.commandTimeoutMs),
        onTimeout: () => `no answer within ${options.commandTimeoutMs} ms`
      }),
      Effect.either
    )

  const modify = <A>(
    key: string,
    f: (state: Gate.BudgetState | undefined) => readonly [A, Gate.BudgetState],
    now: number,
    host: number
  ) => bounded(() => store.modify(options.redis, options.keyOf(key), f, now, host))

  const unavailable = (reason: string) =>
    Effect.suspend(() => health.lost() ? Effect.logWarning(store.Health.lostMessage, { reason }) : Effect.void)

  const available = Effect.suspend(() => health.regained() ? Effect.logInfo(store.Health.regainedMessage) : Effect.void)

  const settled = Effect.suspend(() => Effect.forEach(pending, Fiber.await, { discard: true }))

  const admit = (key: string, ask: Gate.Ask): Effect.Effect<Gate.Decision> =>
    Effect.suspend(() => {
      const held = Gate.hold(Gate.roll(local.get(key), ask.now), ask)
      if (held !== undefined) return Effect.succeed(held)
      return Effect.zipRight(
        settled,
        Effect.flatMap(modify(key, (state) => Gate.admit(state, ask), ask.now, ask.local), (result) =>
          Either.isLeft(result)
            ? Effect.zipRight(unavailable(result.left), mine.admit(key, ask))
            : Effect.as(available, result.right))
      )
    })

  const settle = (
    key: string,
    admitted: Gate.Admitted,
    outcome: Gate.Outcome,
    now: number,
    host: number
  ): Effect.Effect<void> =>
    Effect.zipRight(
      mine.settle(key, admitted, outcome, now, host),
      // The shared write runs in a fiber of its own: a release never waits on the network.
      Effect.flatMap(
        Effect.forkDaemon(
          Effect.flatMap(
            modify(key, (state) => [undefined, Gate.settle(state, admitted, outcome, now, host)], now, host),
            (result) => Either.isLeft(result) ? unavailable(result.left) : available
          )
        ),
        (fiber) =>
          Effect.sync(() => {
            pending.add(fiber)
            fiber.addObserver(() => pending.delete(fiber))
          })
      )
    )

  const get = (key: string): Effect.Effect<Gate.BudgetState | undefined> =>
    Effect.flatMap(
      Effect.zipRight(settled, bounded(() => store.read(options.redis, options.keyOf(key)))),
      (result) => Effect.sync(() => store.merge(local.get(key), Either.isRight(result) ? result.right : undefined))
    )

  return { admit, settle, get, marginMs: store.MARGIN_MS }
}
