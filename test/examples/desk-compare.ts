import { BigDecimal, Console, Effect, Layer } from "effect"
import { Amount, BinanceClock, Credentials, PortfolioMargin } from "effect-binance-pm"
import { FakeBinance } from "effect-binance-pm/testing"

const wanted = BigDecimal.unsafeFromString("25.5") // what the desk wants to move to spot, from a string

const check = Effect.gen(function*() {
  const { info, response } = yield* PortfolioMargin.pmAccountInfoResult({ asset: "BTC" })
  const free = info.maxWithdrawAmount // a BigDecimal: every digit Binance sent, no float rounding
  const verdict = BigDecimal.greaterThanOrEqualTo(free, wanted) ? "enough" : "not enough"
  const after = Amount.formatPlain(BigDecimal.subtract(free, wanted))
  yield* Console.log(
    `BTC ${response.maxWithdrawAmount} free (${verdict} for ${Amount.formatPlain(wanted)}; ${after} after)`
  )
})

// Offline, in memory: the fake exchange as the HttpClient. With real keys, provide as in the README instead.
const BTC = { maxWithdrawAmount: "27.43689636", maxWithdrawAmountUSD: "1627523.32459208" }
const Fake = FakeBinance.layer({ accounts: [{ apiKey: "my-key", hmacSecret: "my-secret", assets: { BTC } }] })
const Keys = Credentials.layerHmac({ apiKey: "my-key", secretKey: "my-secret" })

check.pipe(
  Effect.provide(Layer.mergeAll(Fake, Keys, BinanceClock.layer)),
  Effect.catchAll((e) => Console.error(`${e._tag}: ${e.message}`)),
  Effect.runPromise
)
