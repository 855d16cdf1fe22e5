/**
 * COIN-M: `market: "coin-m"` calls `GET /dapi/v1/pmAccountInfo` and syncs on `/dapi/v1/time`, over real HTTP
 * against FakeBinance.serve (which serves both markets); its base URLs are the official connector's; its budget
 * is its own base URL's.
 */
import * as Common from "@binance/common"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as BinanceHttpClient from "../src/BinanceHttpClient.js"
import * as FakeBinance from "../src/FakeBinance.js"
import { BinanceClock, BinanceConfig, Credentials, PortfolioMargin, RateLimit } from "../src/index.js"
import { createClient } from "../src/promise.js"
import { BTC, hmacAccount, KEY, SECRET } from "./FakeBinance.helpers.js"

describe("COIN-M", () => {
  it("base URLs: production and testnet are the official connector's constants; usds-m stays the default", () => {
    const coin = Either.getOrThrow(BinanceConfig.make({ market: "coin-m" }))
    expect(coin.baseUrl).toBe(Common.DERIVATIVES_TRADING_COIN_FUTURES_REST_API_PROD_URL)
    expect(Either.getOrThrow(BinanceConfig.make({ market: "coin-m", environment: "testnet" })).baseUrl).toBe(
      Common.DERIVATIVES_TRADING_COIN_FUTURES_REST_API_TESTNET_URL
    )
    expect(Either.getOrThrow(BinanceConfig.make({ market: "coin-m", environment: "demo" })).baseUrl).toBe(
      "https://demo-dapi.binance.com"
    )
    expect(Either.getOrThrow(BinanceConfig.make({})).baseUrl).toBe("https://fapi.binance.com")
    expect(Either.getOrThrow(BinanceConfig.make({ market: "usds-m" })).baseUrl).toBe("https://fapi.binance.com")
    const bad = BinanceConfig.make({ market: "spot" as never })
    expect(Either.isLeft(bad) && bad.left.field).toBe("market")
  })

  it.scopedLive("Effect API: /dapi/v1/pmAccountInfo, and a -1021 heals on /dapi/v1/time", () =>
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
      const paths = (yield* fake.requests).map((entry) => entry.path)
      expect(paths).toEqual(["/dapi/v1/pmAccountInfo", "/dapi/v1/time", "/dapi/v1/pmAccountInfo"])
    }))

  it.scopedLive("layerConfig reads BINANCE_MARKET", () =>
    Effect.gen(function*() {
      const config = yield* BinanceConfig.BinanceConfig.pipe(
        Effect.provide(BinanceConfig.layerConfig()),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["BINANCE_MARKET", "coin-m"]])))
      )
      expect([config.market, config.baseUrl]).toEqual(["coin-m", "https://dapi.binance.com"])
    }))

  it.scopedLive("Promise API: market coin-m, and a budget of its own (its own base URL)", () =>
    Effect.gen(function*() {
      const { baseUrl, fake } = yield* FakeBinance.serve({ accounts: [hmacAccount] })
      const client = createClient({ apiKey: KEY, secretKey: SECRET, baseUrl, market: "coin-m" })
      yield* Effect.addFinalizer(() => Effect.promise(() => client.close()))
      const result = yield* Effect.promise(() => client.pmAccountInfoResult({ asset: "BTC" }))
      expect(result).toEqual({ info: { asset: "BTC", ...BTC }, usedWeight: 5, attempts: 1 })
      expect((yield* fake.requests).map((entry) => entry.path)).toEqual(["/dapi/v1/pmAccountInfo"])
      expect((yield* Effect.flatMap(RateLimit.RateLimit, (gate) => gate.snapshot(baseUrl))).usedWeight).toBe(5)
    }))
})
