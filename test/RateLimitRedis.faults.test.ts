// The fleet's store when Redis misbehaves, against a real Redis behind a relay: Redis restarting with its data
// gone, and Redis slow (answers held past the command timeout). Two gates on two connections stand for two
// processes. (Unreachable at start: test/RateLimitRedis.test.ts, the layer fails with RedisUnavailable.)
import { afterAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import { Redis } from "ioredis"
import * as Crypto from "node:crypto"
import type { RateLimit } from "../src/index.js"
import { RateLimitRedis } from "../src/redis.js"
import { redisTitle, startRedis, tcpProxy } from "./utils/redis.js"

const server = await startRedis()
afterAll(() => server?.stop())

const BASE = "https://fapi.binance.com"
const NOW = Effect.sync(() => 30_000) // mid-window on Binance's clock, whatever the real time

const request = (overrides: Partial<RateLimit.Request> = {}): RateLimit.Request => ({
  key: BASE,
  weight: 5,
  weightLimit: 1_000,
  maxWaitMs: 1_000,
  now: NOW,
  ...overrides
})

/** A gate through its own relay to the Redis (to take down or stall), and the relay. */
const processOnRelay = (keyPrefix: string) =>
  Effect.gen(function*() {
    const relay = yield* Effect.acquireRelease(
      Effect.promise(() => tcpProxy(server!.port)),
      (p) => Effect.promise(() => p.down())
    )
    const gate = yield* RateLimitRedis.make({
      url: `redis://127.0.0.1:${relay.port}`,
      keyPrefix,
      commandTimeout: "300 millis"
    })
    return { gate, relay }
  })

const capture = (logs: Array<string>) =>
  Logger.replace(
    Logger.defaultLogger,
    Logger.make(({ logLevel, message }) => logs.push(`${logLevel.label} ${String(message)}`))
  )

describe.skipIf(server === undefined)(redisTitle("RateLimitRedis when Redis misbehaves", server), () => {
  it.live(
    "Redis restarts with its data gone: every process that learned or heard of a ban still refuses",
    () =>
      Effect.gen(function*() {
        const keyPrefix = `test:${Crypto.randomUUID()}:`
        const a = yield* processOnRelay(keyPrefix)
        const b = yield* processOnRelay(keyPrefix)
        const permit = yield* a.gate.acquire(request())
        yield* a.gate.release(permit, { status: 418, retryAfterMs: 120_000 }, 30_000)
        yield* a.gate.snapshot(BASE) // its write to Redis has landed
        // b hears of the ban through Redis
        expect(yield* Effect.flip(b.gate.acquire(request()))).toMatchObject({ _tag: "IpBanned" })

        // The restart: every connection cut, the data gone, then Redis answers again.
        yield* Effect.promise(() => Promise.all([a.relay.down(), b.relay.down()]))
        const admin = new Redis(server!.url)
        yield* Effect.promise(() => admin.del(`${keyPrefix}{${BASE}}`))
        yield* Effect.promise(() => admin.quit())
        yield* Effect.promise(() => Promise.all([a.relay.up(), b.relay.up()]))

        for (const gate of [a.gate, b.gate]) {
          const refused = yield* Effect.flip(gate.acquire(request()))
          expect(refused).toMatchObject({ _tag: "IpBanned" })
          expect((refused as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(100_000)
        }
        // a third process that never heard of it starts from what Redis now says: nothing
        const c = yield* processOnRelay(keyPrefix)
        expect((yield* c.gate.acquire(request())).weight).toBe(5)
      }).pipe(Effect.scoped),
    20_000
  )

  it.live(
    "Redis slow: an admission falls back to this process's gate within the command timeout, a ban it learned refuses without asking, one warning",
    () =>
      Effect.gen(function*() {
        const keyPrefix = `test:${Crypto.randomUUID()}:`
        const { gate, relay } = yield* processOnRelay(keyPrefix)
        const logs: Array<string> = []
        const permit = yield* gate.acquire(request())
        yield* gate.release(permit, { status: 418, retryAfterMs: 60_000 }, 30_000)
        yield* gate.snapshot(BASE)

        relay.stall()
        const banned = Date.now()
        expect(yield* Effect.flip(gate.acquire(request()))).toMatchObject({ _tag: "IpBanned" })
        expect(Date.now() - banned).toBeLessThan(100)
        const other = { key: "https://dapi.binance.com" }
        const started = Date.now()
        const fallback = yield* gate.acquire(request(other)).pipe(Effect.provide(capture(logs)))
        const took = Date.now() - started
        expect(fallback.weight).toBe(5)
        expect(took).toBeGreaterThanOrEqual(250)
        expect(took).toBeLessThan(1_500)
        yield* gate.acquire(request(other)).pipe(Effect.provide(capture(logs)))
        expect(logs.filter((line) => line.startsWith("WARN"))).toHaveLength(1)
        relay.flow()
      }).pipe(Effect.scoped),
    20_000
  )
})
