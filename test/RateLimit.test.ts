import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import { BinanceClock, BinanceConfig, PortfolioMargin, RateLimit } from "../src/index.js"
import { hmacCredentials, testEnv } from "./utils/env.js"
import { binance, mockHttp, ok } from "./utils/mockHttp.js"

const call = PortfolioMargin.pmAccountInfo({ asset: "BTC" })

describe("RateLimit gate", () => {
  it.effect("after a 429 with Retry-After 3, no request leaves for 3 s; concurrent callers wait, then all succeed", () =>
    Effect.gen(function*() {
      const env = testEnv((_, index) =>
        Effect.as(
          Effect.sleep("10 millis"),
          index === 0 ? binance(429, -1003, "Too many requests.", { "retry-after": "3" }) : ok()
        )
      )
      const fibers = yield* Effect.forEach(
        Array.from({ length: 10 }, (_, i) => i),
        (i) => Effect.fork(Effect.delay(call.pipe(Effect.provide(env.layer)), `${i * 50} millis`))
      )
      for (let i = 0; i < 50; i++) yield* TestClock.adjust("100 millis")
      const results = yield* Effect.forEach(fibers, Fiber.join)
      expect(results).toHaveLength(10)
      const times = env.requests.map((r) => r.time)
      expect(times[0]).toBe(0)
      // the 429 arrived at t=10 ms: nothing else may leave before t = 10 + 3000
      expect(times.slice(1).every((t) => t >= 3010)).toBe(true)
      expect(env.requests).toHaveLength(11)
    }))

  it.effect("after a 418 every call fails with IpBanned at once, without network, until the ban ends", () =>
    Effect.gen(function*() {
      const env = testEnv((_, index) =>
        Effect.succeed(
          index === 0
            ? binance(418, -1003, "Way too many requests; IP banned until 9999999999999.", { "retry-after": "120" })
            : ok()
        )
      )
      const first = yield* Effect.flip(call.pipe(Effect.provide(env.layer)))
      expect(first).toMatchObject({ _tag: "IpBanned", status: 418, retryAfterMs: 120_000 })
      yield* TestClock.adjust("60 seconds")
      const during = yield* Effect.flip(call.pipe(Effect.provide(env.layer)))
      expect(during._tag).toBe("IpBanned")
      expect(env.requests).toHaveLength(1)
      yield* TestClock.adjust("61 seconds")
      yield* call.pipe(Effect.provide(env.layer))
      expect(env.requests).toHaveLength(2)
    }))

  it.effect("a 418 without Retry-After uses the 'banned until' time from its message", () =>
    Effect.gen(function*() {
      const env = testEnv((_, index) =>
        Effect.succeed(index === 0 ? binance(418, -1003, "Way too many requests; IP banned until 300000.") : ok())
      )
      yield* Effect.flip(call.pipe(Effect.provide(env.layer)))
      yield* TestClock.adjust("299 seconds")
      const during = yield* Effect.flip(call.pipe(Effect.provide(env.layer)))
      expect(during).toMatchObject({ _tag: "IpBanned", retryAfterMs: 1000 })
      yield* TestClock.adjust("1 second")
      yield* call.pipe(Effect.provide(env.layer))
      expect(env.requests).toHaveLength(2)
    }))

  it.effect("when the used weight + 5 would pass the limit, the call waits for the next minute window", () =>
    Effect.gen(function*() {
      const env = testEnv(() => Effect.succeed(ok("BTC", "1", "1", 2396)))
      yield* TestClock.setTime(30_000)
      yield* call.pipe(Effect.provide(env.layer))
      const fiber = yield* Effect.fork(call.pipe(Effect.provide(env.layer)))
      yield* TestClock.adjust("30 seconds")
      expect(env.requests).toHaveLength(1)
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      expect(env.requests).toHaveLength(2)
      // the next minute, once Binance's minute has surely begun too (a fast host clock goes unnoticed up to 1 s)
      expect(env.requests[1]!.time).toBe(61_000)
    }))

  it.effect("a configured lower weight limit is obeyed, counting weight in flight", () =>
    Effect.gen(function*() {
      // no header: the gate counts 5 per call itself
      const env = testEnv(() => Effect.as(Effect.sleep("1 second"), ok()), { weightLimit: 20 })
      const fibers = yield* Effect.forEach(
        Array.from({ length: 6 }),
        () => Effect.fork(call.pipe(Effect.provide(env.layer)))
      )
      yield* TestClock.adjust("10 seconds")
      expect(env.requests).toHaveLength(4)
      yield* TestClock.adjust("60 seconds")
      yield* Effect.forEach(fibers, Fiber.join)
      expect(env.requests.map((r) => r.time)).toEqual([0, 0, 0, 0, 61_000, 61_000])
    }))

  it.effect("interrupting a call aborts the request in flight and returns its weight to the gate", () =>
    Effect.gen(function*() {
      const env = testEnv(() => Effect.as(Effect.never, ok()))
      const gate = env.gate
      const fiber = yield* Effect.fork(call.pipe(Effect.provide(env.layer)))
      yield* TestClock.adjust("1 second")
      expect(env.requests).toHaveLength(1)
      expect((yield* gate.snapshot("https://fapi.binance.com")).reservedWeight).toBe(5)
      yield* Fiber.interrupt(fiber)
      expect(env.requests[0]!.signal.aborted).toBe(true)
      expect((yield* gate.snapshot("https://fapi.binance.com")).reservedWeight).toBe(0)
    }))

  it.effect("interrupting a call that waits at the gate sends nothing", () =>
    Effect.gen(function*() {
      const env = testEnv((_, index) =>
        Effect.succeed(index === 0 ? binance(429, -1003, "Too many requests.", { "retry-after": "5" }) : ok())
      )
      const first = yield* Effect.fork(call.pipe(Effect.provide(env.layer)))
      const second = yield* Effect.fork(call.pipe(Effect.provide(env.layer)))
      yield* TestClock.adjust("1 second")
      yield* Fiber.interrupt(first)
      yield* Fiber.interrupt(second)
      yield* TestClock.adjust("10 seconds")
      expect(env.requests.length).toBeLessThanOrEqual(2)
      expect(env.requests.slice(1).every((r) => r.time === 0)).toBe(true)
    }))

  it.effect("without a RateLimit layer, calls share the process-wide gate, one budget per base URL", () =>
    Effect.gen(function*() {
      const http = mockHttp((_, index) =>
        Effect.succeed(index === 0 ? binance(418, -1003, "banned", { "retry-after": "120" }) : ok())
      )
      // Separately built layers (as two services in one process would have); no RateLimit provided.
      const services = (baseUrl: string) =>
        Layer.mergeAll(http.layer, hmacCredentials, BinanceClock.layer, BinanceConfig.layer({ baseUrl }))
      const bannedHost = "http://127.0.0.1:41801"
      const first = yield* Effect.flip(call.pipe(Effect.provide(services(bannedHost))))
      expect(first._tag).toBe("IpBanned")
      const second = yield* Effect.flip(call.pipe(Effect.provide(services(bannedHost))))
      expect(second._tag).toBe("IpBanned")
      expect(http.requests).toHaveLength(1)
      expect((yield* (yield* RateLimit.RateLimit).snapshot(bannedHost)).bannedUntil).toBe(120_000)
      // another base URL is another egress budget
      yield* call.pipe(Effect.provide(services("http://127.0.0.1:41802")))
      expect(http.requests).toHaveLength(2)
    }))

  it.effect("a learned clock offset neither shortens nor stretches a Retry-After pause or a ban", () =>
    Effect.gen(function*() {
      const gate = RateLimit.makeUnsafe()
      const key = "https://fapi.binance.com"
      let offset = 0
      const request = {
        key,
        weight: 5,
        weightLimit: 2400,
        maxWaitMs: 10_000,
        now: Effect.map(TestClock.currentTimeMillis, (t) => t + offset)
      }
      const permit = yield* gate.acquire(request)
      yield* gate.release(permit, { status: 429, retryAfterMs: 3000 }, 0)
      offset = 7000 // the server clock turns out to be 7 s ahead
      const fiber = yield* Effect.fork(gate.acquire(request))
      yield* TestClock.adjust("2999 millis")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(fiber)
      // a ban announced in server time ("banned until") ends at the same instant on the local clock
      const next = yield* gate.acquire(request)
      yield* gate.release(next, { status: 418, bannedUntil: 3000 + 7000 + 60_000 }, 3000 + 7000)
      const banned = yield* gate.snapshot(key)
      expect(banned.bannedUntil).toBe(63_000)
    }))

  it.effect("in the first second of a minute a request must fit the previous minute's budget too", () =>
    Effect.gen(function*() {
      // a steady 2000 weight in one minute, then a burst just after our clock's boundary: a host clock up to
      // 1 s fast would put that burst in Binance's previous minute, so only 400 more may go before t + 1 s
      const env = testEnv(() => Effect.succeed(ok()))
      yield* TestClock.setTime(59_000)
      yield* Effect.forEach(Array.from({ length: 400 }), () => call.pipe(Effect.provide(env.layer)), {
        concurrency: 50,
        discard: true
      })
      yield* TestClock.setTime(60_000)
      const burst = yield* Effect.fork(
        Effect.forEach(Array.from({ length: 100 }), () => call.pipe(Effect.provide(env.layer)), {
          concurrency: "unbounded",
          discard: true
        })
      )
      yield* TestClock.adjust("999 millis")
      expect(env.requests.filter((r) => r.time >= 60_000 && r.time < 61_000)).toHaveLength(80)
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(burst)
      expect(env.requests.filter((r) => r.time >= 61_000)).toHaveLength(20)
    }))
})
