// Smoke test of the packed tarball, as a CommonJS consumer (see esm.mjs).
const { BinanceClock, BinanceConfig, Credentials, PortfolioMargin } = require("effect-binance-pm")
const { createClient } = require("effect-binance-pm/promise")
const { FakeBinance } = require("effect-binance-pm/testing")
const { FetchHttpClient } = require("@effect/platform")
const { BigDecimal, Effect, Layer } = require("effect")

const apiKey = "smoke-api-key"
const secretKey = "smoke-secret-key"

const program = Effect.gen(function*() {
  const { baseUrl } = yield* FakeBinance.serve({
    accounts: [{
      apiKey,
      hmacSecret: secretKey,
      assets: { ETH: { maxWithdrawAmount: "2", maxWithdrawAmountUSD: "6000" } }
    }]
  })
  const info = yield* PortfolioMargin.pmAccountInfo({ asset: "ETH" }).pipe(
    Effect.provide(Layer.mergeAll(
      Credentials.layerHmac({ apiKey, secretKey }),
      BinanceClock.layer,
      BinanceConfig.layer({ baseUrl }),
      FetchHttpClient.layer
    ))
  )
  if (!BigDecimal.equals(info.maxWithdrawAmountUSD, BigDecimal.unsafeFromString("6000"))) throw new Error("effect api")
  const client = createClient({ apiKey, secretKey, baseUrl })
  const raw = yield* Effect.promise(() => client.pmAccountInfo({ asset: "ETH" }))
  yield* Effect.promise(() => client.close())
  if (raw.maxWithdrawAmount !== "2") throw new Error("promise api")
  console.log("cjs smoke ok", raw)
})

Effect.runPromise(Effect.scoped(program)).catch((error) => {
  console.error(error)
  process.exit(1)
})
