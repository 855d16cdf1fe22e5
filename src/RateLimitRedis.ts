/**
 * One rate-limit budget shared by every process that leaves through the same IP, kept in Redis.
 *
 * Binance counts request weight per IP, so a fleet of bots on one host must share one budget: the in-process
 * gate (`RateLimit.layer`) only knows its own process. `RateLimitRedis.layer` provides the same
 * `RateLimit.RateLimit` service, backed by Redis:
 *
 * - weight is reserved atomically in the current minute window (aligned with Binance's, on the server-clock
 *   estimate); a request that would pass the limit waits for the next window;
 * - `X-MBX-USED-WEIGHT-1M` from any process raises the window's count when Binance counted more than the fleet
 *   reserved (other programs on the IP), so the header and the shared count are combined;
 * - a 429's `Retry-After` and a 418 ban seen by one process hold every process back;
 * - window keys expire a minute after their window, so a process killed mid-request leaves nothing behind
 *   for longer than that;
 * - the watchers (`Watch`) of every process take their paced reads' turns from one key beside the budget, so the
 *   fleet reads at most at one `weightShare`'s pace, evenly spaced;
 * - if Redis stops answering, each process falls back to its own in-process gate (a warning is logged) and
 *   shares again as soon as Redis answers. Building the layer fails with `RedisUnavailable` when Redis cannot be
 *   reached within `connectTimeout`.
 *
 * This module needs `ioredis` (an optional peer dependency) and is published as `effect-binance-pm/redis`.
 *
 * @since 0.1.0
 */
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { Redis } from "ioredis"
import type { InvalidConfiguration } from "./BinanceError.js"
import type * as redisOptions from "./internal/core/redisOptions.js"
import type { RedisUnavailable } from "./internal/wiring/api/RateLimitRedis.js"
import * as RedisConnection from "./internal/wiring/redisClient.js"
import * as RateLimit from "./RateLimit.js"

/**
 * @since 0.1.0
 * @category Errors
 */
export { RedisUnavailable } from "./internal/wiring/api/RateLimitRedis.js"

/**
 * Where Redis is, which budget a request uses, and how long to wait for Redis (each field is described where
 * both editions share it: `internal/core/redisOptions`).
 *
 * @since 0.1.0
 * @category Models
 */
export type Options = redisOptions.Options<Redis, Duration.DurationInput>

/**
 * Builds the shared gate. With `url` the Redis client lives as long as the scope.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make = (
  options: Options
): Effect.Effect<RateLimit.Service, RedisUnavailable | InvalidConfiguration, Scope.Scope> =>
  RedisConnection.makeGate(Redis, options)

/**
 * Provides `RateLimit.RateLimit` backed by Redis: every process using the same Redis and key shares one
 * budget, one `Retry-After` pause and one ban.
 *
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { PortfolioMargin } from "effect-binance-pm"
 * import { RateLimitRedis } from "effect-binance-pm/redis"
 *
 * const SharedBudget = RateLimitRedis.layer({ url: "redis://127.0.0.1:6379" })
 * PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(SharedBudget))
 * ```
 *
 * @since 0.1.0
 * @category Layers
 */
export const layer = (options: Options): Layer.Layer<RateLimit.RateLimit, RedisUnavailable | InvalidConfiguration> =>
  Layer.scoped(RateLimit.RateLimit, make(options))
