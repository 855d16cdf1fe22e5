/**
 * The fleet's store: budgets in Redis (`internal/core/redisStore`, the same keys, JSON and compare-and-set script
 * in both editions, so a fleet running both shares one budget per IP), under the same rules as the in-process gate
 * (`internal/core/gate`). This process's own in-memory store is kept alongside: it sees every outcome, so a pause
 * or ban this process met holds even if Redis never heard of it (or lost it), and it is the fallback while Redis
 * does not answer. What to do in each case is `core/redisStore.Fleet`'s; this module is its Effect wiring.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as RateLimit from "../../RateLimit.js"
import type * as Gate from "../core/gate.js"
import * as store from "../core/redisStore.js"
import * as Dialect from "../dialect.js"

/** @internal */
export interface Options {
  readonly redis: ConstructorParameters<typeof store.Fleet>[0]
  /** The Redis key of a budget, from the request key (the base URL). */
  readonly keyOf: (key: string) => string
  readonly commandTimeoutMs: number
}

/** @internal */
export const redisStore = (options: Options): RateLimit.Store & Pick<Required<RateLimit.Service>, "pace"> => {
  const fleet = new store.Fleet(options.redis, options.keyOf)
  const mine = RateLimit.memoryStore(fleet.own)
  // Outcomes on their way to Redis: this process's next admission waits for them (briefly, each is bounded by
  // the command timeout), so it never decides on a budget older than what it has already seen.
  const pending = new Set<Dialect.RunningFiber<void>>()

  // Whether Redis answers, logged once per change (until Redis answers again).
  const health = (error: string | undefined): Effect.Effect<void> => {
    const line = fleet.health(error)
    if (line === undefined) return Effect.void
    return line.level === "warning"
      ? Effect.logWarning(line.message, line.annotations)
      : Effect.logInfo(line.message)
  }

  // One Redis round trip, bounded by the command timeout: its answer, or none when it failed or did not answer.
  const bounded = <A>(run: () => Promise<A>): Effect.Effect<Option.Option<A>> =>
    Effect.tryPromise({ try: run, catch: store.describeError }).pipe(
      Dialect.timeoutFail(
        Duration.millis(options.commandTimeoutMs),
        () => store.noAnswer(options.commandTimeoutMs)
      ),
      Effect.matchEffect({
        onFailure: (error) => Effect.as(health(error), Option.none()),
        onSuccess: (answer) => Effect.as(health(undefined), Option.some(answer))
      })
    )

  const settled = Effect.suspend(() =>
    pending.size === 0 ? Effect.void : Effect.forEach(Array.from(pending), Fiber.await, { discard: true })
  )

  const admit = (key: string, ask: Gate.Ask): Effect.Effect<Gate.Decision> =>
    Effect.suspend(() => {
      // What this process saw itself (a pause, a ban) refuses or waits without asking Redis.
      const held = fleet.held(key, ask)
      if (held !== undefined) return Effect.succeed(held)
      return Effect.andThen(
        settled,
        Effect.flatMap(bounded(() => fleet.admit(key, ask)), (answer) =>
          Option.isNone(answer) ? mine.admit(key, ask) : Effect.succeed(answer.value))
      )
    })

  // The shared write runs in a detached fiber: a release never waits on the network, and an interrupted caller
  // does not cancel what the fleet must learn.
  const settle: RateLimit.Store["settle"] = (key, admitted, outcome, now, host) =>
    Effect.andThen(
      mine.settle(key, admitted, outcome, now, host),
      Effect.flatMap(
        Dialect.forkDetach(Effect.asVoid(bounded(() => fleet.settle(key, admitted, outcome, now, host)))),
        (fiber) =>
          Effect.sync(() => {
            pending.add(fiber)
            fiber.addObserver(() => pending.delete(fiber))
          })
      )
    )

  const get = (key: string): Effect.Effect<Gate.BudgetState | undefined> =>
    Effect.map(
      Effect.andThen(settled, bounded(() => fleet.read(key))),
      (answer) => fleet.view(key, Option.getOrUndefined(answer))
    )

  // The fleet's slot, else (Redis away or slow: the warning above) this process's own pace, at once.
  const pace = (key: string, intervalMs: number, now: number): Effect.Effect<number> =>
    Effect.map(
      bounded(() => fleet.claim(key, now, intervalMs)),
      (answer) => fleet.slot(key, Option.getOrUndefined(answer), now, intervalMs)
    )

  return { admit, settle, get, marginMs: store.MARGIN_MS, pace }
}
