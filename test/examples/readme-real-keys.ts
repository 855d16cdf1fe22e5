import { Console, Effect, Layer } from "effect"
import { Amount, BinanceClock, BinanceHttpClient, Credentials, PortfolioMargin } from "effect-binance-pm"

const program = Effect.gen(function*() {
  const { maxWithdrawAmount, maxWithdrawAmountUSD } = yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" })
  const [btc, usd] = [maxWithdrawAmount, maxWithdrawAmountUSD].map(Amount.formatPlain) // exact decimals
  yield* Console.log(`You can move ${btc} BTC (${usd} USD) out to spot`)
})

const Account = Credentials.layerConfig() // BINANCE_API_KEY, and BINANCE_SECRET_KEY or BINANCE_PRIVATE_KEY_FILE

program.pipe(
  Effect.provide(Layer.mergeAll(Account, BinanceClock.layer, BinanceHttpClient.layer())),
  Effect.catchTags({ RateLimited: (e) => Console.error(`Rate limited: come back in ${e.retryAfterMs} ms`) }),
  Effect.catchAll((e) => Console.error(`${e._tag}: ${e.message}`)), // every other error: typed, printed, no crash
  Effect.runPromise
)
