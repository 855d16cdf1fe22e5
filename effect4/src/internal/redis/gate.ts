/**
 * The shared gate's store: budgets in Redis, changed by optimistic compare-and-set, under the same rules as
 * the in-process gate (`internal/core/gate`). This process's own in-memory store is kept alongside: it sees
 * every outcome, so a pause or ban this process met holds even if Redis never heard of it, and it is the
 * fallback while Redis does not answer.
 *
 * The key layout (`<prefix>{<budget>}`, one hash with `state` and `version`) and the JSON state are exactly
 * the Effect 3 edition's, and the compare-and-set script is the same core module: a fleet that runs both
 * editions (say, a service still on effect 3 next to a new one on effect 4) shares one budget per IP. That is a
 * feature; keep the two layouts identical.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Result from "effect/Result"
import type { Redis } from "ioredis"
import * as RateLimit from "../../RateLimit.js"
import * as Gate from "../core/gate.js"
import * as scripts from "../core/redisScripts.js"

// Clocks of different hosts, or of one host's processes, disagree a little: wait this much past an instant
// another process computed (a window boundary or the end of a pause).
const MARGIN_MS = 50
// Budgets outlive what they describe (their minute, the next, their pauses and ban) by this much, then Redis
// drops them: a process killed mid-request leaves its reservation behind for no longer than that.
const GRACE_MS = 5_000
// A write loses only when another process wrote in between, so each retry means progress elsewhere.
const MAX_CONFLICTS = 100

/** @internal */
export interface Options {
  readonly redis: Redis
  /** The Redis key of a budget, from the request key (the base URL). */
  readonly keyOf: (key: string) => string
  readonly commandTimeoutMs: number
}

/** @internal */
export const describeError = (error: unknown): string =>
  // ioredis names host and port at most; strip anything shaped like URL credentials anyway.
  (error instanceof Error ? error.message : String(error)).replace(/\/\/[^@\s/]*@/g, "//<credentials>@")

const parse = (json: string | null | undefined): Gate.BudgetState | undefined => {
  if (json === null || json === undefined) return undefined
  try {
    const state: unknown = JSON.parse(json)
    if (typeof state === "object" && state !== null && typeof (state as Gate.BudgetState).window === "number") {
      return { ...Gate.initial((state as Gate.BudgetState).window), ...(state as Gate.BudgetState) }
    }
  } catch {
    // a budget nobody can read is a budget nobody has used: start again
  }
  return undefined
}

/** @internal */
export const makeStore = (options: Options): RateLimit.Store => {
  const local = new Map<string, Gate.BudgetState>()
  const mine = RateLimit.memoryStore(local)
  let degraded = false
  // Outcomes on their way to Redis: this process's next admission waits for them (briefly, each is bounded by
  // the command timeout), so it never decides on a budget older than what it has already seen.
  const pending = new Set<Fiber.Fiber<void>>()

  const bounded = <A>(effect: Effect.Effect<A, string>): Effect.Effect<Result.Result<A, string>> =>
    effect.pipe(
      Effect.timeoutOrElse({
        duration: Duration.millis(options.commandTimeoutMs),
        orElse: () => Effect.fail(`no answer within ${options.commandTimeoutMs} ms`)
      }),
      Effect.result
    )

  const modify = <A>(
    key: string,
    f: (state: Gate.BudgetState | undefined) => readonly [A, Gate.BudgetState],
    now: number,
    host: number
  ): Effect.Effect<Result.Result<A, string>> =>
    bounded(Effect.tryPromise({
      try: async () => {
        const redisKey = options.keyOf(key)
        for (let i = 0; i < MAX_CONFLICTS; i++) {
          const [json, version] = await options.redis.hmget(redisKey, "state", "version")
          const before = parse(json)
          const [result, after] = f(before)
          if (after === before) return result
          const ttl = Math.ceil(Gate.ttlMs(after, now, host) + GRACE_MS)
          const written = await scripts.run(options.redis, scripts.compareAndSet, [redisKey], [
            version ?? "0",
            JSON.stringify(after),
            ttl
          ])
          if (written === 1) return result
        }
        throw new Error(`${MAX_CONFLICTS} concurrent updates in a row`)
      },
      catch: describeError
    }))

  const unavailable = (reason: string) =>
    Effect.suspend(() => {
      if (degraded) return Effect.void
      degraded = true
      return Effect.logWarning("RateLimitRedis: Redis unavailable; this process uses its own gate until it answers", {
        reason
      })
    })

  const available = Effect.suspend(() => {
    if (!degraded) return Effect.void
    degraded = false
    return Effect.logInfo("RateLimitRedis: Redis answers again; the budget is shared again")
  })

  const settled = Effect.suspend(() =>
    pending.size === 0 ? Effect.void : Effect.forEach(Array.from(pending), Fiber.await, { discard: true })
  )

  const admit = (key: string, ask: Gate.Ask): Effect.Effect<Gate.Decision> =>
    Effect.suspend(() => {
      // What this process saw itself (a pause, a ban) refuses or waits without asking Redis.
      const held = Gate.hold(Gate.roll(local.get(key), ask.now), ask)
      if (held !== undefined) return Effect.succeed(held)
      return Effect.andThen(
        settled,
        Effect.flatMap(modify(key, (state) => Gate.admit(state, ask), ask.now, ask.local), (result) =>
          Result.isFailure(result)
            ? Effect.andThen(unavailable(result.failure), mine.admit(key, ask))
            : Effect.as(available, result.success))
      )
    })

  const settle = (
    key: string,
    admitted: Gate.Admitted,
    outcome: Gate.Outcome,
    now: number,
    host: number
  ): Effect.Effect<void> =>
    Effect.andThen(
      mine.settle(key, admitted, outcome, now, host),
      // The shared write runs in a detached fiber: a release never waits on the network, and an interrupted
      // caller does not cancel what the fleet must learn.
      Effect.flatMap(
        Effect.forkDetach(
          Effect.flatMap(
            modify(key, (state) => [undefined, Gate.settle(state, admitted, outcome, now, host)], now, host),
            (result) => Result.isFailure(result) ? unavailable(result.failure) : available
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
      Effect.andThen(
        settled,
        bounded(Effect.tryPromise({ try: () => options.redis.hget(options.keyOf(key), "state"), catch: describeError }))
      ),
      (result) =>
        Effect.sync(() => {
          const own = local.get(key)
          const shared = Result.isSuccess(result) ? parse(result.success) : undefined
          if (shared === undefined) return own
          // Pauses and bans this process saw hold even if the fleet's copy lost them.
          return own === undefined ? shared : {
            ...shared,
            pausedUntil: Math.max(shared.pausedUntil, own.pausedUntil),
            blockedUntil: Math.max(shared.blockedUntil, own.blockedUntil),
            bannedUntil: Math.max(shared.bannedUntil, own.bannedUntil)
          }
        })
    )

  return { admit, settle, get, marginMs: MARGIN_MS }
}
