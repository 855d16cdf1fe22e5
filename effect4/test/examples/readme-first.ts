import { Console, Effect, Layer } from "effect"
import { Amount, BinanceClock, BinanceConfig, BinanceHttpClient, Credentials, PortfolioMargin } from "effect-binance-pm"
import { FakeBinance } from "effect-binance-pm/testing"

const program = Effect.gen(function*() {
  const { maxWithdrawAmount, maxWithdrawAmountUSD } = yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" })
  const [btc, usd] = [maxWithdrawAmount, maxWithdrawAmountUSD].map(Amount.formatPlain) // exact decimals
  yield* Console.log(`You can move ${btc} BTC (${usd} USD) out to spot`)
})

// Offline: a fake Binance on 127.0.0.1 that checks the key and the signature as Binance does.
const BTC = { maxWithdrawAmount: "27.43689636", maxWithdrawAmountUSD: "1627523.32459208" }
const Account = Layer.unwrap(Effect.map(
  FakeBinance.serve({ accounts: [{ apiKey: "my-key", hmacSecret: "my-secret", assets: { BTC } }] }),
  ({ baseUrl }) =>
    Layer.merge(Credentials.layerHmac({ apiKey: "my-key", secretKey: "my-secret" }), BinanceConfig.layer({ baseUrl }))
))

program.pipe(
  Effect.provide(Layer.mergeAll(Account, BinanceClock.layer, BinanceHttpClient.layer())),
  Effect.catchTags({ RateLimited: (e) => Console.error(`Rate limited: come back in ${e.retryAfterMs} ms`) }),
  Effect.catch((e) => Console.error(`${e._tag}: ${e.message}`)), // every other error: typed, printed, no crash
  Effect.runPromise
)
