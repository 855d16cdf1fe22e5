// Smoke test of the packed Effect 4 tarball, as an ESM consumer: each entry imports, and one real call runs
// against FakeBinance.serve over loopback through both the Effect API (on effect/http's FetchHttpClient) and
// the Promise API; ./redis loads ioredis and fails typed (bad options, a closed port) without a Redis.
import { BigDecimal, Effect, Layer } from "effect"
import { BinanceClock, BinanceConfig, Credentials, PortfolioMargin } from "effect-binance-pm"
import { createClient } from "effect-binance-pm/promise"
import { RateLimitRedis } from "effect-binance-pm/redis"
import { FakeBinance } from "effect-binance-pm/testing"
import { FetchHttpClient } from "effect/http"

const apiKey = "smoke-api-key"
const secretKey = "smoke-secret-key"

const program = Effect.gen(function*() {
  const { baseUrl } = yield* FakeBinance.serve({
    accounts: [{
      apiKey,
      hmacSecret: secretKey,
      assets: { BTC: { maxWithdrawAmount: "1.50", maxWithdrawAmountUSD: "90000.1" } }
    }]
  })
  const info = yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(
    Effect.provide(Layer.mergeAll(
      Credentials.layerHmac({ apiKey, secretKey }),
      BinanceClock.layer,
      BinanceConfig.layer({ baseUrl }),
      FetchHttpClient.layer
    ))
  )
  if (!BigDecimal.equals(info.maxWithdrawAmount, BigDecimal.fromStringUnsafe("1.5"))) throw new Error("effect api")
  const client = createClient({ apiKey, secretKey, baseUrl })
  const raw = yield* Effect.promise(() => client.pmAccountInfo({ asset: "BTC" }))
  yield* Effect.promise(() => client.close())
  if (raw.maxWithdrawAmount !== "1.50") throw new Error("promise api")
  const invalid = yield* Effect.flip(RateLimitRedis.make({}))
  if (invalid._tag !== "InvalidConfiguration") throw new Error("redis options")
  const down = yield* Effect.flip(RateLimitRedis.make({ url: "redis://:pw@127.0.0.1:1", connectTimeout: 500 }))
  if (down._tag !== "RedisUnavailable" || String(down).includes("pw")) throw new Error("redis unavailable")
  console.log("esm smoke ok", raw, invalid._tag, down._tag)
})

await Effect.runPromise(Effect.scoped(program))
