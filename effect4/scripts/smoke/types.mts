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
import { RateLimitRedis } from "effect-binance-pm/redis"
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
export const shared: Layer.Layer<never, RateLimitRedis.RedisUnavailable | BinanceError.InvalidConfiguration> =
  RateLimitRedis.layer({ url: "redis://127.0.0.1:6379", key: "nat-1", commandTimeout: "500 millis" })
export const options: RateLimitRedis.Options = { url: "redis://127.0.0.1:6379", keyPrefix: "bots:" }
