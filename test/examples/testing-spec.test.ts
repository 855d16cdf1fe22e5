import { describe, expect, it } from "@effect/vitest"
import { Amount, BinanceClock, BinanceConfig, Credentials, PortfolioMargin } from "effect-binance-pm"
import { FakeBinance } from "effect-binance-pm/testing"
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as TestClock from "effect/TestClock"

// ---- Your program: move up to `wanted` out to spot, as far as Binance allows. ----

type Plan =
  | { readonly _tag: "Transfer"; readonly asset: string; readonly amount: string }
  | { readonly _tag: "Nothing"; readonly asset: string }
  | { readonly _tag: "Later"; readonly retryAfterMs: number }

const planTransfer = (asset: string, wanted: BigDecimal.BigDecimal) =>
  PortfolioMargin.pmAccountInfo({ asset }).pipe(
    Effect.map((info): Plan => {
      const amount = BigDecimal.min(wanted, info.maxWithdrawAmount)
      return BigDecimal.isPositive(amount)
        ? { _tag: "Transfer", asset, amount: Amount.formatPlain(amount) }
        : { _tag: "Nothing", asset }
    }),
    // Binance asked us to back off for longer than the client waits by itself: come back later.
    Effect.catchTag("RateLimited", (error) =>
      Effect.succeed<Plan>({ _tag: "Later", retryAfterMs: error.retryAfterMs ?? 60_000 }))
  )

// ---- Your spec: the in-memory fake exchange, on virtual time. ----

const BTC = { maxWithdrawAmount: "27.43689636", maxWithdrawAmountUSD: "1627523.32459208" }
const ETH = { maxWithdrawAmount: "0.00000000", maxWithdrawAmountUSD: "0.00000000" }

const TestEnv = Layer.mergeAll(
  // The fake exchange as an in-memory HttpClient, with its own fresh rate-limit gate.
  FakeBinance.layer({ accounts: [{ apiKey: "test-key", hmacSecret: "test-secret", assets: { BTC, ETH } }] }),
  Credentials.layerHmac({ apiKey: "test-key", secretKey: "test-secret" }),
  BinanceClock.layer,
  // The default backoff without its jitter, so the request log's times are exact.
  BinanceConfig.layer({ retrySchedule: Schedule.exponential("200 millis") })
)

/** Runs `self` in the background and moves virtual time on, so retries and Retry-After waits elapse. */
const withTimePassing = <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(self)
    yield* TestClock.adjust("1 minute")
    return yield* Fiber.join(fiber)
  })

describe("planTransfer", () => {
  it.effect("caps the transfer at what Binance allows, and moves nothing when nothing is free", () =>
    Effect.gen(function*() {
      expect(yield* planTransfer("BTC", BigDecimal.unsafeFromString("100"))).toEqual({
        _tag: "Transfer",
        asset: "BTC",
        amount: "27.43689636"
      })
      expect(yield* planTransfer("ETH", BigDecimal.unsafeFromString("1"))).toEqual({ _tag: "Nothing", asset: "ETH" })
    }).pipe(Effect.provide(TestEnv)))

  it.effect("rides out a 503 and a short 429 (waiting out its Retry-After), then plans", () =>
    Effect.gen(function*() {
      const fake = yield* FakeBinance.FakeBinance
      yield* fake.enqueueFault(FakeBinance.Fault.serviceUnavailable("unavailable"))
      yield* fake.enqueueFault(FakeBinance.Fault.rateLimited(2))

      const plan = yield* withTimePassing(planTransfer("BTC", BigDecimal.unsafeFromString("1.5")))
      expect(plan).toEqual({ _tag: "Transfer", asset: "BTC", amount: "1.5" })

      // The request log: what reached the exchange, when, and what it answered.
      const log = yield* fake.requests
      expect(log.map((entry) => [entry.time, entry.status, entry.verdict])).toEqual([
        [0, 503, "fault:serviceUnavailable"],
        [200, 429, "fault:rateLimited"], // retried after 200 ms
        [2200, 200, "ok"] // not a millisecond before Retry-After said
      ])
      expect(log[2]!.path).toBe("/fapi/v1/pmAccountInfo")
      expect(log[2]!.query).toMatch(/^asset=BTC&recvWindow=5000&timestamp=\d+&signature=<redacted>$/)
      expect(log[2]!.headers["x-mbx-apikey"]).toBe("<redacted>") // secrets stay out of the log...
      expect(Redacted.value(log[2]!.apiKey!)).toBe("test-key") // ...unless you ask for them
    }).pipe(Effect.provide(TestEnv)))

  it.effect("a long 429 is not waited for: the program plans to come back later", () =>
    Effect.gen(function*() {
      const fake = yield* FakeBinance.FakeBinance
      yield* fake.enqueueFault(FakeBinance.Fault.rateLimited(30))

      const plan = yield* planTransfer("BTC", BigDecimal.unsafeFromString("1"))
      expect(plan).toEqual({ _tag: "Later", retryAfterMs: 30_000 })
      expect(yield* fake.requestCount).toBe(1)
    }).pipe(Effect.provide(TestEnv)))
})
