// The clock through the Effect 4 API, against the in-memory FakeBinance on the TestClock. Ported from the root's
// test/BinanceClock.test.ts and test/BinanceClock.sync.test.ts: the -1021 heal, the offset's arithmetic, and
// layerSynced's refreshes (failed ones included). One heal per call is the shared call traces' (callTraces.test.ts).
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { TestClock } from "effect/testing"
import * as BinanceClock from "../src/BinanceClock.js"
import * as BinanceConfig from "../src/BinanceConfig.js"
import * as Credentials from "../src/Credentials.js"
import * as FakeBinance from "../src/FakeBinance.js"
import * as PortfolioMargin from "../src/PortfolioMargin.js"
import * as RateLimit from "../src/RateLimit.js"
import { env, hmacAccount, KEY, PM, requests, SECRET, TIME } from "./helpers.js"

const call = PortfolioMargin.pmAccountInfo({ asset: "BTC" })
const clock = Effect.service(BinanceClock.BinanceClock)
const fake = Effect.service(FakeBinance.FakeBinance)
const stampOf = (entry: FakeBinance.LogEntry) => Number(new URLSearchParams(entry.query).get("timestamp"))
const T0 = 1_700_000_000_000

/** layerSynced over the fake, built with the config and gate it syncs against. */
const synced = (skew: number, config: BinanceConfig.Options = {}) =>
  BinanceClock.layerSynced({ maxAge: "1 minute" }).pipe(
    Layer.provideMerge(Layer.mergeAll(
      FakeBinance.layer({ accounts: [hmacAccount], serverSkewMillis: skew }),
      Credentials.layerHmac({ apiKey: KEY, secretKey: SECRET }),
      RateLimit.layer,
      BinanceConfig.layer({ baseUrl: "https://fapi.test", maxRetries: 0, ...config })
    ))
  )

describe("BinanceClock", () => {
  it.effect("-1021 → GET /fapi/v1/time → offset learned → one re-signed retry succeeds; the next call reuses it", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const info = yield* call
      expect(info.asset).toBe("BTC")
      const log = yield* requests()
      expect(log.map((entry) => entry.path)).toEqual([PM, TIME, PM])
      expect(log.map((entry) => entry.code ?? entry.status)).toEqual([-1021, 200, 200])
      expect(log[1]!.apiKey).toBeUndefined()
      expect(stampOf(log[0]!)).toBe(T0)
      expect(stampOf(log[2]!)).toBe(T0 + 7_000)
      expect(Redacted.value(log[2]!.signature!)).not.toBe(Redacted.value(log[0]!.signature!))
      expect(yield* (yield* clock).offset).toBe(7_000)
      yield* call
      expect((yield* requests()).map((entry) => entry.path)).toEqual([PM, TIME, PM, PM])
    }).pipe(Effect.provide(env({}, { accounts: [hmacAccount], serverSkewMillis: 7_000 }))))

  it.effect("offset = serverTime − (sentAt + receivedAt) / 2 on the host clock; an offset set meanwhile does not skew it", () =>
    Effect.gen(function*() {
      // the server stamps its time when the request arrives (t = 0) and answers 400 ms later
      yield* (yield* fake).enqueueFault(FakeBinance.Fault.delay("400 millis"), { path: TIME, count: 2 })
      const c = yield* clock
      const first = yield* Effect.forkChild(c.sync)
      yield* TestClock.adjust("1 second")
      expect(yield* Fiber.join(first)).toBe(5_000 - 200)
      const second = yield* Effect.forkChild(c.sync)
      yield* Effect.yieldNow
      yield* c.setOffset(123_456)
      yield* TestClock.adjust("1 second")
      expect(yield* Fiber.join(second)).toBe(5_000 - 200)
      expect(yield* c.offset).toBe(5_000 - 200)
    }).pipe(Effect.provide(env({}, { accounts: [hmacAccount], serverSkewMillis: 5_000 }))))
})

describe("BinanceClock.layerSynced", () => {
  it.effect("learns the offset when built and refreshes it when older than maxAge", () =>
    Effect.gen(function*() {
      const c = yield* clock
      expect((yield* requests()).map((entry) => entry.path)).toEqual([TIME])
      expect(yield* c.offset).toBe(3_000)
      yield* call
      expect(stampOf((yield* requests(PM))[0]!)).toBe(3_000)
      yield* (yield* fake).setServerSkew(-2_000)
      yield* TestClock.adjust("61 seconds")
      yield* call
      expect((yield* requests()).map((entry) => entry.path)).toEqual([TIME, PM, TIME, PM])
      expect(yield* c.offset).toBe(-2_000)
      expect(stampOf((yield* requests(PM))[1]!)).toBe(61_000 - 2_000)
    }).pipe(Effect.provide(synced(3_000))))

  it.effect("a failed refresh (reset, 500, bad body) keeps the old offset, fails no call, is no defect, and waits maxAge/10", () =>
    Effect.gen(function*() {
      const c = yield* clock
      const f = yield* fake
      expect(yield* c.offset).toBe(4_000)
      yield* f.setServerSkew(8_000) // the server moved, but it cannot be asked
      const failures = {
        reset: FakeBinance.Fault.reset,
        "500": FakeBinance.Fault.respond({ status: 500, body: "<html>down</html>" }),
        "bad body": FakeBinance.Fault.respond({ status: 200, body: { serverTime: "soon" } })
      }
      let now = 0
      for (const [name, fault] of Object.entries(failures)) {
        yield* f.enqueueFault(fault, { path: TIME, count: 1 })
        yield* TestClock.adjust("61 seconds")
        now += 61_000
        const before = (yield* requests()).length
        const exit = yield* Effect.exit(call)
        expect(Exit.isSuccess(exit), name).toBe(true)
        expect(yield* c.offset, name).toBe(4_000)
        const sent = (yield* requests()).slice(before)
        expect(sent.map((entry) => entry.path), name).toEqual([TIME, PM])
        expect(stampOf(sent[1]!), name).toBe(now + 4_000)
        // not tried again before maxAge / 10 (6 s): reading the clock or calling sends no /time
        expect(yield* c.currentTimeMillis, name).toBe(now + 4_000)
        yield* TestClock.adjust("5 seconds")
        now += 5_000
        yield* call
        expect((yield* requests()).slice(before).map((entry) => entry.path), name).toEqual([TIME, PM, PM])
      }
      // once maxAge / 10 has passed, the next call tries again, and the server answers: the new offset is learned
      yield* TestClock.adjust("2 seconds")
      const before = (yield* requests()).length
      yield* call
      expect((yield* requests()).slice(before).map((entry) => entry.path)).toEqual([TIME, PM])
      expect(yield* c.offset).toBe(8_000)
    }).pipe(Effect.provide(synced(4_000))))

  it.effect("a call whose synced clock goes stale in flight is handed back without a refresh", () =>
    Effect.gen(function*() {
      yield* (yield* fake).enqueueFault(FakeBinance.Fault.delay("2 minutes"), { path: PM, count: 1 })
      const fiber = yield* Effect.forkChild(call)
      yield* TestClock.adjust("3 minutes")
      expect((yield* Fiber.join(fiber)).asset).toBe("BTC")
      // the release read the (stale) clock, but only a request's stamp asks for a refresh
      expect((yield* requests()).map((entry) => entry.path)).toEqual([TIME, PM])
    }).pipe(Effect.provide(synced(1_000, { timeout: "5 minutes" }))))
})
