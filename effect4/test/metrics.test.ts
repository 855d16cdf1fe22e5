// What each request records in BinanceMetrics (ported from the root's test/attempt.rules.test.ts and its gate
// specs), against the in-memory FakeBinance on the TestClock. Each spec records into a registry of its own
// (`Metric.MetricRegistry` is a reference in Effect 4), so counts are exact.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Metric from "effect/Metric"
import { TestClock } from "effect/testing"
import * as BinanceMetrics from "../src/BinanceMetrics.js"
import * as FakeBinance from "../src/FakeBinance.js"
import * as PortfolioMargin from "../src/PortfolioMargin.js"
import { env, hmacAccount, KEY, PM, runWithTime, SECRET } from "./helpers.js"

const ENDPOINT = `GET ${PM}`
const call = PortfolioMargin.pmAccountInfo({ asset: "BTC" })

const count = (outcome: string, endpoint = ENDPOINT) =>
  Effect.map(
    Metric.value(Metric.withAttributes(BinanceMetrics.requests, { endpoint, outcome })),
    (state) => state.count
  )
const duration = (status: string, endpoint = ENDPOINT) =>
  Metric.value(Metric.withAttributes(BinanceMetrics.requestDuration, { endpoint, status }))
const retries = Effect.map(Metric.value(BinanceMetrics.retries), (state) => state.count)

const enqueue = (...faults: ReadonlyArray<FakeBinance.Fault>) =>
  Effect.flatMap(
    Effect.service(FakeBinance.FakeBinance),
    (fake) => Effect.forEach(faults, (fault) => fake.enqueueFault(fault, { path: PM, count: 1 }), { discard: true })
  )

// A registry of the spec's own.
const isolated = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.provideService(effect, Metric.MetricRegistry, new Map())

describe("BinanceMetrics", () => {
  it.effect("each request is counted by outcome and timed by status, each retry counted, the used weight kept", () =>
    isolated(Effect.gen(function*() {
      yield* enqueue(FakeBinance.Fault.html502)
      yield* runWithTime(call)
      expect([yield* count("ok"), yield* count("ServerError"), yield* retries]).toEqual([1, 1, 1])
      expect([(yield* duration("200")).count, (yield* duration("502")).count]).toEqual([1, 1])
      const weight = yield* Metric.value(Metric.withAttributes(BinanceMetrics.usedWeight, { host: "fapi.test" }))
      // The last X-MBX-USED-WEIGHT-1M: weight 5 (the 502 came from the edge, which charges nothing).
      expect(weight.value).toBe(5)
    })).pipe(Effect.provide(env())))

  it.effect("a request without an answer counts with its error's tag and status none; durations are its time", () =>
    isolated(Effect.gen(function*() {
      yield* enqueue(FakeBinance.Fault.reset, FakeBinance.Fault.delay("250 millis"))
      yield* runWithTime(call)
      expect(yield* count("TransportError")).toBe(1)
      expect((yield* duration("none")).count).toBe(1)
      const ok = yield* duration("200")
      expect(ok.count).toBe(1)
      expect(ok.sum).toBeCloseTo(250, 6)
    })).pipe(Effect.provide(env())))

  it.effect("the clock's own request counts under its endpoint", () =>
    isolated(Effect.gen(function*() {
      yield* runWithTime(call)
      expect(yield* count("InvalidTimestamp")).toBe(1)
      expect(yield* count("ok", "GET /fapi/v1/time")).toBe(1)
      expect(yield* count("ok")).toBe(1)
    })).pipe(Effect.provide(env({}, { accounts: [hmacAccount], serverSkewMillis: 10_000 }))))

  it.effect("a 429 pauses the budget (reason 429), and the retry's wait at the gate is measured", () =>
    isolated(Effect.gen(function*() {
      yield* enqueue(FakeBinance.Fault.rateLimited(2))
      yield* runWithTime(call)
      const pauses = yield* Metric.value(Metric.withAttributes(BinanceMetrics.gatePauses, { reason: "429" }))
      expect(pauses.count).toBe(1)
      const wait = yield* Metric.value(BinanceMetrics.gateWait)
      expect(wait.count).toBe(2)
      // The retry was held until the pause ended: about 2 s, whatever the retry schedule's own delay.
      expect(wait.sum).toBeGreaterThanOrEqual(1_000)
      expect(wait.sum).toBeLessThanOrEqual(2_000)
    })).pipe(Effect.provide(env())))

  it.effect("an attempt interrupted in flight is counted as Interrupted, with status none", () =>
    isolated(Effect.gen(function*() {
      yield* enqueue(FakeBinance.Fault.delay("1 minute"))
      const fiber = yield* Effect.forkChild(call)
      yield* TestClock.adjust("1 second")
      yield* Fiber.interrupt(fiber)
      expect(yield* count("Interrupted")).toBe(1)
      expect((yield* duration("none")).count).toBe(1)
    })).pipe(Effect.provide(env())))

  it.effect("COIN-M requests count under their own endpoint", () =>
    isolated(Effect.gen(function*() {
      yield* runWithTime(call)
      expect(yield* count("ok", "GET /dapi/v1/pmAccountInfo")).toBe(1)
      expect(yield* count("ok")).toBe(0)
    })).pipe(Effect.provide(env({ market: "coin-m" }))))

  it.effect("the histograms carry unit ms; no attribute holds a key, a signature or a query", () =>
    isolated(Effect.gen(function*() {
      yield* enqueue(FakeBinance.Fault.html502, FakeBinance.Fault.rateLimited(1))
      yield* runWithTime(call)
      const snapshot = yield* Metric.snapshot
      const units = new Map(snapshot.map((s) => [s.id, s.attributes?.unit]))
      expect(units.get("binance.request.duration")).toBe("ms")
      expect(units.get("binance.gate.wait")).toBe("ms")
      expect(units.get("binance.requests")).toBeUndefined()
      const names = new Set(snapshot.flatMap((s) => Object.keys(s.attributes ?? {})))
      expect([...names].sort()).toEqual(["endpoint", "host", "outcome", "reason", "status", "unit"])
      const text = JSON.stringify(snapshot.map((s) => [s.id, s.attributes]))
      expect(text).not.toContain(KEY)
      expect(text).not.toContain(SECRET)
      expect(text).not.toMatch(/signature|timestamp=|\?/)
    })).pipe(Effect.provide(env())))
})
