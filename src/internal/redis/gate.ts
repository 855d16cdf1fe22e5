/**
 * The shared gate's store: budgets in Redis, changed by optimistic read-modify-write, under the same rules as
 * the in-process gate (`internal/gate`). This process's own in-memory store is kept alongside: it sees every
 * outcome, so a pause or ban this process met holds even if Redis never heard of it, and it is the fallback
 * while Redis does not answer.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
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

const describe = (error: unknown): string => {
  if (error instanceof Error) return error.message.replace(/\/\/[^@\s/]*@/g, "//<credentials>@")
  return String(error)
}

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
  // Outcomes on their way to Redis: this process's next admission waits for them (briefly), so it never
  // decides on a budget older than what it has already seen.
  const pending = new Set<Fiber.RuntimeFiber<void>>()

  const modify = <A>(
    key: string,
    f: (state: Gate.BudgetState | undefined) => readonly [A, Gate.BudgetState],
    now: number,
    host: number
  ): Effect.Effect<Either.Either<A, string>> =>
    Effect.tryPromise({
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
      catch: describe
    }).pipe(
      Effect.timeoutFail({
        duration: Duration.millis(options.commandTimeoutMs),
        onTimeout: () => `no answer within ${options.commandTimeoutMs} ms`
      }),
      Effect.either
    )

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

  const settled = Effect.suspend(() => Effect.forEach(pending, Fiber.await, { discard: true }))

  const get = (key: string): Effect.Effect<Gate.BudgetState | undefined> =>
    Effect.flatMap(
      Effect.zipRight(
        settled,
        Effect.either(
          Effect.tryPromise({ try: () => options.redis.hget(options.keyOf(key), "state"), catch: describe }).pipe(
            Effect.timeoutFail({
              duration: Duration.millis(options.commandTimeoutMs),
              onTimeout: () => `no answer within ${options.commandTimeoutMs} ms`
            })
          )
        )
      ),
      (result) =>
        Effect.sync(() => {
          const own = local.get(key)
          const shared = Either.isRight(result) ? parse(result.right) : undefined
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

/** @internal */
export const make = (options: Options): RateLimit.Service => RateLimit.make(makeStore(options))
