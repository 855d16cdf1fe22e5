/**
 * The shared gate: `RateLimit.Service` over Redis, with this process's in-process gate kept alongside as a
 * mirror (it sees every outcome) and as the fallback while Redis does not answer.
 *
 * Two clocks: minute windows follow the caller's estimate of Binance's clock (`request.now`), because they
 * must line up with Binance's; pauses and bans follow the host's own clock (`Clock`), because a Retry-After
 * is a duration, and the estimate of Binance's clock jumps whenever the offset is learned again.
 */
import * as Clock from "effect/Clock"
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
  // Pauses and bans this process has seen itself, on the host clock: they hold even if Redis never heard.
  const holds = new Map<string, { pausedUntil: number; bannedUntil: number }>()
  // Binance's clock minus the host's, as last seen: to move a ban's "banned until" onto the host clock.
  let offset = 0
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

  const banned = (waitMs: number) =>
    new IpBanned({ status: 418, msg: "IP ban in force; no request sent", retryAfterMs: waitMs })

  const paused = (waitMs: number) =>
    new RateLimited({ status: 429, msg: "Retry-After in force; no request sent", retryAfterMs: waitMs })

  /** Fails for a ban, fails or waits for a pause; `true` once it has waited (the caller starts over). */
  const hold = (request: RateLimit.Request, host: number, pausedUntil: number, bannedUntil: number, margin: number) => {
    if (bannedUntil > host) return Effect.fail(banned(bannedUntil - host))
    if (pausedUntil <= host) return Effect.succeed(false)
    if (pausedUntil - host > request.maxWaitMs) return Effect.fail(paused(pausedUntil - host))
    return Effect.as(Effect.sleep(Duration.millis(pausedUntil - host + margin)), true)
  }

  const acquire = (request: RateLimit.Request): Effect.Effect<RateLimit.Permit, RateLimited | IpBanned> =>
    Effect.gen(function*() {
      while (true) {
        const now = yield* request.now
        const host = yield* Clock.currentTimeMillis
        offset = now - host
        const mine = holds.get(request.key)
        if (mine !== undefined && (yield* hold(request, host, mine.pausedUntil, mine.bannedUntil, 0))) continue
        const window = Math.floor(now / WINDOW_MS)
        const windowEnd = (window + 1) * WINDOW_MS
        if (windowEnd - now < BEFORE_BOUNDARY_MS || now - window * WINDOW_MS < MARGIN_MS) {
          const boundary = windowEnd - now < BEFORE_BOUNDARY_MS ? windowEnd : window * WINDOW_MS
          yield* Effect.sleep(Duration.millis(boundary + MARGIN_MS - now))
          continue
        }
        windows.set(request.key, window)
        const result = yield* call(scripts.acquire, keysOf(request.key, window), [
          host,
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
        if (code === 0) return { key: request.key, weight: request.weight, window, shared: true } satisfies SharedPermit
        if (code === 3) {
          yield* Effect.sleep(Duration.millis(windowEnd - now + MARGIN_MS))
          continue
        }
        // Another process's pause or ban (on its host clock: allow for a little disagreement).
        yield* hold(request, host, code === 2 ? value : 0, code === 1 ? value : 0, MARGIN_MS)
      }
    })

  const release = (permit: RateLimit.Permit, outcome: RateLimit.Outcome, now: number): Effect.Effect<void> =>
    Effect.gen(function*() {
      yield* local.release(permit, outcome, now)
      const host = yield* Clock.currentTimeMillis
      offset = now - host
      const window = Math.floor(now / WINDOW_MS)
      const pausedUntil = outcome.status === 429 && outcome.retryAfterMs !== undefined ? host + outcome.retryAfterMs : 0
      // As the in-process gate: Retry-After first (a duration), then the message's "banned until" (Binance's
      // clock, moved onto ours).
      const bannedUntil = outcome.status === 418
        ? outcome.retryAfterMs !== undefined
          ? host + outcome.retryAfterMs
          : outcome.bannedUntil !== undefined
          ? outcome.bannedUntil - offset
          : host + DEFAULT_BAN_MS
        : 0
      if (pausedUntil > 0 || bannedUntil > 0) {
        const mine = holds.get(permit.key) ?? { pausedUntil: 0, bannedUntil: 0 }
        holds.set(permit.key, {
          pausedUntil: Math.max(mine.pausedUntil, pausedUntil),
          bannedUntil: Math.max(mine.bannedUntil, bannedUntil)
        })
      }
      const result = yield* call(scripts.release, keysOf(permit.key, permit.window), [
        host,
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
      const fallback = yield* local.snapshot(key)
      const mine = holds.get(key) ?? { pausedUntil: 0, bannedUntil: 0 }
      const window = windows.get(key) ?? fallback.window
      const result = yield* call(scripts.snapshot, keysOf(key, window), [])
      const [reserved, done, foreign, pausedUntil, bannedUntil] = Either.isRight(result)
        ? result.right as Array<number>
        : [0, 0, 0, 0, 0]
      return {
        window,
        usedWeight: Either.isRight(result) ? done! + foreign! : fallback.usedWeight,
        reservedWeight: Either.isRight(result) ? Math.max(0, reserved! - done!) : fallback.reservedWeight,
        // On the host clock, as the in-process gate reports them.
        pausedUntil: Math.max(mine.pausedUntil, pausedUntil!, fallback.pausedUntil),
        bannedUntil: Math.max(mine.bannedUntil, bannedUntil!, fallback.bannedUntil)
      }
    })

  return { acquire, release, snapshot }
}
