// One attempt through the gate (src/internal/attempt.ts): what counts as a success, which clock measures an HTTP-date
// Retry-After, and what each attempt records in BinanceMetrics.
import * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as TestClock from "effect/TestClock"
import { BinanceClock, BinanceConfig, BinanceMetrics, PortfolioMargin, RateLimit } from "../src/index.js"
import { EgressKey } from "../src/internal/core/egress.js"
import { hmacCredentials, testEnv } from "./utils/env.js"
import { binance, mockHttp, ok, script } from "./utils/mockHttp.js"

const PM = "GET /fapi/v1/pmAccountInfo"
const count = (outcome: string, endpoint = PM) =>
  Effect.map(
    Metric.value(BinanceMetrics.requests.pipe(Metric.tagged("endpoint", endpoint), Metric.tagged("outcome", outcome))),
    (state) => state.count
  )
const durations = (status: string) =>
  Effect.map(
    Metric.value(
      BinanceMetrics.requestDuration.pipe(Metric.tagged("endpoint", PM), Metric.tagged("status", status))
    ),
    (state) => state.count
  )
const retries = Effect.map(Metric.value(BinanceMetrics.retries), (state) => state.count)
const durationSum = (status: string) =>
  Effect.map(
    Metric.value(
      BinanceMetrics.requestDuration.pipe(Metric.tagged("endpoint", PM), Metric.tagged("status", status))
    ),
    (state) => state.sum
  )

describe("one attempt", () => {
  it.effect("only a 2xx is a success: a 300 is a Binance error, not a body to decode", () =>
    Effect.gen(function*() {
      const env = testEnv(script({ status: 300, body: "" }))
      const error = yield* Effect.flip(PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(env.layer)))
      expect(error).toMatchObject({ _tag: "BinanceApiError", status: 300 })
    }))

  it.effect("an HTTP-date Retry-After is measured on Binance's clock (the learned offset), not the host's", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_700_000_000_000)
      const env = testEnv(
        () => {
          // Binance is 10 minutes ahead; it asks for 30 s from its own now
          const date = new Date(1_700_000_000_000 + 600_000 + 30_000).toUTCString()
          return Effect.succeed(binance(429, -1003, "Too many requests.", { "retry-after": date }))
        },
        { maxRetries: 0, maxRetryAfterWait: 0 }
      )
      yield* env.clock.setOffset(600_000)
      const error = yield* Effect.flip(PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(env.layer)))
      expect(error).toMatchObject({ _tag: "RateLimited", retryAfterMs: 30_000 })
    }))

  it.effect("each attempt is counted by outcome, timed by status, and each retry counted", () =>
    Effect.gen(function*() {
      const before = [
        yield* count("ok"),
        yield* count("ServerError"),
        yield* retries,
        yield* durations("200"),
        yield* durations("502")
      ]
      const env = testEnv(script({ status: 502, body: "<html>bad gateway</html>" }, ok("BTC", "1", "2", 35)))
      yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(env.layer), Effect.fork)
      yield* TestClock.adjust("10 seconds")
      const after = [
        yield* count("ok"),
        yield* count("ServerError"),
        yield* retries,
        yield* durations("200"),
        yield* durations("502")
      ]
      expect(after.map((n, i) => n - before[i]!)).toEqual([1, 1, 1, 1, 1])
      const weight = yield* Metric.value(BinanceMetrics.usedWeight.pipe(Metric.tagged("host", "fapi.binance.com")))
      expect(weight.value).toBe(35)
      // The public histograms carry `unit: "ms"` and address the very series the attempts recorded.
      expect(after[3]! - before[3]!).toBe(1)
      const waits = yield* Metric.value(BinanceMetrics.gateWait)
      expect(waits.count).toBeGreaterThanOrEqual(2)
    }))

  it.effect("a request without an answer is counted with its error's tag and status none; durations are how long it took", () =>
    Effect.gen(function*() {
      const before = [yield* count("TransportError"), yield* durations("none"), yield* durationSum("200")]
      const env = testEnv((_, index) =>
        index === 0 ? Effect.succeed("reset" as const) : Effect.as(Effect.sleep("250 millis"), ok())
      )
      yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(env.layer), Effect.fork)
      yield* TestClock.adjust("10 seconds")
      expect(yield* count("TransportError")).toBe(before[0]! + 1)
      expect(yield* durations("none")).toBe(before[1]! + 1)
      expect((yield* durationSum("200")) - before[2]!).toBeCloseTo(250, 6)
    }))

  it.effect("the clock's own request is counted under its endpoint, and a bad answer to it says which", () =>
    Effect.gen(function*() {
      const time = (outcome: string) => count(outcome, "GET /fapi/v1/time")
      const before = yield* time("ok")
      const healed = testEnv((request, index) =>
        Effect.succeed(
          request.url.pathname === "/fapi/v1/time"
            ? { status: 200, body: JSON.stringify({ serverTime: 0 }) }
            : index === 0
            ? binance(400, -1021, "Timestamp for this request is outside of the recvWindow.")
            : ok()
        )
      )
      yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(healed.layer))
      expect(yield* time("ok")).toBe(before + 1)
      const broken = testEnv(() => Effect.succeed({ status: 200, body: "{\"serverTime\":\"soon\"}" }))
      const error = yield* Effect.flip(
        Effect.flatMap(broken.clock.sync, () => Effect.void).pipe(Effect.provide(broken.layer))
      )
      expect(error).toMatchObject({
        _tag: "ResponseDecodeError",
        reason: "expected {\"serverTime\": <ms>} from /fapi/v1/time"
      })
    }))

  it.effect("an attempt interrupted in flight is counted as Interrupted; one stopped at the gate was never sent, so is not", () =>
    Effect.gen(function*() {
      const before = [yield* count("Interrupted"), yield* durations("none")]
      const env = testEnv((_, index) =>
        index === 0
          ? Effect.succeed(binance(429, -1003, "Too many requests.", { "retry-after": "5" }))
          : Effect.as(Effect.sleep("1 minute"), ok()), { maxRetries: 0 })
      yield* Effect.flip(PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(env.layer)))
      // held at the gate by the pause, then interrupted: nothing was sent, nothing is counted
      const held = yield* Effect.fork(PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(env.layer)))
      yield* TestClock.adjust("1 second")
      yield* Fiber.interrupt(held)
      expect(env.requests).toHaveLength(1)
      expect(yield* count("Interrupted")).toBe(before[0]!)
      // sent, then interrupted while waiting for the answer: counted
      yield* TestClock.adjust("5 seconds")
      const inFlight = yield* Effect.fork(
        PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(env.layer))
      )
      yield* TestClock.adjust("1 second")
      expect(env.requests).toHaveLength(2)
      yield* Fiber.interrupt(inFlight)
      expect(yield* count("Interrupted")).toBe(before[0]! + 1)
      expect(yield* durations("none")).toBe(before[1]! + 1)
    }))

  it.effect("an attempt whose client dies is counted as a Defect, and the defect reaches the caller unchanged", () =>
    Effect.gen(function*() {
      const before = yield* count("Defect")
      const env = testEnv(() => Effect.die(new Error("the client broke")))
      const exit = yield* Effect.exit(PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(env.layer)))
      expect(Exit.isFailure(exit) && exit.cause._tag).toBe("Die")
      expect(yield* count("Defect")).toBe(before + 1)
    }))

  it.effect("a configured egress names the budget even when the client leaves through a proxy of its own", () =>
    Effect.gen(function*() {
      const http = mockHttp(script(binance(429, -1003, "Too many requests.", { "retry-after": "5" })))
      // What BinanceHttpClient.layer({ proxy }) marks its client with.
      const proxied = Layer.effect(
        HttpClient.HttpClient,
        Effect.map(
          HttpClient.HttpClient,
          (client) => Object.defineProperty(client, EgressKey, { value: "proxy.example:3128", enumerable: false })
        )
      ).pipe(Layer.provide(http.layer))
      const gate = RateLimit.makeUnsafe()
      const layer = Layer.mergeAll(
        proxied,
        hmacCredentials,
        Layer.effect(BinanceClock.BinanceClock, BinanceClock.make),
        Layer.succeed(RateLimit.RateLimit, gate),
        BinanceConfig.layer({ egress: "10.0.0.2", maxRetries: 0, maxRetryAfterWait: 0 })
      )
      yield* Effect.flip(PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(layer)))
      expect((yield* gate.snapshot("10.0.0.2 https://fapi.binance.com")).pausedUntil).toBe(5_000)
      expect((yield* gate.snapshot("proxy.example:3128 https://fapi.binance.com")).pausedUntil).toBe(0)
    }))

  it.effect("the answer is booked in the minute of Binance's clock, with the offset the request was stamped with", () =>
    Effect.gen(function*() {
      // Host at 0:50, Binance 30 s behind (0:20): the answer belongs to minute 0 of Binance's clock, not minute 1.
      yield* TestClock.setTime(50_000)
      const env = testEnv(script(ok("BTC", "1", "2", 1_000)))
      yield* env.clock.setOffset(-30_000)
      yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(env.layer))
      const budget = yield* env.gate.snapshot("https://fapi.binance.com")
      expect(budget).toMatchObject({ window: 0, usedWeight: 1_000, reservedWeight: 0 })
    }))

  it.effect("a gate whose permits carry no clocks: the request is stamped with BinanceClock's time after acquire", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_700_000_000_000)
      const env = testEnv(script(ok()))
      yield* env.clock.setOffset(5_000)
      // A gate of the user's own, written before permits were stamped: only `Gate.Admitted` and the key.
      const unstamped: RateLimit.Service = {
        ...env.gate,
        acquire: (request) =>
          Effect.map(env.gate.acquire(request), (permit) => ({
            key: permit.key,
            weight: permit.weight,
            window: permit.window,
            rateLimitEpoch: permit.rateLimitEpoch,
            wafEpoch: permit.wafEpoch
          }))
      }
      const layer = Layer.merge(env.layer, Layer.succeed(RateLimit.RateLimit, unstamped))
      yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(layer))
      expect(env.requests.map((r) => r.url.searchParams.get("timestamp"))).toEqual(["1700000005000"])
      // The permit still went back: nothing reserved.
      const budget = yield* env.gate.snapshot("https://fapi.binance.com")
      expect(budget).toMatchObject({ reservedWeight: 0 })
    }))
})

describe("the library's own gate and clock answer in the attempt's step (internal/direct)", () => {
  // The same calls through a gate and clock registered for the plain path, and through copies that are not (their
  // Effects only): every request, result and budget must come out the same.
  const walk = (direct: boolean) =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_700_000_000_000)
      const http = mockHttp(script(
        ok("BTC", undefined, undefined, 7),
        binance(429, -1003, "Too many requests.", { "retry-after": "5" }),
        ok("BTC", undefined, undefined, 9)
      ))
      const clock = yield* BinanceClock.make
      yield* clock.setOffset(1_234)
      const gate = RateLimit.makeUnsafe()
      const layer = Layer.mergeAll(
        http.layer,
        hmacCredentials,
        Layer.succeed(
          BinanceClock.BinanceClock,
          direct ? clock : { ...clock, currentTimeMillis: Effect.map(clock.currentTimeMillis, (now) => now) }
        ),
        Layer.succeed(RateLimit.RateLimit, direct ? gate : { ...gate }),
        BinanceConfig.layer({ maxRetries: 0, maxRetryAfterWait: 10_000 })
      )
      const call = Effect.exit(PortfolioMargin.pmAccountInfoResult({ asset: "BTC" }).pipe(Effect.provide(layer)))
      const first = yield* call
      yield* TestClock.adjust(100)
      const second = yield* call
      // Held by the 429's pause (5 s): the third call waits at the gate, then goes.
      const third = yield* Effect.fork(call)
      yield* TestClock.adjust(6_000)
      const thirdExit = yield* Fiber.join(third)
      const summary = (exit: Exit.Exit<PortfolioMargin.PmAccountInfoResult, unknown>) =>
        Exit.match(exit, {
          onFailure: (cause) => `failure ${String(cause)}`,
          onSuccess: (result) => `success ${result.usedWeight} ${result.attempts}`
        })
      return {
        results: [first, second, thirdExit].map(summary),
        requests: http.requests.map((request) => [request.time, request.url.searchParams.get("timestamp")]),
        budget: yield* gate.snapshot("https://fapi.binance.com")
      }
    })

  it.effect("they admit, stamp, pause and release as through their Effects", () =>
    Effect.gen(function*() {
      const plain = yield* walk(true)
      const effects = yield* walk(false)
      expect(plain).toEqual(effects)
      expect(plain.results[0]).toBe("success 7 1")
      expect(plain.results[1]).toMatch(/RateLimited/)
      expect(plain.results[2]).toBe("success 9 1")
      expect(plain.requests).toHaveLength(3)
      expect(plain.requests[2]![0]).toBeGreaterThanOrEqual(1_700_000_000_100 + 5_000)
    }))
})
