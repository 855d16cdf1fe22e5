import { Layer } from "effect"
import { BinanceClock, BinanceHttpClient, Credentials } from "effect-binance-pm"
import { RateLimitRedis } from "effect-binance-pm/redis"

// Every process using this Redis and key shares one weight budget, one Retry-After pause and one ban.
const SharedBudget = RateLimitRedis.layer({ url: process.env.REDIS_URL!, key: "nat-gateway-eu-1" })

export const BinanceLive = Layer.mergeAll(
  Credentials.layerConfig(),
  BinanceClock.layer,
  BinanceHttpClient.layer(),
  SharedBudget
)
