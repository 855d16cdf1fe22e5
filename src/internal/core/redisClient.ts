/**
 * The Redis client `RateLimitRedis` makes for a `url`, and what its layer says when Redis cannot be reached: the
 * same for both editions, which add the timeouts, the scope and their `RedisUnavailable` class.
 */
import type { Redis, RedisOptions } from "ioredis"
import { clientOptions } from "./redisOptions.js"
import { describeError, noAnswer } from "./redisStore.js"

/** `RedisUnavailable`'s message, from its description. */
export const unavailableMessage = (description: string): string =>
  `Redis for the shared rate-limit budget is unavailable: ${description}`

/** `RedisUnavailable`'s descriptions: where Redis is (`host:port`, never a password), then why it failed. */
export const unavailable = {
  failed: (location: string, error: unknown): string => `${location}: ${describeError(error)}`,
  noAnswer: (location: string, timeoutMs: number): string => `${location}: ${noAnswer(timeoutMs)}`,
  noConnection: (location: string, timeoutMs: number): string => `${location}: no connection within ${timeoutMs} ms`
} as const

/** `host:port` of a client the caller gave, for messages. */
export const locationOf = (redis: Redis): string => `${redis.options.host ?? "localhost"}:${redis.options.port ?? 6379}`

/** The layer's own client, not connected yet, and the last connection error it met. */
export interface Client {
  readonly redis: Redis
  readonly lastError: () => unknown
}

/**
 * A client for `source` with the layer's options (`redisOptions.clientOptions`). `Redis` is ioredis's class, which
 * the core only names as a type. Without a listener ioredis prints every connection error: they are kept instead,
 * and the layer reports the last one when connecting fails.
 */
export const makeClient = (
  Redis: new(source: string, options: RedisOptions) => Redis,
  source: string,
  connectTimeoutMs: number,
  commandTimeoutMs: number
): Client => {
  let lastError: unknown
  const redis = new Redis(source, clientOptions(connectTimeoutMs, commandTimeoutMs))
  redis.on("error", (error) => {
    lastError = error
  })
  return { redis, lastError: () => lastError }
}
