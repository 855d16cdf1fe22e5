/**
 * `RateLimitRedis`'s options, checked, and what follows from them: each budget's Redis key, where Redis is (for
 * messages) and how the layer's own client is configured. Shared by both editions, so their keys stay the same.
 */
import type { RedisOptions } from "ioredis"

/** `RateLimitRedis.Options`: the editions' differ only in their client and duration types. */
export interface Options<Client = unknown, Duration = unknown> {
  /** A client of your own. It is not closed with the layer. Give `redis` or `url`. */
  readonly redis?: Client | undefined
  /** `redis://[:password@]host[:port][/db]` or `rediss://…`; the layer opens a client and closes it with its scope. */
  readonly url?: string | undefined
  /** Prefix of every key the layer writes. Default `"effect-binance-pm:rate-limit:"` (the same in both editions). */
  readonly keyPrefix?: string | undefined
  /**
   * Which budget a request uses. Default: one per base URL. A string names the egress identity (say, the
   * public IP or NAT gateway) and is combined with the base URL; processes that leave through different IPs
   * must use different identities. A function maps the base URL to the budget's name.
   */
  readonly key?: string | ((baseUrl: string) => string) | undefined
  /** How long to wait for Redis when the layer is built. Default 2 seconds. */
  readonly connectTimeout?: Duration | undefined
  /** How long one Redis command may take before this process uses its own gate for that request. Default 500 ms. */
  readonly commandTimeout?: Duration | undefined
}

/** Defaults of the two timeouts, in ms. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 2_000
export const DEFAULT_COMMAND_TIMEOUT_MS = 500

/**
 * A timeout option as whole ms (`ms` is the edition's decoding of the duration: NaN when it is not one), or
 * what is wrong with it.
 */
export const timeoutMs = (field: string, given: boolean, ms: number, fallback: number): number | Invalid =>
  !given ? fallback : Number.isFinite(ms) && ms > 0
    ? Math.ceil(ms)
    : { field, reason: "must be a positive, finite duration" }

const DEFAULT_PREFIX = "effect-binance-pm:rate-limit:"

/** What is wrong with one option, for `InvalidConfiguration`. */
export interface Invalid {
  readonly field: string
  readonly reason: string
}

/** The parsed `url` (none when a client was given), or the first problem. */
export const check = (options: Options): { readonly url?: URL | undefined } | Invalid => {
  const invalid = (field: string, reason: string): Invalid => ({ field, reason })
  if (typeof options !== "object" || options === null) return invalid("options", "must be an object")
  if ((options.redis === undefined) === (options.url === undefined)) {
    return invalid("redis", "give either redis (a client) or url, not both")
  }
  if (options.redis !== undefined && typeof (options.redis as { evalsha?: unknown }).evalsha !== "function") {
    return invalid("redis", "must be an ioredis client")
  }
  if (options.keyPrefix !== undefined && typeof options.keyPrefix !== "string") {
    return invalid("keyPrefix", "must be a string")
  }
  if (options.key !== undefined && typeof options.key !== "string" && typeof options.key !== "function") {
    return invalid("key", "must be a string or a function of the base URL")
  }
  if (options.url === undefined) return {}
  let url: URL
  try {
    url = new URL(options.url)
  } catch {
    return invalid("url", "is not a valid URL")
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    return invalid("url", `must start with redis:// or rediss://, got "${url.protocol}//"`)
  }
  return { url }
}

// A Redis Cluster hash tag is the text between the first "{" and the next "}": keep braces out of names.
const tag = (name: string) => name.replace(/[{}]/g, "_")

/** The Redis key of the budget a request to `baseUrl` uses: `<prefix>{<budget>}`, one hash slot per budget. */
export const keyOf = (options: Options) => (baseUrl: string): string => {
  const prefix = options.keyPrefix ?? DEFAULT_PREFIX
  const name = typeof options.key === "function"
    ? options.key(baseUrl)
    : options.key === undefined
    ? baseUrl
    : `${options.key}|${baseUrl}`
  return `${prefix}{${tag(name)}}`
}

/** `host:port` for messages: never the password. */
export const where = (url: URL): string => `${url.hostname || "localhost"}:${url.port || "6379"}`

/** The layer's own client: connected by the layer, failing fast while disconnected. */
export const clientOptions = (connectTimeoutMs: number, commandTimeoutMs: number): RedisOptions => ({
  lazyConnect: true,
  connectTimeout: connectTimeoutMs,
  commandTimeout: commandTimeoutMs,
  // Fail fast while disconnected (the gate falls back) instead of queueing behind a dead connection.
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  retryStrategy: (times) => Math.min(times * 200, 2_000)
})
