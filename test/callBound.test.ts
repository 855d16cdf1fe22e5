// How much one call may send: maxRetries + 1 attempts, one re-send after a -1021 heal, one time request
// (TestClock, in-memory HTTP). The call machine's own table is test/cases/callTraces.ts.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as TestContext from "effect/TestContext"
import * as fc from "fast-check"
import { PortfolioMargin } from "../src/index.js"
import { testEnv } from "./utils/env.js"
import { binance, ok, type Reply } from "./utils/mockHttp.js"

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

  it.effect(
    "the bound holds for any sequence of answers: maxRetries + 1 attempts + 1 re-send, and one /time",
    () =>
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
      ),
    120_000
  ) // 60 whole calls, each moved on by the TestClock: a few seconds alone, more on a loaded machine
})
