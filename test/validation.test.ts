import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { BinanceConfig, PortfolioMargin } from "../src/index.js"
import { testEnv } from "./utils/env.js"
import { ok, script } from "./utils/mockHttp.js"

const ASSET = /^[A-Z0-9]{1,20}$/

describe("parameters are validated before anything is sent", () => {
  const badAssets: ReadonlyArray<unknown> = [
    "",
    " ",
    "btc",
    "BTC&timestamp=1",
    "BTC#",
    "BTC\n",
    "BTC ",
    "ÄBC",
    "₿",
    "A".repeat(21),
    "A".repeat(10_000),
    null,
    undefined,
    42,
    {},
    ["BTC"]
  ]
  for (const asset of badAssets) {
    it.effect(`asset ${JSON.stringify(asset)?.slice(0, 30) ?? String(asset)} → InvalidParameters, zero requests`, () =>
      Effect.gen(function*() {
        const env = testEnv(script(ok()))
        const error = yield* Effect.flip(
          PortfolioMargin.pmAccountInfo({ asset } as never).pipe(Effect.provide(env.layer))
        )
        expect(error).toMatchObject({ _tag: "InvalidParameters", field: "asset" })
        expect(error.message).toContain("asset")
        expect(error.message.length).toBeLessThan(200)
        expect(env.requests).toHaveLength(0)
      }))
  }

  const badWindows: ReadonlyArray<unknown> = [0, -1, 60001, 1.5, NaN, Infinity, "5000", null]
  for (const recvWindow of badWindows) {
    it.effect(`recvWindow ${String(recvWindow)} → InvalidParameters, zero requests`, () =>
      Effect.gen(function*() {
        const env = testEnv(script(ok()))
        const error = yield* Effect.flip(
          PortfolioMargin.pmAccountInfo({ asset: "BTC", recvWindow } as never).pipe(Effect.provide(env.layer))
        )
        expect(error).toMatchObject({ _tag: "InvalidParameters", field: "recvWindow" })
        expect(env.requests).toHaveLength(0)
      }))
  }

  it.effect("params that are not an object → InvalidParameters", () =>
    Effect.gen(function*() {
      const env = testEnv(script(ok()))
      for (const params of [null, undefined, "BTC", 1]) {
        const error = yield* Effect.flip(PortfolioMargin.pmAccountInfo(params as never).pipe(Effect.provide(env.layer)))
        expect(error._tag).toBe("InvalidParameters")
      }
      expect(env.requests).toHaveLength(0)
    }))

  it.effect.prop(
    "any string that is not an asset symbol sends nothing",
    [Schema.String.pipe(Schema.filter((s) => !ASSET.test(s)))],
    ([asset]) =>
      Effect.gen(function*() {
        const env = testEnv(script(ok()))
        const result = yield* Effect.either(PortfolioMargin.pmAccountInfo({ asset }).pipe(Effect.provide(env.layer)))
        expect(Either.isLeft(result) && result.left._tag).toBe("InvalidParameters")
        expect(env.requests).toHaveLength(0)
      })
  )

  it.effect.prop(
    "any number outside the integers 1..60000 as recvWindow sends nothing",
    [Schema.Number.pipe(Schema.filter((n) => !(Number.isInteger(n) && n >= 1 && n <= 60000)))],
    ([recvWindow]) =>
      Effect.gen(function*() {
        const env = testEnv(script(ok()))
        const result = yield* Effect.either(
          PortfolioMargin.pmAccountInfo({ asset: "BTC", recvWindow }).pipe(Effect.provide(env.layer))
        )
        expect(Either.isLeft(result) && result.left._tag).toBe("InvalidParameters")
        expect(env.requests).toHaveLength(0)
      })
  )

  it.effect.prop(
    "any valid asset and recvWindow is sent as given",
    [Schema.String.pipe(Schema.pattern(ASSET)), Schema.Int.pipe(Schema.between(1, 60000))],
    ([asset, recvWindow]) =>
      Effect.gen(function*() {
        const env = testEnv(script(ok(asset)))
        yield* PortfolioMargin.pmAccountInfo({ asset, recvWindow }).pipe(Effect.provide(env.layer))
        expect(env.requests[0]!.url.search.startsWith(`?asset=${asset}&recvWindow=${recvWindow}&timestamp=`)).toBe(true)
      })
  )
})

describe("BinanceConfig validation", () => {
  const bad: ReadonlyArray<[BinanceConfig.Options, string]> = [
    [{ baseUrl: "http://fapi.binance.com" }, "baseUrl"],
    [{ baseUrl: "http://10.0.0.1:8080" }, "baseUrl"],
    [{ baseUrl: "ftp://fapi.binance.com" }, "baseUrl"],
    [{ baseUrl: "https://fapi.binance.com/fapi" }, "baseUrl"],
    [{ baseUrl: "https://fapi.binance.com/?x=1" }, "baseUrl"],
    [{ baseUrl: "https://fapi.binance.com/#x" }, "baseUrl"],
    [{ baseUrl: "https://user:pass@fapi.binance.com" }, "baseUrl"],
    [{ baseUrl: "not a url" }, "baseUrl"],
    [{ baseUrl: "" }, "baseUrl"],
    [{ environment: "staging" as never }, "environment"],
    [{ environment: "demo", baseUrl: "https://x.example" }, "environment"],
    [{ recvWindow: 0 }, "recvWindow"],
    [{ recvWindow: 60001 }, "recvWindow"],
    [{ maxRetries: -1 }, "maxRetries"],
    [{ maxRetries: 1.5 }, "maxRetries"],
    [{ weightLimit: 4 }, "weightLimit"],
    [{ timeout: 0 }, "timeout"],
    [{ timeout: -5 }, "timeout"],
    [{ timeout: "soon" as never }, "timeout"],
    [{ maxRetryAfterWait: Infinity }, "maxRetryAfterWait"],
    [{ userAgent: "bad\nagent" }, "userAgent"]
  ]
  for (const [options, field] of bad) {
    it(`${JSON.stringify(options)} → InvalidConfiguration(${field})`, () => {
      const result = BinanceConfig.make(options)
      expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "InvalidConfiguration", field })
    })
  }

  it("loopback hosts may use http:, with a trailing slash trimmed", () => {
    for (const baseUrl of ["http://localhost:1234", "http://127.0.0.1:9/", "http://127.1.2.3", "http://[::1]:80"]) {
      const result = BinanceConfig.make({ baseUrl })
      expect(Either.isRight(result), baseUrl).toBe(true)
      expect(Either.getOrThrow(result).baseUrl.endsWith("/")).toBe(false)
    }
  })

  it.effect("a bad layer fails when built, before any call", () =>
    Effect.gen(function*() {
      const env = testEnv(script(ok()), { baseUrl: "http://example.com" })
      const error = yield* Effect.flip(PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(env.layer)))
      expect(error).toMatchObject({ _tag: "InvalidConfiguration", field: "baseUrl" })
      expect(env.requests).toHaveLength(0)
    }))

  it.effect("BinanceConfig needs no wiring: its defaults apply", () =>
    Effect.gen(function*() {
      const config = yield* BinanceConfig.BinanceConfig
      expect(config.baseUrl).toBe("https://fapi.binance.com")
      expect(config.recvWindow).toBe(5000)
      expect(config.maxRetries).toBe(3)
      expect(config.weightLimit).toBe(2400)
    }))

  it.effect("layerConfig reads BINANCE_* overrides, and rejects bad ones", () =>
    Effect.gen(function*() {
      const read = (env: Record<string, string>) =>
        BinanceConfig.BinanceConfig.pipe(
          Effect.provide(BinanceConfig.layerConfig()),
          Effect.withConfigProvider(ConfigProvider.fromJson(env))
        )
      const config = yield* read({
        BINANCE_ENV: "testnet",
        BINANCE_RECV_WINDOW: "3000",
        BINANCE_TIMEOUT: "2 seconds",
        BINANCE_MAX_RETRIES: "1",
        BINANCE_WEIGHT_LIMIT: "1200"
      })
      expect(config.baseUrl).toBe("https://testnet.binancefuture.com")
      expect(config.recvWindow).toBe(3000)
      expect(Duration.toMillis(config.timeout)).toBe(2000)
      expect(config.maxRetries).toBe(1)
      expect(config.weightLimit).toBe(1200)
      expect((yield* read({})).baseUrl).toBe("https://fapi.binance.com")
      const error = yield* Effect.flip(read({ BINANCE_BASE_URL: "http://fapi.binance.com" }))
      expect(error).toMatchObject({ _tag: "InvalidConfiguration", field: "baseUrl" })
      const parse = yield* Effect.flip(read({ BINANCE_ENV: "mainnet" }))
      expect(String(parse)).toContain("BINANCE_ENV")
    }))
})
