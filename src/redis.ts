/**
 * The shared, Redis-backed rate-limit budget. A separate entry point (`effect-binance-pm/redis`) so that
 * `ioredis` is loaded only by the programs that use it.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as RateLimitRedis from "./RateLimitRedis.js"
