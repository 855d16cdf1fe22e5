// Type-checked as a consumer would (strict, nodenext, skipLibCheck: false): every entry, from CommonJS.
import type { Effect } from "effect"
import type { BinanceError } from "effect-binance-pm"
import { PortfolioMargin, RateLimit } from "effect-binance-pm"
import { createClient } from "effect-binance-pm/promise"
import { RateLimitRedis } from "effect-binance-pm/redis"
import { FakeBinance } from "effect-binance-pm/testing"

export const program: Effect.Effect<unknown, BinanceError.PmAccountInfoError, unknown> = PortfolioMargin
  .pmAccountInfoResult({ asset: "BTC" })
export const gate: RateLimit.Service = RateLimit.makeUnsafe()
export const fake = FakeBinance.layer({ accounts: [] })
export const client = createClient({ apiKey: "k", secretKey: "s" })
export const redisGate = RateLimitRedis.make({ url: "redis://127.0.0.1:6379" })
