// One attempt through the gate (src/internal/attempt.ts): what counts as a success, which clock measures an HTTP-date
// Retry-After, and what each attempt records in BinanceMetrics.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as TestClock from "effect/TestClock"
import { BinanceMetrics, PortfolioMargin } from "../src/index.js"
import { testEnv } from "./utils/env.js"
import { binance, ok, script } from "./utils/mockHttp.js"

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
    }))
})
