/**
 * One rate-limit budget shared by every process that leaves through the same IP, kept in Redis.
 *
 * Binance counts request weight per IP, so a fleet of bots on one host must share one budget: the in-process
 * gate (`RateLimit`) only knows its own process. `RateLimitRedis.layer` provides the same `RateLimit.RateLimit`
 * service, backed by Redis, under the same rules (`internal/core/gate`, one implementation for every store):
 *
 * - weight is reserved atomically in the current minute window (aligned with Binance's, on the server-clock
 *   estimate); a request that would pass the limit waits for the next window;
 * - `X-MBX-USED-WEIGHT-1M` from any process raises the window's count when Binance counted more than the fleet
 *   reserved (other programs on the IP);
 * - a 429 (with or without `Retry-After`), a 403 firewall pause and a 418 ban seen by one process hold every
 *   process back;
 * - a budget is one key, which expires once its minute, the next one and its pauses are over;
 * - the watchers (`Watch`) of every process take their paced reads' turns from one key beside the budget, so the
 *   fleet reads at most at one `weightShare`'s pace, evenly spaced;
 * - if Redis stops answering, each process falls back to its own in-process gate at once (one warning is
 *   logged) and shares again as soon as Redis answers (one info line). Building the layer fails with
 *   `RedisUnavailable` when Redis cannot be reached within `connectTimeout`.
 *
 * The keys and their JSON are the Effect 3 edition's (`effect-binance-pm@0`): processes on either edition
 * that use the same Redis, prefix and key share one budget.
 *
 * This module needs `ioredis` (an optional peer dependency) and is published as `effect-binance-pm/redis`.
 *
 * @since 1.0.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { Redis } from "ioredis"
import { InvalidConfiguration } from "./BinanceError.js"
import * as RedisClient from "./internal/core/redisClient.js"
import * as redisOptions from "./internal/core/redisOptions.js"
import { nameAfterTag } from "./internal/errorName.js"
import * as RedisConnection from "./internal/wiring/redisClient.js"
import * as RedisStore from "./internal/wiring/redisStore.js"
import * as RateLimit from "./RateLimit.js"

/**
 * Redis could not be reached, or did not answer, while the layer was being built. `description` names the
 * host and port and the cause, never a password.
 *
 * @since 1.0.0
 * @category Errors
 */
export class RedisUnavailable
  extends Schema.TaggedError<RedisUnavailable>("effect-binance-pm/RedisUnavailable")("RedisUnavailable", {
    description: Schema.String
  })
{
  /** @since 1.0.0 */
  override get message(): string {
    return RedisClient.unavailableMessage(this.description)
  }
}

// Name = tag, and printed as an `Error`, as in 0.x (see internal/errorName.ts).
nameAfterTag([RedisUnavailable])

/**
 * Where Redis is, which budget a request uses, and how long to wait for Redis (each field is described where
 * both editions share it: `internal/core/redisOptions`).
 *
 * @since 1.0.0
 * @category Models
 */
export type Options = redisOptions.Options<Redis, Duration.Input>

const invalid = (field: string, reason: string) => Effect.fail(new InvalidConfiguration({ field, reason }))

const millis = (field: string, input: Duration.Input | undefined, fallback: number) =>
  Effect.suspend(() => {
    const decoded = input === undefined ? Option.none() : Duration.fromInput(input)
    const ms = redisOptions.timeoutMs(
      field,
      input !== undefined,
      Option.isSome(decoded) ? Duration.toMillis(decoded.value) : Number.NaN,
      fallback
    )
    return typeof ms === "number" ? Effect.succeed(ms) : invalid(ms.field, ms.reason)
  })

const check = (options: Options) =>
  Effect.suspend(() => {
    const checked = redisOptions.check(options)
    return "field" in checked ? Effect.fail(new InvalidConfiguration(checked)) : Effect.succeed(checked.url)
  })

// ioredis's class and this edition's error, for the connection's wiring.
const edition: RedisConnection.Edition<RedisUnavailable> = {
  Redis,
  unavailable: (description) => new RedisUnavailable({ description })
}

/**
 * Builds the shared gate. With `url` the Redis client lives as long as the scope.
 *
 * @since 1.0.0
 * @category Constructors
 */
export const make: (
  options: Options
) => Effect.Effect<RateLimit.Service, RedisUnavailable | InvalidConfiguration, Scope.Scope> = Effect.fn(
  "RateLimitRedis.make"
)(function*(options: Options) {
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
  let redis: Redis
  if (url === undefined) {
    redis = options.redis!
    yield* RedisConnection.ping(edition, redis, connectTimeoutMs, RedisClient.locationOf(redis))
  } else {
    redis = yield* RedisConnection.connect(edition, url, options.url!, connectTimeoutMs, commandTimeoutMs)
  }
  const store = RedisStore.redisStore({ redis, keyOf: redisOptions.keyOf(options), commandTimeoutMs })
  // The watchers' pace of each budget is the fleet's too (`Watch`).
  return { ...RateLimit.make(store), pace: store.pace }
})

/**
 * Provides `RateLimit.RateLimit` backed by Redis: every process using the same Redis and key shares one
 * budget, one `Retry-After` pause and one ban.
 *
 * ```ts
 * import { Effect } from "effect"
 * import { PortfolioMargin } from "effect-binance-pm"
 * import { RateLimitRedis } from "effect-binance-pm/redis"
 *
 * const SharedBudget = RateLimitRedis.layer({ url: "redis://127.0.0.1:6379" })
 * PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(SharedBudget))
 * ```
 *
 * @since 1.0.0
 * @category Layers
 */
export const layer = (options: Options): Layer.Layer<never, RedisUnavailable | InvalidConfiguration> =>
  Layer.effect(RateLimit.RateLimit, make(options))
