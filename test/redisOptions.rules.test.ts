// RateLimitRedis's options (src/internal/core/redisOptions.ts), shared by both editions: the timeouts, every
// refusal, each budget's Redis key, where Redis is, and the layer's own client options.
import { describe, expect, it } from "@effect/vitest"
import * as RedisOptions from "../src/internal/core/redisOptions.js"

const client = { evalsha: () => undefined }

describe("RateLimitRedis options", () => {
  it("a timeout: the default when not given, whole ms when positive and finite, else refused", () => {
    expect(RedisOptions.timeoutMs("commandTimeout", false, Number.NaN, 500)).toBe(500)
    expect(RedisOptions.timeoutMs("commandTimeout", true, 0.2, 500)).toBe(1)
    expect(RedisOptions.timeoutMs("commandTimeout", true, 250, 500)).toBe(250)
    for (const ms of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(RedisOptions.timeoutMs("connectTimeout", true, ms, 2_000)).toEqual({
        field: "connectTimeout",
        reason: "must be a positive, finite duration"
      })
    }
    expect([RedisOptions.DEFAULT_CONNECT_TIMEOUT_MS, RedisOptions.DEFAULT_COMMAND_TIMEOUT_MS]).toEqual([2_000, 500])
  })

  it("every option that is wrong is named", () => {
    const refused = (options: unknown) => RedisOptions.check(options as RedisOptions.Options)
    expect(refused(null)).toEqual({ field: "options", reason: "must be an object" })
    expect(refused("redis://x")).toEqual({ field: "options", reason: "must be an object" })
    expect(refused({})).toEqual({ field: "redis", reason: "give either redis (a client) or url, not both" })
    expect(refused({ redis: client, url: "redis://x" })).toEqual({
      field: "redis",
      reason: "give either redis (a client) or url, not both"
    })
    expect(refused({ redis: {} })).toEqual({ field: "redis", reason: "must be an ioredis client" })
    expect(refused({ redis: { evalsha: 1 } })).toEqual({ field: "redis", reason: "must be an ioredis client" })
    expect(refused({ redis: client, keyPrefix: 3 })).toEqual({ field: "keyPrefix", reason: "must be a string" })
    expect(refused({ redis: client, key: 3 })).toEqual({
      field: "key",
      reason: "must be a string or a function of the base URL"
    })
    expect(refused({ url: "not a url" })).toEqual({ field: "url", reason: "is not a valid URL" })
    expect(refused({ url: "http://localhost:6379" })).toEqual({
      field: "url",
      reason: "must start with redis:// or rediss://, got \"http://\""
    })
  })

  it("what is accepted: a client (no URL), or a redis:// or rediss:// URL", () => {
    expect(RedisOptions.check({ redis: client, keyPrefix: "p:", key: "nat-1" })).toEqual({})
    expect(RedisOptions.check({ redis: client, key: (baseUrl) => baseUrl })).toEqual({})
    const plain = RedisOptions.check({ url: "redis://h:1/2" })
    expect("url" in plain && plain.url?.href).toBe("redis://h:1/2")
    const tls = RedisOptions.check({ url: "rediss://h" })
    expect("url" in tls && tls.url?.protocol).toBe("rediss:")
  })

  it("a budget's key: the prefix, then the budget in one hash tag, braces kept out of it", () => {
    const baseUrl = "https://fapi.binance.com"
    expect(RedisOptions.keyOf({})(baseUrl)).toBe(`effect-binance-pm:rate-limit:{${baseUrl}}`)
    expect(RedisOptions.keyOf({ keyPrefix: "p:", key: "nat-1" })(baseUrl)).toBe(`p:{nat-1|${baseUrl}}`)
    expect(RedisOptions.keyOf({ keyPrefix: "", key: (url) => `{a}${url.length}` })(baseUrl)).toBe("{_a_24}")
    expect(RedisOptions.keyOf({ key: "a{b}c" })("u")).toBe("effect-binance-pm:rate-limit:{a_b_c|u}")
  })

  it("where Redis is: host and port, never the password, with Redis's defaults", () => {
    expect(RedisOptions.where(new URL("redis://:secret@cache.internal:6380/1"))).toBe("cache.internal:6380")
    expect(RedisOptions.where(new URL("redis://"))).toBe("localhost:6379")
  })

  it("the layer's own client: connected by the layer, failing fast, reconnecting at most every 2 s", () => {
    const options = RedisOptions.clientOptions(1_500, 250)
    expect(options).toMatchObject({
      lazyConnect: true,
      connectTimeout: 1_500,
      commandTimeout: 250,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1
    })
    expect([1, 2, 9, 10, 11, 50].map((times) => options.retryStrategy!(times))).toEqual([
      200,
      400,
      1_800,
      2_000,
      2_000,
      2_000
    ])
  })
})
