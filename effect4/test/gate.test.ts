// The rate-limit gate through the Effect 4 API (PortfolioMargin.pmAccountInfo on the in-memory FakeBinance,
// TestClock). Ported from the root's test/RateLimit.test.ts and test/oneIp.test.ts; the rules themselves are the
// core's (src/internal/core/gate.ts), specified by the root's test/gate.test.ts.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { TestClock } from "effect/testing"
import * as BinanceConfig from "../src/BinanceConfig.js"
import * as FakeBinance from "../src/FakeBinance.js"
import * as PortfolioMargin from "../src/PortfolioMargin.js"
import * as RateLimit from "../src/RateLimit.js"
import { env, PM, requests, runWithTime } from "./helpers.js"

const call = PortfolioMargin.pmAccountInfo({ asset: "BTC" })
const fake = Effect.service(FakeBinance.FakeBinance)
const enqueue = (fault: FakeBinance.Fault, count = 1) =>
  Effect.flatMap(fake, (f) => f.enqueueFault(fault, { path: PM, count }))
const times = Effect.map(requests(PM), (log) => log.map((entry) => entry.time))

describe("the gate through pmAccountInfo", () => {
  it.effect("a 429 Retry-After pause is shared by concurrent callers: nothing is sent inside it", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_000)
      yield* enqueue(FakeBinance.Fault.rateLimited(2))
      const first = yield* Effect.forkChild(call)
      // let the first request be answered with the 429 before the others start
      yield* TestClock.adjust("1 millis")
      const others = yield* Effect.forkChild(Effect.all(Array.from({ length: 8 }, () => call), { concurrency: 8 }))
      yield* TestClock.adjust("1998 millis")
      expect(yield* times).toHaveLength(1)
      yield* runWithTime(Effect.all([Fiber.join(first), Fiber.join(others)]), 1)
      const sent = yield* times
      expect(sent).toHaveLength(10)
      for (const t of sent.slice(1)) expect(t).toBeGreaterThanOrEqual(3_000)
    }).pipe(Effect.provide(env())))

  for (const body of ["json", "empty", "html"] as const) {
    it.effect(`a bare 429 (${body} body) pauses 1 s, and the call's own retry waits on it`, () =>
      Effect.gen(function*() {
        yield* enqueue(FakeBinance.Fault.rateLimitedBare(body))
        const info = yield* runWithTime(call, 1)
        expect(info.asset).toBe("BTC")
        const [a, b] = yield* times
        expect(b! - a!).toBeGreaterThanOrEqual(1_000)
      }).pipe(Effect.provide(env())))
  }

  it.effect("a CloudFront 403 is WafBlocked, never retried; a caller that will not wait 1 s fails fast, unsent", () =>
    Effect.gen(function*() {
      yield* enqueue(FakeBinance.Fault.wafBlocked)
      const error = yield* Effect.flip(call)
      expect(error).toMatchObject({ _tag: "WafBlocked", status: 403 })
      expect(error.message).toContain("firewall")
      expect(yield* times).toHaveLength(1)
      const impatient = yield* Effect.flip(
        call.pipe(
          Effect.provide(BinanceConfig.layer({ baseUrl: "https://fapi.test", maxRetryAfterWait: "500 millis" }))
        )
      )
      expect(impatient).toMatchObject({ _tag: "WafBlocked", retryAfterMs: 1_000 })
      expect(yield* times).toHaveLength(1)
    }).pipe(Effect.provide(env({ maxRetries: 3 }))))

  it.effect("a 418 fails fast: the ban holds every later call without touching the network", () =>
    Effect.gen(function*() {
      yield* enqueue(FakeBinance.Fault.banned(120))
      expect(yield* Effect.flip(call)).toMatchObject({ _tag: "IpBanned" })
      expect(yield* Effect.flip(call)).toMatchObject({ _tag: "IpBanned" })
      expect(yield* times).toHaveLength(1)
      yield* TestClock.adjust("121 seconds")
      expect((yield* call).asset).toBe("BTC")
    }).pipe(Effect.provide(env())))

  it.effect("weight window: calls past weightLimit wait for the next minute (and its first second)", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(10_000)
      // pmAccountInfo weighs 5: four fit in 20, the fifth waits.
      const all = yield* Effect.forkChild(Effect.all(Array.from({ length: 5 }, () => call), { concurrency: 5 }))
      yield* TestClock.adjust("40 seconds")
      expect(yield* times).toHaveLength(4)
      yield* runWithTime(Fiber.join(all), 1)
      const sent = yield* times
      expect(sent).toHaveLength(5)
      // 60 s is the next minute; its first second must fit the previous minute's budget too
      expect(sent[4]).toBeGreaterThanOrEqual(61_000)
    }).pipe(Effect.provide(env({ weightLimit: 20 }))))

  it.effect("a weight above the limit fails typed instead of waiting forever", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        RateLimit.makeUnsafe().acquire({
          key: "k",
          weight: 30,
          weightLimit: 20,
          maxWaitMs: 1_000,
          now: Effect.succeed(0)
        })
      )
      expect(error._tag).toBe("InvalidConfiguration")
    }))
})
