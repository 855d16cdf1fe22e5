import { describe, expect, it } from "@effect/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as FakeBinance from "../src/FakeBinance.js"
import * as PortfolioMargin from "../src/PortfolioMargin.js"
import { BTC, env, hmacAccount, PM, requests, runWithTime, TIME } from "./helpers.js"

const call = PortfolioMargin.pmAccountInfo({ asset: "BTC" })

describe("PortfolioMargin.pmAccountInfo", () => {
  it.effect("signs, sends once and decodes exact decimals", () =>
    Effect.gen(function*() {
      const info = yield* call
      expect(info.asset).toBe("BTC")
      expect(BigDecimal.equals(info.maxWithdrawAmount, BigDecimal.fromStringUnsafe(BTC.maxWithdrawAmount))).toBe(true)
      const log = yield* requests(PM)
      expect(log).toHaveLength(1)
      expect(log[0]!.verdict).toBe("ok")
    }).pipe(Effect.provide(env())))

  it.effect("pmAccountInfoResult keeps Binance's strings and counts attempts", () =>
    Effect.gen(function*() {
      const result = yield* PortfolioMargin.pmAccountInfoResult({ asset: "BTC" })
      expect(result.response).toEqual({ asset: "BTC", ...BTC })
      expect(result.attempts).toBe(1)
      expect(result.usedWeight).toBe(5)
    }).pipe(Effect.provide(env())))

  it.effect("heals -1021 with one shared /time for 16 concurrent calls against a server 10 s ahead", () =>
    Effect.gen(function*() {
      const results = yield* runWithTime(Effect.all(Array.from({ length: 16 }, () => call), { concurrency: 16 }))
      expect(results).toHaveLength(16)
      expect(yield* requests(TIME)).toHaveLength(1)
    }).pipe(Effect.provide(env({}, { accounts: [hmacAccount], serverSkewMillis: 10_000 }))))

  it.effect("retries transient failures with a fresh timestamp and signature; bound maxRetries + 2 and one /time", () =>
    Effect.gen(function*() {
      const fake = yield* Effect.service(FakeBinance.FakeBinance)
      // -1021 (server far ahead) and 503 alternate.
      yield* fake.setServerSkew(10_000)
      yield* fake.enqueueFault(FakeBinance.Fault.serviceUnavailable("internal"), { path: PM, count: 100 })
      const error = yield* runWithTime(Effect.flip(call))
      expect(error._tag).toBe("ServerError")
      const log = yield* requests(PM)
      expect(log.length).toBeLessThanOrEqual(2 + 2)
      expect(new Set(log.map((entry) => entry.query)).size).toBe(log.length)
      expect((yield* requests(TIME)).length).toBeLessThanOrEqual(1)
    }).pipe(Effect.provide(env({ maxRetries: 2 }))))

  it.effect("bad parameters fail typed, naming the field, and send nothing", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(PortfolioMargin.pmAccountInfo({ asset: "btc" }))
      expect(error).toMatchObject({ _tag: "InvalidParameters", field: "asset" })
      expect(error.message).toContain("No request was sent")
      expect(yield* requests()).toHaveLength(0)
    }).pipe(Effect.provide(env())))
})
