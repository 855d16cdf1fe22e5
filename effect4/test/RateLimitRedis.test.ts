// The shared gate against a real Redis (REDIS_URL, else a redis-server of our own, else visibly skipped). Two
// gates built on two connections stand for two processes: they share nothing but Redis. Times are virtual
// (TestClock) except where Redis itself must go away. Ported from the root's test/RateLimitRedis.test.ts, plus
// the root test/gate.test.ts's "one algorithm over two stores" traces (the table is test/cases/gateTraces.ts).
import { afterAll, describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Logger from "effect/Logger"
import { TestClock } from "effect/testing"
import { Redis } from "ioredis"
import * as Crypto from "node:crypto"
import * as Net from "node:net"
import * as Util from "node:util"
import { type Step, trace, traceAsk, traceSeeds } from "../../test/cases/gateTraces.js"
import { freePort, redisTitle, startRedis, tcpProxy } from "../../test/utils/redis.js"
import type * as Gate from "../src/internal/core/gate.js"
import * as RedisStore from "../src/internal/wiring/redisStore.js"
import * as RateLimit from "../src/RateLimit.js"
import { RateLimitRedis } from "../src/redis.js"
import { withSleepSpy } from "./utils/sleeps.js"

const server = await startRedis()
afterAll(() => server?.stop())

const BASE = "https://fapi.binance.com"
const prefix = () => `test4:${Crypto.randomUUID()}:`

const request = (overrides: Partial<RateLimit.Request> = {}): RateLimit.Request => ({
  key: BASE,
  weight: 5,
  weightLimit: 20,
  maxWaitMs: 10_000,
  now: Clock.currentTimeMillis,
  ...overrides
})

const pending = <A, E>(fiber: Fiber.Fiber<A, E>) => Effect.sync(() => fiber.pollUnsafe() === undefined)

const inspect = (url: string) =>
  Effect.acquireRelease(Effect.sync(() => new Redis(url)), (redis) => Effect.promise(() => redis.quit()))

describe("RateLimitRedis: bad options and an unreachable Redis fail the layer, typed and fast", () => {
  it.live("a closed port fails with RedisUnavailable within the connect timeout, without the password", () =>
    Effect.gen(function*() {
      const port = yield* Effect.promise(freePort)
      const started = Date.now()
      const error = yield* Effect.flip(Effect.scoped(RateLimitRedis.make({
        url: `redis://:hunter2-secret@127.0.0.1:${port}`,
        connectTimeout: "500 millis"
      })))
      const elapsed = Date.now() - started
      expect(error._tag).toBe("RedisUnavailable")
      expect(error.message).toContain(`127.0.0.1:${port}`)
      expect(error.message).toContain("ECONNREFUSED")
      const rendered = `${error.message} ${String(error)} ${JSON.stringify(error)} ${String(error.stack)} ${
        Util.inspect(error)
      }`
      expect(rendered).not.toContain("hunter2")
      expect(elapsed).toBeLessThan(1_500)
    }))

  it.live("a host that never answers fails with RedisUnavailable after the connect timeout, not a hang", () =>
    Effect.gen(function*() {
      // A listener that accepts and never speaks: the connection opens, PING never returns.
      const mute = Net.createServer(() => {})
      yield* Effect.acquireRelease(
        Effect.callback<void>((resume) => void mute.listen(0, "127.0.0.1", () => resume(Effect.void))),
        () => Effect.sync(() => mute.close())
      )
      const port = (mute.address() as Net.AddressInfo).port
      const started = Date.now()
      const error = yield* Effect.flip(
        Effect.scoped(RateLimitRedis.make({ url: `redis://127.0.0.1:${port}`, connectTimeout: "300 millis" }))
      )
      expect(error).toMatchObject({ _tag: "RedisUnavailable" })
      expect(Date.now() - started).toBeLessThan(2_000)
    }))

  const bad: ReadonlyArray<[string, RateLimitRedis.Options, string]> = [
    ["neither redis nor url", {}, "redis"],
    ["both redis and url", { url: "redis://127.0.0.1", redis: {} as never }, "redis"],
    ["a redis that is not a client", { redis: {} as never }, "redis"],
    ["an http URL", { url: "http://127.0.0.1:6379" }, "url"],
    ["not a URL", { url: "127.0.0.1:6379" }, "url"],
    ["a zero connect timeout", { url: "redis://127.0.0.1", connectTimeout: 0 }, "connectTimeout"],
    ["an infinite command timeout", { url: "redis://127.0.0.1", commandTimeout: Infinity }, "commandTimeout"],
    ["a numeric key", { url: "redis://127.0.0.1", key: 7 as never }, "key"],
    ["a numeric keyPrefix", { url: "redis://127.0.0.1", keyPrefix: 7 as never }, "keyPrefix"]
  ]
  for (const [name, options, field] of bad) {
    it.effect(`${name} → InvalidConfiguration(${field})`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(Effect.scoped(RateLimitRedis.make(options)))
        expect(error).toMatchObject({ _tag: "InvalidConfiguration", field })
      }))
  }
})

const url = server?.url ?? "redis://no-redis"

describe.skipIf(server === undefined)(redisTitle("RateLimitRedis against Redis", server), () => {
  it.effect("two processes share one weight budget per minute window", () =>
    withSleepSpy((untilSleepingUntil) =>
      Effect.gen(function*() {
        const keyPrefix = prefix()
        const a = yield* RateLimitRedis.make({ url, keyPrefix })
        const b = yield* RateLimitRedis.make({ url, keyPrefix })
        const elsewhere = yield* RateLimitRedis.make({ url, keyPrefix: prefix() })
        yield* TestClock.setTime(10_000)
        for (const gate of [a, b, a, b]) yield* gate.release(yield* gate.acquire(request()), { status: 200 }, 10_000)
        // 20 of 20 used by the two of them: a fifth request from either waits for the next window.
        const waiting = yield* Effect.forkChild(b.acquire(request()))
        yield* untilSleepingUntil(60_000)
        expect(yield* pending(waiting)).toBe(true)
        // Another fleet (another prefix) has its own budget.
        expect((yield* elsewhere.acquire(request())).window).toBe(0)
        // the first second of a minute must fit the previous minute's budget too (a fast host clock), so 61 s
        yield* TestClock.adjust("50050 millis")
        yield* untilSleepingUntil(61_000)
        yield* TestClock.adjust("949 millis")
        expect(yield* pending(waiting)).toBe(true)
        yield* TestClock.adjust("51 millis")
        const permit = yield* Fiber.join(waiting)
        expect(permit).toMatchObject({ key: BASE, weight: 5, window: 1 })
        expect((yield* Clock.currentTimeMillis) >= 60_000).toBe(true)
      })
    ))

  it.effect("a 429's Retry-After seen by one process holds the others back", () =>
    withSleepSpy((untilSleepingUntil) =>
      Effect.gen(function*() {
        const keyPrefix = prefix()
        const a = yield* RateLimitRedis.make({ url, keyPrefix })
        const b = yield* RateLimitRedis.make({ url, keyPrefix })
        yield* TestClock.setTime(10_000)
        const permit = yield* a.acquire(request({ weightLimit: 2400 }))
        yield* a.release(permit, { status: 429, retryAfterMs: 2_000, usedWeight: 5 }, 10_000)
        yield* a.snapshot(BASE) // its write to Redis has landed
        const impatient = yield* Effect.flip(b.acquire(request({ weightLimit: 2400, maxWaitMs: 1_000 })))
        expect(impatient).toMatchObject({ _tag: "RateLimited", retryAfterMs: 2_000 })
        const waiting = yield* Effect.forkChild(b.acquire(request({ weightLimit: 2400 })))
        yield* untilSleepingUntil(12_000)
        yield* TestClock.adjust("2 seconds")
        expect(yield* pending(waiting)).toBe(true)
        yield* TestClock.adjust("50 millis")
        yield* Fiber.join(waiting)
        expect(yield* Clock.currentTimeMillis).toBe(12_050)
      })
    ))

  it.effect("a bare 429 (no Retry-After) and a 403 seen by one process pause the other 1 s", () =>
    Effect.gen(function*() {
      for (const [status, tag] of [[429, "RateLimited"], [403, "WafBlocked"]] as const) {
        const keyPrefix = prefix()
        const a = yield* RateLimitRedis.make({ url, keyPrefix })
        const b = yield* RateLimitRedis.make({ url, keyPrefix })
        yield* TestClock.setTime(10_000)
        yield* a.release(yield* a.acquire(request({ weightLimit: 2400 })), { status }, 10_000)
        yield* a.snapshot(BASE)
        expect(yield* Effect.flip(b.acquire(request({ weightLimit: 2400, maxWaitMs: 0 })))).toMatchObject({
          _tag: tag,
          retryAfterMs: 1_000
        })
      }
    }))

  it.effect("re-learning Binance's clock during a pause neither shortens nor stretches it", () =>
    withSleepSpy((untilSleepingUntil) =>
      Effect.gen(function*() {
        const keyPrefix = prefix()
        const a = yield* RateLimitRedis.make({ url, keyPrefix })
        const b = yield* RateLimitRedis.make({ url, keyPrefix })
        yield* TestClock.setTime(10_000)
        const permit = yield* a.acquire(request({ weightLimit: 2400 }))
        yield* a.release(permit, { status: 429, retryAfterMs: 2_000, usedWeight: 5 }, 10_000)
        yield* a.snapshot(BASE) // its write to Redis has landed
        // Meanwhile a -1021 taught each process that Binance is a minute ahead (a) or behind (b).
        const ahead = Effect.map(Clock.currentTimeMillis, (t) => t + 60_000)
        const behind = Effect.map(Clock.currentTimeMillis, (t) => t - 60_000)
        const fromA = yield* Effect.forkChild(a.acquire(request({ weightLimit: 2400, now: ahead })))
        const fromB = yield* Effect.forkChild(b.acquire(request({ weightLimit: 2400, now: behind, maxWaitMs: 3_000 })))
        yield* untilSleepingUntil(12_000, 2)
        yield* TestClock.adjust("1999 millis")
        expect(yield* pending(fromA)).toBe(true)
        expect(yield* pending(fromB)).toBe(true)
        yield* TestClock.adjust("51 millis")
        yield* Fiber.join(fromA)
        yield* Fiber.join(fromB)
      })
    ))

  it.effect("a 418 seen by one process fails every process at once until the ban ends", () =>
    Effect.gen(function*() {
      const keyPrefix = prefix()
      const a = yield* RateLimitRedis.make({ url, keyPrefix })
      const b = yield* RateLimitRedis.make({ url, keyPrefix })
      yield* TestClock.setTime(10_000)
      const permit = yield* a.acquire(request())
      yield* a.release(permit, { status: 418, retryAfterMs: 120_000 }, 10_000)
      yield* a.snapshot(BASE) // its write to Redis has landed
      expect(yield* Effect.flip(b.acquire(request()))).toMatchObject({ _tag: "IpBanned", retryAfterMs: 120_000 })
      yield* TestClock.adjust("119 seconds")
      expect(yield* Effect.flip(b.acquire(request()))).toMatchObject({ _tag: "IpBanned", retryAfterMs: 1_000 })
      yield* TestClock.adjust("1 second")
      expect((yield* b.acquire(request())).window).toBe(2)
      expect((yield* b.snapshot(BASE)).bannedUntil).toBe(130_000)
    }))

  it.effect("without Retry-After a 418 holds until the 'banned until' of its message", () =>
    Effect.gen(function*() {
      const keyPrefix = prefix()
      const a = yield* RateLimitRedis.make({ url, keyPrefix })
      const b = yield* RateLimitRedis.make({ url, keyPrefix })
      yield* TestClock.setTime(10_000)
      const permit = yield* a.acquire(request())
      yield* a.release(permit, { status: 418, bannedUntil: 300_000 }, 10_000)
      yield* a.snapshot(BASE) // its write to Redis has landed
      expect(yield* Effect.flip(b.acquire(request()))).toMatchObject({ _tag: "IpBanned", retryAfterMs: 290_000 })
    }))

  it.effect("X-MBX-USED-WEIGHT-1M above what the fleet reserved counts against everyone's budget", () =>
    withSleepSpy((untilSleepingUntil) =>
      Effect.gen(function*() {
        const keyPrefix = prefix()
        const a = yield* RateLimitRedis.make({ url, keyPrefix })
        const b = yield* RateLimitRedis.make({ url, keyPrefix })
        yield* TestClock.setTime(1_000)
        const permit = yield* a.acquire(request())
        // Binance counted 17 while the fleet sent 5: another program on the IP used 12.
        yield* a.release(permit, { status: 200, usedWeight: 17 }, 1_000)
        // a's write to Redis runs outside its release (which never waits on the network); a snapshot waits for it
        yield* a.snapshot(BASE)
        expect(yield* b.snapshot(BASE)).toMatchObject({ window: 0, usedWeight: 17, reservedWeight: 0 })
        const waiting = yield* Effect.forkChild(b.acquire(request()))
        yield* untilSleepingUntil(60_000)
        expect(yield* pending(waiting)).toBe(true)
        yield* TestClock.adjust("61 seconds")
        expect((yield* Fiber.join(waiting)).window).toBe(1)
      })
    ))

  it.effect("a header at or below the fleet's reservations changes nothing", () =>
    Effect.gen(function*() {
      const keyPrefix = prefix()
      const a = yield* RateLimitRedis.make({ url, keyPrefix })
      yield* TestClock.setTime(1_000)
      const first = yield* a.acquire(request())
      const second = yield* a.acquire(request())
      yield* a.release(first, { status: 200, usedWeight: 5 }, 1_000)
      yield* a.snapshot(BASE) // its write to Redis has landed
      yield* a.release(second, { status: 200, usedWeight: 10 }, 1_000)
      expect(yield* a.snapshot(BASE)).toMatchObject({ usedWeight: 10, reservedWeight: 0 })
      yield* a.acquire(request())
      yield* a.acquire(request())
      expect(yield* a.snapshot(BASE)).toMatchObject({ usedWeight: 10, reservedWeight: 10 })
    }))

  it.effect("in the first second of a minute a request must fit the previous minute's fleet budget too", () =>
    withSleepSpy((untilSleepingUntil) =>
      Effect.gen(function*() {
        const keyPrefix = prefix()
        const a = yield* RateLimitRedis.make({ url, keyPrefix })
        const b = yield* RateLimitRedis.make({ url, keyPrefix })
        yield* TestClock.setTime(59_000)
        for (const gate of [a, b, a, b]) yield* gate.release(yield* gate.acquire(request()), { status: 200 }, 59_000)
        yield* TestClock.setTime(60_100)
        const early = yield* Effect.forkChild(b.acquire(request()))
        yield* untilSleepingUntil(61_000)
        yield* TestClock.adjust("949 millis")
        expect(yield* pending(early)).toBe(true)
        yield* TestClock.adjust("1 millis")
        expect((yield* Fiber.join(early)).window).toBe(1)
        // a quiet previous minute lets the first second through at once
        const quiet = yield* RateLimitRedis.make({ url, keyPrefix: prefix() })
        yield* TestClock.setTime(120_010)
        expect((yield* quiet.acquire(request())).window).toBe(2)
      })
    ))

  it.effect("a budget is one key, and it expires once its minute, the next and its pauses are over", () =>
    Effect.gen(function*() {
      const keyPrefix = prefix()
      const a = yield* RateLimitRedis.make({ url, keyPrefix })
      yield* TestClock.setTime(10_000)
      const permit = yield* a.acquire(request())
      yield* a.release(permit, { status: 429, retryAfterMs: 2_000, usedWeight: 5 }, 10_000)
      yield* a.snapshot(BASE) // its write to Redis has landed
      const redis = yield* inspect(url)
      const keys = yield* Effect.promise(() => redis.keys(`${keyPrefix}*`))
      expect(keys).toEqual([`${keyPrefix}{${BASE}}`])
      // the next window (the one that must still know this one's count) ends at 120 000; now is 10 000:
      // 110 s to go + 5 s grace
      const ttl = yield* Effect.promise(() => redis.pttl(keys[0]!))
      expect(ttl).toBeGreaterThan(105_000)
      expect(ttl).toBeLessThanOrEqual(115_000)
      yield* TestClock.setTime(13_000)
      yield* a.release(yield* a.acquire(request({ weightLimit: 100 })), { status: 418, retryAfterMs: 600_000 }, 13_000)
      yield* a.snapshot(BASE)
      // a ban outlives the windows: 600 s + 5 s grace
      expect(yield* Effect.promise(() => redis.pttl(keys[0]!))).toBeGreaterThan(595_000)
    }))

  it.effect("the Effect 3 edition's keys and JSON: a budget written in its layout is read and kept", () =>
    Effect.gen(function*() {
      // What effect-binance-pm@0's RateLimitRedis writes for a 418 (same prefix, key, hash fields, state JSON):
      // both editions on one Redis share one budget.
      const keyPrefix = prefix()
      const redis = yield* inspect(url)
      const banned = { window: 0, used: 5, reserved: 0, bannedUntil: 200_000 }
      yield* Effect.promise(() => redis.hset(`${keyPrefix}{${BASE}}`, "state", JSON.stringify(banned), "version", "3"))
      const gate = yield* RateLimitRedis.make({ url, keyPrefix })
      yield* TestClock.setTime(20_000)
      expect(yield* Effect.flip(gate.acquire(request()))).toMatchObject({ _tag: "IpBanned", retryAfterMs: 180_000 })
      yield* TestClock.setTime(200_000)
      yield* gate.acquire(request())
      const [state, version] = yield* Effect.promise(() => redis.hmget(`${keyPrefix}{${BASE}}`, "state", "version"))
      expect(version).toBe("4")
      expect(JSON.parse(state!)).toMatchObject({ window: 3, reserved: 5, bannedUntil: 200_000 })
    }))

  it.effect("key: a string names the egress identity; a function names the budget", () =>
    Effect.gen(function*() {
      const keyPrefix = prefix()
      const hostA = yield* RateLimitRedis.make({ url, keyPrefix, key: "nat-a" })
      const hostB = yield* RateLimitRedis.make({ url, keyPrefix, key: "nat-b" })
      const custom = yield* RateLimitRedis.make({ url, keyPrefix, key: (baseUrl) => `ip{1}:${baseUrl.length}` })
      yield* TestClock.setTime(1_000)
      for (let i = 0; i < 4; i++) yield* hostA.acquire(request())
      // nat-b leaves through another IP: its budget is untouched by nat-a's 20.
      expect((yield* hostB.acquire(request())).window).toBe(0)
      yield* custom.acquire(request())
      const redis = yield* inspect(url)
      const keys = yield* Effect.promise(() => redis.keys(`${keyPrefix}*`))
      expect(keys.sort()).toEqual([
        `${keyPrefix}{ip_1_:${BASE.length}}`,
        `${keyPrefix}{nat-a|${BASE}}`,
        `${keyPrefix}{nat-b|${BASE}}`
      ])
    }))

  it.effect("a client of your own is used as is and left open when the layer closes", () =>
    Effect.gen(function*() {
      const redis = yield* inspect(url)
      const keyPrefix = prefix()
      yield* TestClock.setTime(1_000)
      const exit = yield* Effect.exit(Effect.scoped(Effect.flatMap(
        RateLimitRedis.make({ redis, keyPrefix }),
        (gate) => gate.acquire(request())
      )))
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(redis.status).toBe("ready")
      const state = yield* Effect.promise(() => redis.hget(`${keyPrefix}{${BASE}}`, "state"))
      expect(JSON.parse(state!)).toMatchObject({ window: 0, reserved: 5 })
    }))

  it.live("RateLimitRedis.layer provides RateLimit.RateLimit", () =>
    Effect.gen(function*() {
      const keyPrefix = prefix()
      const snapshot = yield* Effect.gen(function*() {
        const gate = yield* RateLimit.RateLimit
        yield* gate.acquire(request({ now: Effect.succeed(30_000) }))
        return yield* gate.snapshot(BASE)
      }).pipe(Effect.provide(RateLimitRedis.layer({ url, keyPrefix })))
      expect(snapshot).toMatchObject({ window: 0, reservedWeight: 5 })
    }))

  it.live(
    "Redis going away: each process falls back to its own gate at once, and shares again when it is back",
    () =>
      Effect.gen(function*() {
        const proxy = yield* Effect.acquireRelease(
          Effect.promise(() => tcpProxy(server!.port)),
          (p) => Effect.promise(() => p.down())
        )
        const keyPrefix = prefix()
        const logs: Array<string> = []
        const capture = Logger.layer([
          Logger.make(({ logLevel, message }) => {
            logs.push(`${logLevel} ${Array.isArray(message) ? message.map(String).join(" ") : String(message)}`)
          })
        ])
        const gate = yield* RateLimitRedis.make({
          url: `redis://127.0.0.1:${proxy.port}`,
          keyPrefix,
          commandTimeout: "300 millis"
        })
        const redis = yield* inspect(url)
        const now = Effect.sync(() => 30_000) // mid-window, whatever the real time
        const reserved = Effect.promise(() =>
          redis.hget(`${keyPrefix}{${BASE}}`, "state").then((json) => String(JSON.parse(json ?? "{}").reserved))
        )
        const limit = { weightLimit: 1_000, now }
        yield* gate.acquire(request(limit))
        expect(yield* reserved).toBe("5")

        yield* Effect.promise(() => proxy.down())
        const started = Date.now()
        const during = yield* gate.acquire(request(limit)).pipe(Effect.provide(capture))
        expect(Date.now() - started).toBeLessThan(1_000)
        expect(during.window).toBe(0)
        expect(yield* reserved).toBe("5")
        expect(logs.filter((l) => l.startsWith("Warn"))).toHaveLength(1)
        expect(logs[0]).toContain("Redis unavailable")
        // What this process learns meanwhile still holds it back.
        yield* gate.release(during, { status: 429, retryAfterMs: 5_000 }, 30_000).pipe(Effect.provide(capture))
        yield* gate.snapshot(BASE) // its write to Redis has been tried
        expect(yield* Effect.flip(gate.acquire(request({ ...limit, maxWaitMs: 1_000 })))).toMatchObject({
          _tag: "RateLimited"
        })
        expect(logs.filter((l) => l.startsWith("Warn"))).toHaveLength(1)

        yield* Effect.promise(() => proxy.up())
        const later = { weightLimit: 1_000, now: Effect.sync(() => 40_000) }
        let shared = false
        for (let i = 0; i < 40 && !shared; i++) {
          yield* gate.acquire(request(later)).pipe(Effect.provide(capture))
          shared = (yield* reserved) !== "5"
          if (!shared) yield* Effect.sleep("100 millis")
        }
        expect(shared).toBe(true)
        expect(logs.some((l) => l.startsWith("Info") && l.includes("shared again"))).toBe(true)
      }),
    15_000
  )
})

/** Runs a trace through a store; returns every decision (admissions are settled later by the trace). */
const replay = (store: RateLimit.Store, key: string, steps: ReadonlyArray<Step>) =>
  Effect.gen(function*() {
    const open: Array<Gate.Admitted> = []
    const decisions: Array<Gate.Decision> = []
    for (const step of steps) {
      if (step._tag === "admit") {
        const decision = yield* store.admit(key, {
          weight: step.weight,
          ...traceAsk,
          now: step.at,
          local: step.at
        })
        decisions.push(decision)
        if (decision._tag === "Admit") open.push({ weight: step.weight, ...decision })
      } else if (open.length > 0) {
        const [permit] = open.splice(Math.floor(step.pick * open.length), 1)
        yield* store.settle(key, permit!, step.outcome, step.at, step.at)
      }
    }
    return { decisions, state: yield* store.get(key) }
  })

describe.skipIf(server === undefined)(redisTitle("one algorithm over two stores", server), () => {
  for (const seed of traceSeeds) {
    it.live(`seed ${seed}: memory and Redis make the same decisions and end in the same state`, () =>
      Effect.gen(function*() {
        const steps = trace(seed, 400)
        const memory = yield* replay(RateLimit.memoryStore(), "k", steps)
        const redis = yield* inspect(url)
        const keyPrefix = prefix()
        const store = RedisStore.redisStore({ redis, keyOf: (key) => keyPrefix + key, commandTimeoutMs: 2_000 })
        const shared = yield* replay(store, "k", steps)
        expect(shared.decisions).toEqual(memory.decisions)
        expect(shared.state).toEqual(memory.state)
        // the trace exercised every kind of decision
        const tags = new Set(memory.decisions.map((d) => d._tag))
        expect([...tags].sort()).toEqual(["Admit", "Refuse", "Wait"])
      }))
  }
})
