import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as TestClock from "effect/TestClock"
import { PortfolioMargin, RateLimit } from "../src/index.js"
import { testEnv } from "./utils/env.js"
import { binance, ok, type Reply, script } from "./utils/mockHttp.js"

const call = PortfolioMargin.pmAccountInfo({ asset: "BTC" })

/** Runs `effect` in a fork and moves virtual time on until it ends. */
const runWithTime = <A, E>(effect: Effect.Effect<A, E>, minutes = 5) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(effect)
    for (let i = 0; i < minutes * 6; i++) yield* TestClock.adjust("10 seconds")
    return yield* Fiber.join(fiber)
  })

const html502: Reply = {
  status: 502,
  body: "<html><head><title>502 Bad Gateway</title></head><body>cloudfront</body></html>"
}

describe("retries", () => {
  const retried: ReadonlyArray<[string, Reply | "reset"]> = [
    ["500", { status: 500, body: "" }],
    ["502 HTML from the CDN", html502],
    ["503 Unknown error", binance(503, -1000, "Unknown error, please check your request or try again later.")],
    ["503 Service Unavailable", { status: 503, body: "Service Unavailable." }],
    ["503 Internal error", binance(503, -1001, "Internal error; unable to process your request. Please try again.")],
    ["504", { status: 504, body: "" }],
    ["408", { status: 408, body: "" }],
    ["-1001 with a 400", binance(400, -1001, "Internal error; unable to process your request. Please try again.")],
    ["-1006", binance(400, -1006, "An unexpected response was received from the message bus.")],
    ["-1007", binance(400, -1007, "Timeout waiting for response from backend server.")],
    ["connection reset", "reset"]
  ]
  for (const [name, failure] of retried) {
    it.effect(`${name}: retried with a fresh timestamp and signature, then succeeds`, () =>
      Effect.gen(function*() {
        const env = testEnv(script(failure, failure, ok()))
        const info = yield* runWithTime(call.pipe(Effect.provide(env.layer)))
        expect(info.asset).toBe("BTC")
        expect(env.requests).toHaveLength(3)
        const stamps = env.requests.map((r) => r.url.searchParams.get("timestamp"))
        const signatures = env.requests.map((r) => r.url.searchParams.get("signature"))
        expect(new Set(stamps).size).toBe(3)
        expect(new Set(signatures).size).toBe(3)
        // exponential backoff from 200 ms, factor 2, jittered (0.8x..1.2x)
        const gaps = env.requests.slice(1).map((r, i) => r.time - env.requests[i]!.time)
        expect(gaps[0]).toBeGreaterThanOrEqual(160)
        expect(gaps[0]).toBeLessThanOrEqual(240)
        expect(gaps[1]).toBeGreaterThanOrEqual(320)
        expect(gaps[1]).toBeLessThanOrEqual(480)
      }))
  }

  it.effect("gives up after maxRetries retries with the last error", () =>
    Effect.gen(function*() {
      const env = testEnv(script(binance(503, -1001, "Internal error")), { maxRetries: 2 })
      const error = yield* runWithTime(Effect.flip(call.pipe(Effect.provide(env.layer))))
      expect(error).toMatchObject({ _tag: "ServerError", status: 503, code: -1001 })
      expect(env.requests).toHaveLength(3)
    }))

  it.effect("maxRetries 0 sends once", () =>
    Effect.gen(function*() {
      const env = testEnv(script(html502), { maxRetries: 0 })
      const error = yield* runWithTime(Effect.flip(call.pipe(Effect.provide(env.layer))))
      expect(error._tag).toBe("ServerError")
      expect(env.requests).toHaveLength(1)
    }))

  it.effect("an attempt that exceeds the timeout is abandoned (its request aborted) and retried", () =>
    Effect.gen(function*() {
      const env = testEnv(
        (_, index) => index === 0 ? Effect.as(Effect.sleep("1 minute"), ok()) : Effect.succeed(ok()),
        { timeout: "2 seconds" }
      )
      const info = yield* runWithTime(call.pipe(Effect.provide(env.layer)))
      expect(info.asset).toBe("BTC")
      expect(env.requests).toHaveLength(2)
      expect(env.requests[0]!.signal.aborted).toBe(true)
      expect(env.requests[1]!.time - env.requests[0]!.time).toBeGreaterThanOrEqual(2000)
      expect(env.requests[1]!.time - env.requests[0]!.time).toBeLessThan(2500)
    }))

  it.effect("timeouts on every attempt end in Timeout", () =>
    Effect.gen(function*() {
      const env = testEnv(() => Effect.as(Effect.never, ok()), { timeout: "1 second", maxRetries: 1 })
      const error = yield* runWithTime(Effect.flip(call.pipe(Effect.provide(env.layer))))
      expect(error).toMatchObject({ _tag: "Timeout", timeoutMs: 1000 })
      expect(env.requests).toHaveLength(2)
    }))

  const neverRetried: ReadonlyArray<[string, Reply, string]> = [
    [
      "418",
      binance(418, -1003, "Way too many requests; IP banned until 1700000000000.", { "retry-after": "120" }),
      "IpBanned"
    ],
    ["-1022", binance(400, -1022, "Signature for this request is not valid."), "InvalidSignature"],
    ["401 -2015", binance(401, -2015, "Invalid API-key, IP, or permissions for action."), "Unauthorized"],
    ["403", { status: 403, body: "Forbidden" }, "WafBlocked"],
    ["400 -1102", binance(400, -1102, "Mandatory parameter 'asset' was not sent."), "BinanceApiError"],
    ["404", { status: 404, body: "" }, "BinanceApiError"]
  ]
  for (const [name, reply, tag] of neverRetried) {
    it.effect(`${name} is never retried (${tag}): one request, and the gate is asked once`, () =>
      Effect.gen(function*() {
        const env = testEnv(script(reply, ok()))
        // A retry after a 418 would not reach the network (the gate refuses it at once, with IpBanned too):
        // only the gate sees it, so count what the gate is asked.
        let acquired = 0
        const counting: RateLimit.Service = {
          ...env.gate,
          acquire: (request) => Effect.suspend(() => (acquired++, env.gate.acquire(request)))
        }
        const layer = Layer.merge(env.layer, Layer.succeed(RateLimit.RateLimit, counting))
        const exit = yield* runWithTime(Effect.exit(call.pipe(Effect.provide(layer))))
        expect(Exit.isFailure(exit)).toBe(true)
        const error = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()
        expect(Option.map(error, (e) => e._tag)).toEqual(Option.some(tag))
        // the error of the one attempt (its status), not one made up by the gate for a retry
        expect(Option.map(error, (e) => "status" in e ? e.status : undefined)).toEqual(Option.some(reply.status))
        expect(env.requests).toHaveLength(1)
        expect(acquired).toBe(1)
      }))
  }

  it.effect("the retry policy is a Schedule users replace through BinanceConfig", () =>
    Effect.gen(function*() {
      const env = testEnv(script({ status: 500 }, { status: 500 }, ok()), {
        retrySchedule: Schedule.spaced("7 seconds")
      })
      yield* runWithTime(call.pipe(Effect.provide(env.layer)))
      expect(env.requests.map((r) => r.time)).toEqual([0, 7000, 14000])
    }))
})

describe("429 and Retry-After", () => {
  it.effect("waits exactly Retry-After, then retries and succeeds", () =>
    Effect.gen(function*() {
      const env = testEnv(script(binance(429, -1003, "Too many requests.", { "retry-after": "3" }), ok()))
      const info = yield* runWithTime(call.pipe(Effect.provide(env.layer)))
      expect(info.asset).toBe("BTC")
      expect(env.requests[0]!.time).toBe(0)
      // after the jittered backoff (≈200 ms) the gate holds the retry until t = 3 s
      expect(env.requests[1]!.time).toBeGreaterThanOrEqual(3000)
      expect(env.requests[1]!.time).toBeLessThan(3001)
    }))

  it.effect("a Retry-After longer than maxRetryAfterWait fails at once with RateLimited and retryAfterMs", () =>
    Effect.gen(function*() {
      const env = testEnv(script(binance(429, -1003, "Too many requests.", { "retry-after": "30" }), ok()))
      const error = yield* Effect.flip(call.pipe(Effect.provide(env.layer)))
      expect(error).toMatchObject({ _tag: "RateLimited", status: 429, code: -1003, retryAfterMs: 30000 })
      expect(env.requests).toHaveLength(1)
      // the next call does not touch the network while the pause runs
      yield* TestClock.adjust("15 seconds")
      const again = yield* Effect.flip(call.pipe(Effect.provide(env.layer)))
      expect(again).toMatchObject({ _tag: "RateLimited", retryAfterMs: 15000 })
      expect(env.requests).toHaveLength(1)
      // once the rest of the pause is acceptable, callers wait for it instead
      yield* TestClock.adjust("10 seconds")
      yield* runWithTime(call.pipe(Effect.provide(env.layer)), 1)
      expect(env.requests.map((r) => r.time)).toEqual([0, 30000])
    }))

  it.effect("a 429 without Retry-After pauses the gate 1 s, and the call's own retry waits on that pause", () =>
    Effect.gen(function*() {
      const env = testEnv(script(binance(429, -1003, "Too many requests."), ok()))
      yield* runWithTime(call.pipe(Effect.provide(env.layer)))
      expect(env.requests).toHaveLength(2)
      // the schedule alone would have sent it at ~200 ms
      expect(env.requests[1]!.time).toBe(1000)
    }))
})
