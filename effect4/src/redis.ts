/**
 * The shared, Redis-backed rate-limit budget. A separate entry point (`effect-binance-pm/redis`) so that
 * `ioredis` is loaded only by the programs that use it.
 *
 * @since 1.0.0
 */

/**
 * One rate-limit budget per IP shared by a fleet of processes through Redis.
 *
 * @since 1.0.0
 * @category Modules
 */
export * as RateLimitRedis from "./RateLimitRedis.js"
