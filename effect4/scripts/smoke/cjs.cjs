// Smoke test of the packed Effect 4 tarball, as a CommonJS consumer: require() of every entry, and one real
// call against FakeBinance.serve through the Effect API (the package's own BinanceHttpClient) and the Promise API.
const { BigDecimal, Effect, Layer } = require("effect")
const { BinanceClock, BinanceConfig, BinanceHttpClient, Credentials, PortfolioMargin } = require("effect-binance-pm")
const { createClient } = require("effect-binance-pm/promise")
const { RateLimitRedis } = require("effect-binance-pm/redis")
const { FakeBinance } = require("effect-binance-pm/testing")

const apiKey = "smoke-api-key"
const secretKey = "smoke-secret-key"

const program = Effect.gen(function*() {
  const { baseUrl } = yield* FakeBinance.serve({
    accounts: [{
      apiKey,
      hmacSecret: secretKey,
      assets: { BTC: { maxWithdrawAmount: "2.25", maxWithdrawAmountUSD: "135000" } }
    }]
  })
  const info = yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(
    Effect.provide(Layer.mergeAll(
      Credentials.layerHmac({ apiKey, secretKey }),
      BinanceClock.layer,
      BinanceConfig.layer({ baseUrl }),
      BinanceHttpClient.layer()
    ))
  )
  if (!BigDecimal.equals(info.maxWithdrawAmount, BigDecimal.fromStringUnsafe("2.25"))) throw new Error("effect api")
  const client = createClient({ apiKey, secretKey, baseUrl })
  const raw = yield* Effect.promise(() => client.pmAccountInfo({ asset: "BTC" }))
  yield* Effect.promise(() => client.close())
  if (raw.maxWithdrawAmount !== "2.25") throw new Error("promise api")
  const invalid = yield* Effect.flip(RateLimitRedis.make({}))
  if (invalid._tag !== "InvalidConfiguration") throw new Error("redis options")
  const down = yield* Effect.flip(RateLimitRedis.make({ url: "redis://:pw@127.0.0.1:1", connectTimeout: 500 }))
  if (down._tag !== "RedisUnavailable" || String(down).includes("pw")) throw new Error("redis unavailable")
  console.log("cjs smoke ok", raw, invalid._tag, down._tag)
})

Effect.runPromise(Effect.scoped(program)).catch((error) => {
  console.error(error)
  process.exit(1)
})
