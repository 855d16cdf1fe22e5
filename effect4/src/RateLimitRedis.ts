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
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { Redis } from "ioredis"
import type { InvalidConfiguration } from "./BinanceError.js"
import type * as redisOptions from "./internal/core/redisOptions.js"
import { nameAfterTag } from "./internal/errorName.js"
import { RedisUnavailable } from "./internal/wiring/api/RateLimitRedis.js"
import * as RedisConnection from "./internal/wiring/redisClient.js"
import * as RateLimit from "./RateLimit.js"

/**
 * @since 1.0.0
 * @category Errors
 */
export { RedisUnavailable } from "./internal/wiring/api/RateLimitRedis.js"

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
  return yield* RedisConnection.makeGate(Redis, options)
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
