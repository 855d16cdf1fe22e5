// The README's examples, type-checked by `npm test` (test/readme.test.ts keeps them identical).
// README: Effect API
import { Effect, Layer } from "effect"
import { BinanceClock, Credentials, NodeHttpClient, PortfolioMargin } from "../src/index.js"

const program = PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(
  Effect.map((info) => info.maxWithdrawAmount), // an exact BigDecimal
  Effect.catchTags({
    RateLimited: (e) => Effect.logWarning(`rate limited, retry in ${e.retryAfterMs} ms`),
    IpBanned: (e) => Effect.die(`IP banned for ${e.retryAfterMs} ms`)
  })
)

const BinanceLive = Layer.mergeAll(
  Credentials.layerConfig(), // BINANCE_API_KEY + BINANCE_SECRET_KEY | BINANCE_PRIVATE_KEY(_FILE)
  BinanceClock.layer, // offset to the server clock, learned on -1021
  NodeHttpClient.layer() // our lean node:http client; or FetchHttpClient.layer, any HttpClient layer
)

Effect.runPromise(program.pipe(Effect.provide(BinanceLive))).then(console.log)
