/**
 * COIN-M (ported from the root's test/coinm.test.ts): `market: "coin-m"` calls `GET /dapi/v1/pmAccountInfo` and
 * syncs on `/dapi/v1/time`, over real HTTP against FakeBinance.serve (which serves both markets); its base URLs
 * are the official connector's (the root's spec checks them against `@binance/common`'s constants); its budget
 * is its own base URL's.
 */
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import * as BinanceClock from "../src/BinanceClock.js"
import * as BinanceConfig from "../src/BinanceConfig.js"
import * as BinanceHttpClient from "../src/BinanceHttpClient.js"
import * as Credentials from "../src/Credentials.js"
import * as FakeBinance from "../src/FakeBinance.js"
import * as PortfolioMargin from "../src/PortfolioMargin.js"
import { createClient } from "../src/promise.js"
import * as RateLimit from "../src/RateLimit.js"
import { BTC, hmacAccount, KEY, SECRET } from "./helpers.js"

const baseUrlOf = (options: BinanceConfig.Options) => Result.getOrThrow(BinanceConfig.make(options)).baseUrl

describe("COIN-M", () => {
  it("base URLs: dapi per environment; usds-m stays the default", () => {
    expect(baseUrlOf({ market: "coin-m" })).toBe("https://dapi.binance.com")
    expect(baseUrlOf({ market: "coin-m", environment: "testnet" })).toBe("https://testnet.binancefuture.com")
    expect(baseUrlOf({ market: "coin-m", environment: "demo" })).toBe("https://demo-dapi.binance.com")
    expect(BinanceConfig.coinmEnvironments.production).toBe("https://dapi.binance.com")
    expect(baseUrlOf({})).toBe("https://fapi.binance.com")
    expect(baseUrlOf({ market: "usds-m" })).toBe("https://fapi.binance.com")
    expect(Result.getOrThrow(BinanceConfig.make({})).market).toBeUndefined()
    const bad = BinanceConfig.make({ market: "spot" as never })
    expect(Result.isFailure(bad) && bad.failure).toMatchObject({ _tag: "InvalidConfiguration", field: "market" })
  })

  it.live("Effect API: /dapi/v1/pmAccountInfo, and a -1021 heals on /dapi/v1/time", () =>
    Effect.gen(function*() {
      const { baseUrl, fake } = yield* FakeBinance.serve({ accounts: [hmacAccount] })
      yield* fake.setServerSkew(30_000)
      const result = yield* PortfolioMargin.pmAccountInfoResult({ asset: "BTC" }).pipe(
        Effect.provide(Layer.mergeAll(
          BinanceHttpClient.layer(),
          Credentials.layerHmac({ apiKey: KEY, secretKey: SECRET }),
          BinanceConfig.layer({ baseUrl, market: "coin-m" }),
          BinanceClock.layer,
          RateLimit.layer
        ))
      )
      expect(result.response).toEqual({ asset: "BTC", ...BTC })
      expect(result.attempts).toBe(2)
      const paths = (yield* fake.requests).map((entry) => entry.path)
      expect(paths).toEqual(["/dapi/v1/pmAccountInfo", "/dapi/v1/time", "/dapi/v1/pmAccountInfo"])
    }))

  it.effect("layerConfig reads BINANCE_MARKET, and refuses a market that is not one", () =>
    Effect.gen(function*() {
      const read = (env: Record<string, string>) =>
        Effect.service(BinanceConfig.BinanceConfig).pipe(
          Effect.provide(
            BinanceConfig.layerConfig().pipe(
              Layer.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env })))
            )
          )
        )
      const config = yield* read({ BINANCE_MARKET: "coin-m" })
      expect([config.market, config.baseUrl]).toEqual(["coin-m", "https://dapi.binance.com"])
      const error = yield* Effect.flip(read({ BINANCE_MARKET: "spot" }))
      expect(error).toMatchObject({ _tag: "InvalidConfiguration", field: "BINANCE_MARKET" })
    }))

  it.live("Promise API: market coin-m, and a budget of its own (its own base URL)", () =>
    Effect.gen(function*() {
      const { baseUrl, fake } = yield* FakeBinance.serve({ accounts: [hmacAccount] })
      const client = createClient({ apiKey: KEY, secretKey: SECRET, baseUrl, market: "coin-m" })
      yield* Effect.addFinalizer(() => Effect.promise(() => client.close()))
      const result = yield* Effect.promise(() => client.pmAccountInfoResult({ asset: "BTC" }))
      expect(result).toEqual({ info: { asset: "BTC", ...BTC }, usedWeight: 5, attempts: 1 })
      expect((yield* fake.requests).map((entry) => entry.path)).toEqual(["/dapi/v1/pmAccountInfo"])
      const gate = yield* RateLimit.RateLimit
      expect((yield* gate.snapshot(baseUrl)).usedWeight).toBe(5)
      expect(() => createClient({ apiKey: KEY, secretKey: SECRET, market: "spot" as never })).toThrow(
        expect.objectContaining({ _tag: "InvalidConfiguration", field: "market" })
      )
    }))
})
