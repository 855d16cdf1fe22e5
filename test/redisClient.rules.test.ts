// RateLimitRedis's client and failure texts (src/internal/core/redisClient.ts), shared by both editions: where Redis
// is, never its password; the client is made lazily with the layer's options, and keeps its connection errors.
import { describe, expect, it } from "@effect/vitest"
import type { Redis, RedisOptions } from "ioredis"
import * as RedisClient from "../src/internal/core/redisClient.js"
import * as redisOptions from "../src/internal/core/redisOptions.js"

describe("RedisUnavailable's texts", () => {
  it("name host and port, then why, without credentials", () => {
    expect(RedisClient.unavailable.failed("h:1", new Error("connect ECONNREFUSED redis://u:secret@h:1"))).toBe(
      "h:1: connect ECONNREFUSED redis://<credentials>@h:1"
    )
    expect(RedisClient.unavailable.noAnswer("h:1", 500)).toBe("h:1: no answer within 500 ms")
    expect(RedisClient.unavailable.noConnection("h:1", 2000)).toBe("h:1: no connection within 2000 ms")
    expect(RedisClient.unavailableMessage("h:1: x")).toBe(
      "Redis for the shared rate-limit budget is unavailable: h:1: x"
    )
  })

  it("a client the caller gave is located by its options, localhost:6379 by default", () => {
    const located = (options: { host?: string; port?: number }) =>
      RedisClient.locationOf({ options } as unknown as Redis)
    expect(located({ host: "redis.test", port: 6380 })).toBe("redis.test:6380")
    expect(located({})).toBe("localhost:6379")
  })
})

describe("makeClient", () => {
  it("makes the client with the layer's options and keeps its last connection error", () => {
    const made: Array<{ source: string; options: RedisOptions }> = []
    const listeners: Array<(error: unknown) => void> = []
    class FakeRedis {
      constructor(source: string, options: RedisOptions) {
        made.push({ source, options })
      }
      on(event: string, listener: (error: unknown) => void) {
        if (event === "error") listeners.push(listener)
        return this
      }
    }
    const client = RedisClient.makeClient(FakeRedis as unknown as typeof Redis, "redis://h:1", 2000, 500)
    expect(made).toHaveLength(1)
    expect(made[0]!.source).toBe("redis://h:1")
    expect(JSON.stringify(made[0]!.options)).toBe(JSON.stringify(redisOptions.clientOptions(2000, 500)))
    expect(client.lastError()).toBeUndefined()
    expect(listeners).toHaveLength(1)
    const first = new Error("first")
    const last = new Error("last")
    listeners[0]!(first)
    listeners[0]!(last)
    expect(client.lastError()).toBe(last)
  })
})
