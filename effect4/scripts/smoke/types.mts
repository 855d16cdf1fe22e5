// Type-checked as a consumer would (strict, nodenext, skipLibCheck: false): every entry, from ESM.
import { Effect, Layer } from "effect"
import type { BinanceError } from "effect-binance-pm"
import {
  Amount,
  BinanceClock,
  BinanceConfig,
  BinanceHttpClient,
  Credentials,
  PortfolioMargin,
  RateLimit
} from "effect-binance-pm"
import { type ClientError, createClient, isClientError } from "effect-binance-pm/promise"
import { FakeBinance } from "effect-binance-pm/testing"

const live = Layer.mergeAll(
  Credentials.layerHmac({ apiKey: "k", secretKey: "s" }),
  BinanceClock.layer,
  BinanceHttpClient.layer(),
  BinanceConfig.layer({ egress: "nat-1" }),
  RateLimit.layer
)
export const program: Effect.Effect<string, BinanceError.PmAccountInfoError | BinanceError.InvalidConfiguration> =
  PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(
    Effect.map((info) => Amount.formatPlain(info.maxWithdrawAmount)),
    Effect.catchTag("WafBlocked", (e) => Effect.succeed(`blocked ${e.retryAfterMs ?? 0}`)),
    Effect.provide(live)
  )
export const fake = FakeBinance.serve({ accounts: [] })
export const error: FakeBinance.FakeBinanceError | undefined = undefined
export const client = createClient({ apiKey: "k", secretKey: "s" })
export const narrow = (u: unknown): string => isClientError(u) ? (u satisfies ClientError)._tag : "other"
