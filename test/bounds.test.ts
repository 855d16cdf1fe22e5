// How much one call may send, and the clock re-sync shared by concurrent calls (TestClock, in-memory HTTP).
import { describe, expect, it } from "@effect/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import * as TestContext from "effect/TestContext"
import * as fc from "fast-check"
import { Amount, BinanceClock, BinanceConfig, PortfolioMargin, RateLimit } from "../src/index.js"
import { hmacCredentials, testEnv } from "./utils/env.js"
import { binance, type Handler, mockHttp, ok, type Reply } from "./utils/mockHttp.js"

const PM = "/fapi/v1/pmAccountInfo"
const TIME = "/fapi/v1/time"
const rejected = binance(400, -1021, "Timestamp for this request is outside of the recvWindow.")
const unavailable = binance(503, -1001, "Service Unavailable.")
const serverTime = (request: { readonly time: number }, skew: number): Reply => ({
  status: 200,
  body: JSON.stringify({ serverTime: request.time + skew })
})

const count = (requests: ReadonlyArray<{ readonly url: URL }>, path: string) =>
  requests.filter((r) => r.url.pathname === path).length

/** Runs an effect to its end, moving the TestClock on while it waits. */
const settle = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(effect)
    for (let i = 0; i < 400; i++) {
      const done = yield* Fiber.poll(fiber)
      if (Option.isSome(done)) break
      yield* TestClock.adjust("250 millis")
    }
    return yield* Fiber.await(fiber)
  })

describe("requests per call", () => {
  it.effect("-1021 and 503 alternating, maxRetries 2: one heal, one /fapi/v1/time, then the next -1021 ends the call", () =>
    Effect.gen(function*() {
      const env = testEnv((request) =>
        Effect.succeed(
          request.url.pathname === TIME
            ? serverTime(request, 0)
            : count(env.requests, PM) % 2 === 1
            ? rejected
            : unavailable
        ), { maxRetries: 2 })
      const exit = yield* settle(PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(env.layer)))
      expect(exit).toMatchObject({ _tag: "Failure" })
      expect(Exit.isFailure(exit) && Option.getOrThrow(Exit.causeOption(exit))).toBeTruthy()
      expect(count(env.requests, PM)).toBe(3)
      expect(count(env.requests, TIME)).toBe(1)
    }))

  it.effect("the bound holds for any sequence of answers: maxRetries + 1 attempts + 1 re-send, and one /time", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 4 }),
          fc.array(fc.constantFrom("ok", "-1021", "503", "500", "429", "reset"), { minLength: 1, maxLength: 12 }),
          async (maxRetries, answers) => {
            const env = testEnv((request) => {
              if (request.url.pathname === TIME) return Effect.succeed(serverTime(request, 0))
              const answer = answers[Math.min(count(env.requests, PM) - 1, answers.length - 1)]!
              return Effect.succeed(
                answer === "ok"
                  ? ok()
                  : answer === "-1021"
                  ? rejected
                  : answer === "503"
                  ? unavailable
                  : answer === "500"
                  ? { status: 500, body: "" }
                  : answer === "429"
                  ? binance(429, -1003, "Too many requests.")
                  : "reset"
              )
            }, { maxRetries })
            await Effect.runPromise(
              settle(PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(env.layer))).pipe(
                Effect.provide(TestContext.TestContext)
              )
            )
            expect(count(env.requests, PM)).toBeLessThanOrEqual(maxRetries + 2)
            expect(count(env.requests, PM)).toBeGreaterThanOrEqual(1)
            expect(count(env.requests, TIME)).toBeLessThanOrEqual(1)
          }
        ),
        { numRuns: 60, seed: 20261129 }
      )
    ))
})

describe("shared re-sync", () => {
  const skewed = (skew: number): Handler => (request) => {
    if (request.url.pathname === TIME) return Effect.as(Effect.sleep("50 millis"), serverTime(request, skew))
    const timestamp = Number(request.url.searchParams.get("timestamp"))
    const now = request.time + skew
    return Effect.as(Effect.sleep("20 millis"), timestamp < now + 1000 && now - timestamp <= 5000 ? ok() : rejected)
  }

  it.effect("16 concurrent calls against a server 10 s ahead send one /fapi/v1/time between them", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_700_000_000_000)
      const env = testEnv(skewed(10_000))
      const calls = Effect.all(
        Array.from(
          { length: 16 },
          (_, i) =>
            Effect.delay(PortfolioMargin.pmAccountInfo({ asset: "BTC" }), `${i * 10} millis`).pipe(
              Effect.provide(env.layer)
            )
        ),
        { concurrency: "unbounded" }
      )
      const exit = yield* settle(calls)
      expect(Exit.isSuccess(exit)).toBe(true)
      expect(count(env.requests, TIME)).toBe(1)
      // each call re-sent at most once (calls that left after the sync were stamped right the first time)
      const refused = env.requests.filter((r) => r.url.pathname === PM).length - 16
      expect(refused).toBeGreaterThan(0)
      expect(refused).toBeLessThanOrEqual(16)
      expect(yield* env.clock.offset).toBe(10_000 - 25)
    }))

  it.effect("the learned offset is measured on the host clock: an offset set meanwhile does not skew it", () =>
    Effect.gen(function*() {
      const env = testEnv((request) =>
        Effect.as(Effect.sleep("400 millis"), {
          status: 200,
          body: JSON.stringify({ serverTime: request.time + 5000 })
        })
      )
      const fiber = yield* Effect.fork(env.clock.sync.pipe(Effect.provide(env.layer)))
      yield* TestClock.adjust("100 millis")
      yield* env.clock.setOffset(3000)
      yield* TestClock.adjust("1 second")
      // sent at 0, answered at 400, the server stamped 5000 at 0: 5000 − 200
      expect(yield* Fiber.join(fiber)).toBe(4800)
    }))

  it.scoped("a synced clock that went stale in flight: the answer is handed back without a refresh; an interrupt while it hangs returns at once", () =>
    Effect.gen(function*() {
      let timeRequests = 0
      const http = mockHttp((request) => {
        if (request.url.pathname !== TIME) return Effect.as(Effect.sleep("2 seconds"), ok())
        timeRequests++
        console.log("TIME", request.time, timeRequests)
        // the first sync answers; every refresh hangs
        return timeRequests === 1 ? Effect.succeed(serverTime(request, 0)) : Effect.never
      })
      const layer = Layer.mergeAll(
        hmacCredentials,
        http.layer,
        Layer.succeed(RateLimit.RateLimit, RateLimit.makeUnsafe())
      )
        .pipe(Layer.provideMerge(BinanceConfig.layer({})))
      const clockLayer = BinanceClock.layerSynced({ maxAge: "1 second" }).pipe(Layer.provide(layer))
      const env = yield* Layer.build(Layer.merge(layer, clockLayer))
      const call = PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(env))
      // answered after 2 s: by then the offset is stale, and nothing may refresh it on the way out
      const first = yield* Effect.fork(call)
      yield* TestClock.adjust("2 seconds")
      expect(Exit.isSuccess(yield* Fiber.await(first))).toBe(true)
      expect(timeRequests).toBe(1)
      // the next call refreshes first, and the refresh hangs: interrupting it does not wait for the refresh
      const second = yield* Effect.fork(call)
      yield* TestClock.adjust("10 millis")
      expect(timeRequests).toBe(2)
      expect(Exit.isInterrupted(yield* Fiber.interrupt(second))).toBe(true)
    }))
})

describe("decimals", () => {
  const decimal = fc.tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: -20, max: 40 }))

  it("exponent notation decodes exactly and formats plainly: every spelling of a value gives the same BigDecimal", () =>
    fc.assert(
      fc.property(decimal, fc.constantFrom("E", "e"), fc.boolean(), ([value, scale], e, plus) => {
        const exact = BigDecimal.make(value, scale)
        const sign = value < 0n ? "-" : ""
        const digits = (value < 0n ? -value : value).toString()
        const exponent = -scale
        const exponentForm = `${sign}${digits}${e}${exponent >= 0 && plus ? "+" : ""}${exponent}`
        const plain = Amount.formatPlain(exact)
        expect(plain).toMatch(/^-?\d+(\.\d+)?$/)
        const decode = Schema.decodeSync(Amount.DecimalFromString)
        expect(BigDecimal.equals(decode(exponentForm), exact)).toBe(true)
        expect(BigDecimal.equals(decode(plain), exact)).toBe(true)
        expect(Schema.encodeSync(Amount.DecimalFromString)(decode(exponentForm))).toBe(plain)
      }),
      { numRuns: 500, seed: 20261129 }
    ))

  for (const [text, plain] of [["0E-8", "0"], ["1.5E+3", "1500"], ["-2.50E-3", "-0.0025"]] as const) {
    it.effect(`a body with ${text} decodes exactly; the result keeps Binance's string`, () =>
      Effect.gen(function*() {
        const env = testEnv(() => Effect.succeed(ok("BTC", text, text)))
        const result = yield* PortfolioMargin.pmAccountInfoResult({ asset: "BTC" }).pipe(Effect.provide(env.layer))
        expect(Amount.formatPlain(result.info.maxWithdrawAmount)).toBe(plain)
        expect(result.response.maxWithdrawAmountUSD).toBe(text)
      }))
  }
})
