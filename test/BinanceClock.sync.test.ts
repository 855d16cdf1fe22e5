// The clock's re-sync shared by concurrent calls, measured on the host clock, and a synced clock's refresh
// (TestClock, in-memory HTTP).
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { BinanceClock, BinanceConfig, PortfolioMargin, RateLimit } from "../src/index.js"
import { hmacCredentials, testEnv } from "./utils/env.js"
import { binance, type Handler, mockHttp, ok, type Reply } from "./utils/mockHttp.js"

const PM = "/fapi/v1/pmAccountInfo"
const TIME = "/fapi/v1/time"
const rejected = binance(400, -1021, "Timestamp for this request is outside of the recvWindow.")
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
