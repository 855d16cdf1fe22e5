/**
 * `RateLimitRedis`'s connection to Redis, as Effects: the layer's own client (made, connected, pinged, and closed
 * with the scope) or the caller's (pinged). Each failure is the edition's `RedisUnavailable`, made by `unavailable`
 * from the core's description (`core/redisClient`), which names host and port and never a password.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as RedisClient from "../core/redisClient.js"
import * as redisOptions from "../core/redisOptions.js"
import * as Dialect from "../dialect.js"

type Redis = RedisClient.Client["redis"]

/** ioredis's class (the core only names it as a type), and the edition's `RedisUnavailable`. @internal */
export interface Edition<E> {
  readonly Redis: Parameters<typeof RedisClient.makeClient>[0]
  readonly unavailable: (description: string) => E
}

/** Fails unless `redis` answers a ping within `timeoutMs`. @internal */
export const ping = <E>(
  edition: Edition<E>,
  redis: Redis,
  timeoutMs: number,
  location: string
): Effect.Effect<string, E> =>
  Effect.tryPromise({
    try: () => redis.ping(),
    catch: (error) => edition.unavailable(RedisClient.unavailable.failed(location, error))
  }).pipe(
    Dialect.timeoutFail(
      Duration.millis(timeoutMs),
      () => edition.unavailable(RedisClient.unavailable.noAnswer(location, timeoutMs))
    )
  )

/** The layer's own client for `source` (at `url`), connected and pinged; closed with the scope. @internal */
export const connect = <E>(
  edition: Edition<E>,
  url: URL,
  source: string,
  connectTimeoutMs: number,
  commandTimeoutMs: number
): Effect.Effect<Redis, E, Scope.Scope> =>
  Effect.gen(function*() {
    const location = redisOptions.where(url)
    const client = yield* Effect.acquireRelease(
      Effect.sync(() => RedisClient.makeClient(edition.Redis, source, connectTimeoutMs, commandTimeoutMs)),
      ({ redis }) =>
        redis.status === "end"
          ? Effect.void
          : Effect.promise(() => redis.quit().catch(() => "")).pipe(
            Effect.timeout(Duration.seconds(1)),
            Effect.ignore,
            Effect.ensuring(Effect.sync(() => redis.disconnect()))
          )
    )
    const redis = client.redis
    // Outside the acquisition, so that the timeouts can interrupt a connection attempt that hangs.
    yield* Effect.tryPromise({
      try: () => redis.connect(),
      catch: (error) => edition.unavailable(RedisClient.unavailable.failed(location, client.lastError() ?? error))
    }).pipe(
      Dialect.timeoutFail(
        Duration.millis(connectTimeoutMs),
        () => edition.unavailable(RedisClient.unavailable.noConnection(location, connectTimeoutMs))
      ),
      Effect.andThen(ping(edition, redis, commandTimeoutMs, location)),
      // Stop reconnecting: a failed layer must not keep the process alive.
      Effect.tapError(() => Effect.sync(() => redis.disconnect()))
    )
    return redis
  })
