/**
 * The shared gate: `RateLimit.Service` over Redis, with this process's in-process gate kept alongside as a
 * mirror (it sees every outcome) and as the fallback while Redis does not answer.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type { Redis } from "ioredis"
import { IpBanned, RateLimited } from "../../BinanceError.js"
import * as RateLimit from "../../RateLimit.js"
import * as scripts from "./scripts.js"

const WINDOW_MS = 60_000
// Clocks of different hosts, or of one host's processes, disagree a little: wait this much past an instant
// another process computed (a window boundary or the end of a pause).
const MARGIN_MS = 50
// A request reserved in one window must reach Binance in that window, or the two counts drift apart. Nothing
// is sent from this long before a boundary until MARGIN_MS after it: room for the trip and clock error.
const BEFORE_BOUNDARY_MS = 250
// Keys outlive what they describe by this much, then Redis drops them.
const GRACE_MS = 60_000
const DEFAULT_BAN_MS = 120_000

/** @internal */
export interface Options {
  readonly redis: Redis
  /** The Redis key base of a budget, from the request key (the base URL). */
  readonly keyOf: (key: string) => string
  readonly commandTimeoutMs: number
}

interface SharedPermit extends RateLimit.Permit {
  /** Reserved in Redis (true) or, while Redis was unavailable, in the in-process gate (false). */
  readonly shared: boolean
}

const isShared = (permit: RateLimit.Permit): boolean => (permit as Partial<SharedPermit>).shared === true

const describe = (error: unknown): string => {
  if (error instanceof Error) return error.message.replace(/\/\/[^@\s/]*@/g, "//<credentials>@")
  return String(error)
}

/** @internal */
export const make = (options: Options): RateLimit.Service => {
  const local = RateLimit.makeUnsafe()
  // The last window each budget was used in, for `snapshot` (which is not told the time).
  const windows = new Map<string, number>()
  let degraded = false

  const call = (script: scripts.Script, keys: ReadonlyArray<string>, args: ReadonlyArray<string | number>) =>
    Effect.tryPromise({
      try: () => scripts.run(options.redis, script, keys, args),
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

  const keysOf = (key: string, window: number) => {
    const base = options.keyOf(key)
    return [`${base}:w:${window}`, `${base}:gate`] as const
  }

  const banned = (untilMs: number, now: number) =>
    new IpBanned({ status: 418, msg: "IP ban in force; no request sent", retryAfterMs: untilMs - now })

  const paused = (untilMs: number, now: number) =>
    new RateLimited({ status: 429, msg: "Retry-After in force; no request sent", retryAfterMs: untilMs - now })

  const acquire = (request: RateLimit.Request): Effect.Effect<RateLimit.Permit, RateLimited | IpBanned> =>
    Effect.gen(function*() {
      while (true) {
        const now = yield* request.now
        // What this process saw itself holds even if Redis never heard of it.
        const mine = yield* local.snapshot(request.key)
        if (mine.bannedUntil > now) return yield* banned(mine.bannedUntil, now)
        if (mine.pausedUntil > now) {
          if (mine.pausedUntil - now > request.maxWaitMs) return yield* paused(mine.pausedUntil, now)
          yield* Effect.sleep(Duration.millis(mine.pausedUntil - now))
          continue
        }
        const window = Math.floor(now / WINDOW_MS)
        const windowEnd = (window + 1) * WINDOW_MS
        if (windowEnd - now < BEFORE_BOUNDARY_MS || now - window * WINDOW_MS < MARGIN_MS) {
          const boundary = windowEnd - now < BEFORE_BOUNDARY_MS ? windowEnd : window * WINDOW_MS
          yield* Effect.sleep(Duration.millis(boundary + MARGIN_MS - now))
          continue
        }
        windows.set(request.key, window)
        const result = yield* call(scripts.acquire, keysOf(request.key, window), [
          now,
          request.weight,
          request.weightLimit,
          windowEnd - now + GRACE_MS
        ])
        if (Either.isLeft(result)) {
          yield* unavailable(result.left)
          const permit = yield* local.acquire(request)
          return { ...permit, shared: false } satisfies SharedPermit
        }
        yield* available
        const [code, value] = result.right as [number, number]
        switch (code) {
          case 0:
            return { key: request.key, weight: request.weight, window, shared: true } satisfies SharedPermit
          case 1:
            return yield* banned(value, now)
          case 2: {
            if (value - now > request.maxWaitMs) return yield* paused(value, now)
            yield* Effect.sleep(Duration.millis(value - now + MARGIN_MS))
            continue
          }
          default:
            yield* Effect.sleep(Duration.millis(windowEnd - now + MARGIN_MS))
        }
      }
    })

  const release = (permit: RateLimit.Permit, outcome: RateLimit.Outcome, now: number): Effect.Effect<void> =>
    Effect.gen(function*() {
      yield* local.release(permit, outcome, now)
      const window = Math.floor(now / WINDOW_MS)
      const pausedUntil = outcome.status === 429 && outcome.retryAfterMs !== undefined ? now + outcome.retryAfterMs : 0
      // As the in-process gate: Retry-After first (immune to clock offsets), then the message's "banned until".
      const bannedUntil = outcome.status === 418
        ? outcome.retryAfterMs !== undefined ? now + outcome.retryAfterMs : outcome.bannedUntil ?? now + DEFAULT_BAN_MS
        : 0
      const result = yield* call(scripts.release, keysOf(permit.key, permit.window), [
        now,
        permit.weight,
        isShared(permit) ? 1 : 0,
        permit.window === window ? 1 : 0,
        outcome.usedWeight ?? -1,
        pausedUntil,
        bannedUntil,
        (permit.window + 1) * WINDOW_MS - now + GRACE_MS,
        GRACE_MS
      ])
      if (Either.isLeft(result)) yield* unavailable(result.left)
    })

  const snapshot = (key: string): Effect.Effect<RateLimit.Snapshot> =>
    Effect.gen(function*() {
      const mine = yield* local.snapshot(key)
      const window = windows.get(key) ?? mine.window
      const result = yield* call(scripts.snapshot, keysOf(key, window), [])
      if (Either.isLeft(result)) return mine
      const [reserved, done, foreign, pausedUntil, bannedUntil] = result.right as Array<number>
      return {
        window,
        usedWeight: done! + foreign!,
        reservedWeight: Math.max(0, reserved! - done!),
        pausedUntil: Math.max(mine.pausedUntil, pausedUntil!),
        bannedUntil: Math.max(mine.bannedUntil, bannedUntil!)
      }
    })

  return { acquire, release, snapshot }
}
