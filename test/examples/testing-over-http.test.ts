import { describe, expect, it } from "@effect/vitest"
import {
  Amount,
  BinanceClock,
  BinanceConfig,
  BinanceHttpClient,
  Credentials,
  PortfolioMargin,
  RateLimit
} from "effect-binance-pm"
import { FakeBinance } from "effect-binance-pm/testing"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

const BTC = { maxWithdrawAmount: "27.43689636", maxWithdrawAmountUSD: "1627523.32459208" }
const account: FakeBinance.Account = { apiKey: "test-key", hmacSecret: "test-secret", assets: { BTC } }
const credentials = Credentials.layerHmac({ apiKey: "test-key", secretKey: "test-secret" })

describe("over real HTTP", () => {
  it.live("reads BTC over HTTP", () =>
    Effect.scoped(Effect.gen(function*() {
      const { baseUrl, fake } = yield* FakeBinance.serve({ accounts: [account] })
      const info = yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(
        Effect.provide(Layer.mergeAll(
          BinanceConfig.layer({ baseUrl }), // http: is accepted for loopback hosts only
          credentials,
          BinanceClock.layer,
          RateLimit.layer, // a gate of its own, not the process-wide one
          BinanceHttpClient.layer() // or FetchHttpClient.layer, NodeHttpClient.layerUndici from @effect/platform-node
        ))
      )
      expect(Amount.formatPlain(info.maxWithdrawAmount)).toBe("27.43689636")
      expect((yield* fake.requests).map((entry) => entry.verdict)).toEqual(["ok"])
    })))
})
