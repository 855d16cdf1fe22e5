/**
 * `RateLimitRedis`'s connection to Redis, as Effects: the layer's own client (made, connected, pinged, and closed
 * with the scope) or the caller's (pinged), and the gate `RateLimitRedis.make` builds over it. Each failure to
 * reach Redis is a `RedisUnavailable` with the core's description (`core/redisClient`), which names host and port
 * and never a password.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import { InvalidConfiguration } from "../../BinanceError.js"
import type * as RateLimit from "../../RateLimit.js"
import * as RedisClient from "../core/redisClient.js"
import * as redisOptions from "../core/redisOptions.js"
import * as Dialect from "../dialect.js"
import { RedisUnavailable } from "./api/RateLimitRedis.js"
import * as RateLimitWiring from "./rateLimit.js"
import * as RedisStore from "./redisStore.js"

type Redis = RedisClient.Client["redis"]

/** ioredis's class (the core only names it as a type; the wiring may not import ioredis). @internal */
export type RedisClass = Parameters<typeof RedisClient.makeClient>[0]

const unavailable = (description: string) => new RedisUnavailable({ description })

/** Fails unless `redis` answers a ping within `timeoutMs`. @internal */
export const ping = (redis: Redis, timeoutMs: number, location: string): Effect.Effect<string, RedisUnavailable> =>
  Effect.tryPromise({
    try: () => redis.ping(),
    catch: (error) => unavailable(RedisClient.unavailable.failed(location, error))
  }).pipe(
    Dialect.timeoutFail(
      Duration.millis(timeoutMs),
      () => unavailable(RedisClient.unavailable.noAnswer(location, timeoutMs))
    )
  )

/** The layer's own client for `source` (at `url`), connected and pinged; closed with the scope. @internal */
export const connect = (
  Redis: RedisClass,
  url: URL,
  source: string,
  connectTimeoutMs: number,
  commandTimeoutMs: number
): Effect.Effect<Redis, RedisUnavailable, Scope.Scope> =>
  Effect.gen(function*() {
    const location = redisOptions.where(url)
    const client = yield* Effect.acquireRelease(
      Effect.sync(() => RedisClient.makeClient(Redis, source, connectTimeoutMs, commandTimeoutMs)),
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
      catch: (error) => unavailable(RedisClient.unavailable.failed(location, client.lastError() ?? error))
    }).pipe(
      Dialect.timeoutFail(
        Duration.millis(connectTimeoutMs),
        () => unavailable(RedisClient.unavailable.noConnection(location, connectTimeoutMs))
      ),
      Effect.andThen(ping(redis, commandTimeoutMs, location)),
      // Stop reconnecting: a failed layer must not keep the process alive.
      Effect.tapError(() => Effect.sync(() => redis.disconnect()))
    )
    return redis
  })

// A timeout option as whole ms, or `InvalidConfiguration` naming it.
const millis = (field: string, input: Dialect.DurationInput | undefined, fallback: number) =>
  Effect.suspend(() => {
    const decoded = input === undefined ? Option.none() : Dialect.durationFromInput(input)
    const ms = redisOptions.timeoutMs(
      field,
      input !== undefined,
      Option.isSome(decoded) ? Duration.toMillis(decoded.value) : Number.NaN,
      fallback
    )
    return typeof ms === "number" ? Effect.succeed(ms) : Effect.fail(new InvalidConfiguration(ms))
  })

const check = (options: redisOptions.Options) =>
  Effect.suspend(() => {
    const checked = redisOptions.check(options)
    return "field" in checked ? Effect.fail(new InvalidConfiguration(checked)) : Effect.succeed(checked.url)
  })

/**
 * The fleet's gate (`RateLimitRedis.make`): the options checked, the layer's own client connected (or the caller's
 * pinged), and the gate over the Redis store, with the fleet's pace. @internal
 */
export const makeGate = (
  Redis: RedisClass,
  options: redisOptions.Options<Redis, Dialect.DurationInput>
): Effect.Effect<RateLimit.Service, RedisUnavailable | InvalidConfiguration, Scope.Scope> =>
  Effect.gen(function*() {
    const url = yield* check(options)
    const connectTimeoutMs = yield* millis(
      "connectTimeout",
      options.connectTimeout,
      redisOptions.DEFAULT_CONNECT_TIMEOUT_MS
    )
    const commandTimeoutMs = yield* millis(
      "commandTimeout",
      options.commandTimeout,
      redisOptions.DEFAULT_COMMAND_TIMEOUT_MS
    )
    const redis = url === undefined
      ? options.redis!
      : yield* connect(Redis, url, options.url!, connectTimeoutMs, commandTimeoutMs)
    if (url === undefined) yield* ping(redis, connectTimeoutMs, RedisClient.locationOf(redis))
    const store = RedisStore.redisStore({ redis, keyOf: redisOptions.keyOf(options), commandTimeoutMs })
    // The watchers' pace of each budget is the fleet's too (`Watch`).
    return { ...RateLimitWiring.make(store), pace: store.pace }
  })
