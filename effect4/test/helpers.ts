// Wiring shared by the specs: an in-memory FakeBinance with one HMAC account, on the TestClock.
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import { TestClock } from "effect/testing"
import * as BinanceClock from "../src/BinanceClock.js"
import * as BinanceConfig from "../src/BinanceConfig.js"
import * as Credentials from "../src/Credentials.js"
import * as FakeBinance from "../src/FakeBinance.js"
import * as RateLimit from "../src/RateLimit.js"

export const SECRET = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9"
export const KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
export const PM = "/fapi/v1/pmAccountInfo"
export const TIME = "/fapi/v1/time"
export const BTC = { maxWithdrawAmount: "27.43689636", maxWithdrawAmountUSD: "1627523.32459208" } as const
export const hmacAccount: FakeBinance.Account = { apiKey: KEY, hmacSecret: SECRET, assets: { BTC } }

/** The fake, HMAC credentials, a fresh clock and gate, and config over the defaults. */
export const env = (
  config: BinanceConfig.Options = {},
  fake: FakeBinance.Options = { accounts: [hmacAccount] }
) =>
  Layer.mergeAll(
    FakeBinance.layer(fake),
    Credentials.layerHmac({ apiKey: KEY, secretKey: SECRET }),
    BinanceClock.layer,
    RateLimit.layer,
    BinanceConfig.layer({ baseUrl: "https://fapi.test", ...config })
  )

/** Runs `effect` in a fork and moves virtual time on until it ends. */
export const runWithTime = <A, E, R>(effect: Effect.Effect<A, E, R>, minutes = 5) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.forkChild(effect)
    for (let i = 0; i < minutes * 6; i++) yield* TestClock.adjust("10 seconds")
    return yield* Fiber.join(fiber)
  })

export const requests = (path?: string) =>
  Effect.flatMap(
    Effect.service(FakeBinance.FakeBinance),
    (fake) => Effect.map(fake.requests, (log) => path === undefined ? log : log.filter((entry) => entry.path === path))
  )
