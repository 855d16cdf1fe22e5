// The Effect 4 edition's Effect API end to end, from its packed tarball, over real loopback HTTP: BinanceHttpClient
// (node:http) and Effect's FetchHttpClient against the tarball's FakeBinance.serve. Runs on Effect 4 and vitest 5
// (./vitest.config.mjs: `npm run test:packed4`), so `effect` here is the consumer folder's, the tarball's own copy.
import type * as Library from "effect-binance-pm"
import type * as Testing from "effect-binance-pm/testing"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import { describe, expect, it } from "vitest"

const { BinanceClock, BinanceConfig, BinanceHttpClient, Credentials, PortfolioMargin, RateLimit }: typeof Library =
  await import("effect-binance-pm")
const { FakeBinance }: typeof Testing = await import("effect-binance-pm/testing")

const KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
const SECRET = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9"
const PM = "/fapi/v1/pmAccountInfo"
const BTC = { maxWithdrawAmount: "27.43689636", maxWithdrawAmountUSD: "1627523.32459208" }
const Fault = FakeBinance.Fault

type Env =
  | Scope.Scope
  | HttpClient.HttpClient
  | Library.BinanceClock.BinanceClock
  | Library.Credentials.Credentials

const call = PortfolioMargin.pmAccountInfoResult({ asset: "BTC" })

const elapsed = <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const start = yield* Clock.currentTimeMillis
    const result = yield* self
    return [result, (yield* Clock.currentTimeMillis) - start] as const
  })

const transports: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["BinanceHttpClient.layer (node:http)", BinanceHttpClient.layer()],
  ["FetchHttpClient.layer", FetchHttpClient.layer]
]

describe.each(transports)("Effect 4 tarball, Effect API end to end over loopback HTTP with %s", (_name, transport) => {
  /** A fresh fake, and everything pmAccountInfo needs pointed at it, with retries 20 ms apart. */
  const withServer = <A, E>(
    body: (fake: Testing.FakeBinance.Service) => Effect.Effect<A, E, Env>,
    options: Library.BinanceConfig.Options = {}
  ) =>
    Effect.runPromise(Effect.scoped(Effect.gen(function*() {
      const { baseUrl, fake } = yield* FakeBinance.serve({
        accounts: [{ apiKey: KEY, hmacSecret: SECRET, assets: { BTC } }]
      })
      return yield* body(fake).pipe(Effect.provide(Layer.mergeAll(
        transport,
        Credentials.layerHmac({ apiKey: KEY, secretKey: SECRET }),
        BinanceClock.layer,
        RateLimit.layer,
        BinanceConfig.layer({ baseUrl, retrySchedule: Schedule.spaced("20 millis"), ...options })
      )))
    })))

  it("reads the account: one signed request, accepted, decoded with the used weight", () =>
    withServer((fake) =>
      Effect.gen(function*() {
        const result = yield* call
        expect(result.response).toEqual({ asset: "BTC", ...BTC })
        expect([result.usedWeight, result.attempts]).toEqual([5, 1])
        const [entry] = yield* fake.requests
        expect(entry).toMatchObject({ method: "GET", path: PM, status: 200, verdict: "ok" })
        expect(entry!.query).toMatch(/^asset=BTC&recvWindow=5000&timestamp=\d+&signature=<redacted>$/)
      })
    ))

  it("retries a JSON 503 and an HTML 502, each signed afresh, then answers", () =>
    withServer((fake) =>
      Effect.gen(function*() {
        yield* fake.enqueueFault(Fault.serviceUnavailable("unavailable"), { path: PM })
        yield* fake.enqueueFault(Fault.html502, { path: PM })
        expect((yield* call).attempts).toBe(3)
        const log = yield* fake.requests
        expect(log.map((e) => e.status)).toEqual([503, 502, 200])
        expect(new Set(log.map((e) => e.query)).size).toBe(3)
      })
    ))

  it("a 429 with Retry-After: waits that long, then answers", () =>
    withServer((fake) =>
      Effect.gen(function*() {
        yield* fake.enqueueFault(Fault.rateLimited(1), { path: PM })
        const [result, ms] = yield* elapsed(call)
        expect(result.attempts).toBe(2)
        // Retry-After, not a minute's window (generous for a loaded 2-core machine)
        expect(ms).toBeGreaterThanOrEqual(1000)
        expect(ms).toBeLessThan(15_000)
      })
    ))

  it("-1021 against a skewed server: re-syncs on /fapi/v1/time once, then answers", () =>
    withServer((fake) =>
      Effect.gen(function*() {
        yield* fake.setServerSkew(30_000)
        expect((yield* call).response).toEqual({ asset: "BTC", ...BTC })
        const log = yield* fake.requests
        expect(log.map((e) => e.path)).toEqual([PM, "/fapi/v1/time", PM])
        expect(log[0]!.verdict).toBe("-1021 timestamp-behind")
      })
    ))

  it("every attempt too slow: Timeout, promptly, after maxRetries + 1 attempts", () =>
    withServer((fake) =>
      Effect.gen(function*() {
        yield* fake.enqueueFault(Fault.delay("60 seconds"), { path: PM, count: 10 })
        const [error, ms] = yield* elapsed(Effect.flip(call))
        expect(error._tag).toBe("Timeout")
        expect(ms).toBeLessThan(20_000)
        expect(yield* fake.requestCount).toBe(3)
      }), { timeout: "300 millis", maxRetries: 2 }))

  it("a wrong secret: InvalidSignature, typed, without the secret", () =>
    withServer(() =>
      Effect.gen(function*() {
        const wrong = "0".repeat(64)
        const error = yield* Effect.flip(
          call.pipe(Effect.provide(Credentials.layerHmac({ apiKey: KEY, secretKey: wrong })))
        )
        expect(error).toMatchObject({ _tag: "InvalidSignature", status: 400, code: -1022 })
        expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(wrong)
      })
    ))
})
