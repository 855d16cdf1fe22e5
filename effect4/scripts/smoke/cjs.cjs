// Smoke test of the packed Effect 4 tarball, as a CommonJS consumer: require() of every entry, and one real
// call against FakeBinance.serve through the Effect API (the package's own BinanceHttpClient) and the Promise API.
const { BigDecimal, Effect, Layer } = require("effect")
const { BinanceClock, BinanceConfig, BinanceHttpClient, Credentials, PortfolioMargin } = require("effect-binance-pm")
const { createClient } = require("effect-binance-pm/promise")
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
  console.log("cjs smoke ok", raw)
})

Effect.runPromise(Effect.scoped(program)).catch((error) => {
  console.error(error)
  process.exit(1)
})
