// Differential: the official SDK (@binance/derivatives-trading-usds-futures) and this library send the same
// request to the same loopback fake, with the same keys at the same fixed time. Both must be accepted, send
// the same parameters and the very same signature (HMAC, RSA PKCS#1 v1.5 and Ed25519 are all deterministic),
// and read the same body to the same values.
import { DerivativesTradingUsdsFutures } from "@binance/derivatives-trading-usds-futures"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { describe, expect, it, vi } from "@effect/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as FakeBinance from "../src/FakeBinance.js"
import { BinanceClock, BinanceConfig, Credentials, PortfolioMargin, RateLimit } from "../src/index.js"
import { ED25519_RFC8032, edPkcs8, HMAC_SECRET, rsaPkcs8 } from "./utils/keys.js"

// Amounts that would not survive a trip through a float, with trailing zeros kept.
const ASSETS = {
  BTC: { maxWithdrawAmount: "27.43689636000", maxWithdrawAmountUSD: "12345678901234567890.123456789012345678" },
  ETH: { maxWithdrawAmount: "0.00000001", maxWithdrawAmountUSD: "0.1000" }
}

interface Scheme {
  readonly name: string
  readonly apiKey: string
  /** How the fake verifies the key. */
  readonly account: Omit<FakeBinance.Account, "apiKey" | "assets">
  /** How the SDK signs. */
  readonly sdk: { readonly apiSecret: string } | { readonly privateKey: string }
  /** How we sign. */
  readonly credentials: Layer.Layer<Credentials.Credentials, unknown>
}

const schemes: ReadonlyArray<Scheme> = [
  {
    name: "HMAC-SHA256",
    apiKey: "differential-hmac",
    account: { hmacSecret: HMAC_SECRET },
    sdk: { apiSecret: HMAC_SECRET },
    credentials: Credentials.layerHmac({ apiKey: "differential-hmac", secretKey: HMAC_SECRET })
  },
  {
    name: "RSA PKCS#8",
    apiKey: "differential-rsa",
    account: { publicKey: rsaPkcs8 },
    sdk: { privateKey: rsaPkcs8 },
    credentials: Credentials.layerPrivateKey({ apiKey: "differential-rsa", privateKey: rsaPkcs8 })
  },
  {
    name: "Ed25519 (generated)",
    apiKey: "differential-ed25519",
    account: { publicKey: edPkcs8 },
    sdk: { privateKey: edPkcs8 },
    credentials: Credentials.layerPrivateKey({ apiKey: "differential-ed25519", privateKey: edPkcs8 })
  },
  {
    name: "Ed25519 (RFC 8032 test key)",
    apiKey: "differential-rfc8032",
    account: { publicKey: ED25519_RFC8032 },
    sdk: { privateKey: ED25519_RFC8032 },
    credentials: Credentials.layerPrivateKey({ apiKey: "differential-rfc8032", privateKey: ED25519_RFC8032 })
  }
]

/** The SDK stamps `Date.now()`; pin it for the duration of the call. */
const withFixedDateNow = <A>(now: number, run: () => Promise<A>) =>
  Effect.promise(async () => {
    const spy = vi.spyOn(Date, "now").mockReturnValue(now)
    try {
      return await run()
    } finally {
      spy.mockRestore()
    }
  })

/** Our timestamps come from BinanceClock: the same fixed instant. */
const fixedClock = (now: number) =>
  Layer.effect(
    BinanceClock.BinanceClock,
    Effect.map(BinanceClock.make, (clock) => ({ ...clock, currentTimeMillis: Effect.succeed(now) }))
  )

describe("differential: official SDK vs pmAccountInfo", () => {
  for (const scheme of schemes) {
    for (const asset of ["BTC", "ETH"] as const) {
      it.live(`${scheme.name}, ${asset}: same request, same signature, same values`, () =>
        Effect.scoped(Effect.gen(function*() {
          const { baseUrl, fake } = yield* FakeBinance.serve({
            accounts: [{ apiKey: scheme.apiKey, ...scheme.account, assets: ASSETS }]
          })
          // A real instant (the fake checks it against its own clock), fixed for both clients.
          const now = Date.now()
          const recvWindow = 7000

          const sdk = new DerivativesTradingUsdsFutures({
            configurationRestAPI: { apiKey: scheme.apiKey, ...scheme.sdk, basePath: baseUrl, timeout: 5000 }
          })
          const theirs = yield* withFixedDateNow(now, async () => {
            const response = await sdk.restAPI!.classicPortfolioMarginAccountInformation({ asset, recvWindow })
            return response.data()
          })

          const ours = yield* PortfolioMargin.pmAccountInfoResult({ asset, recvWindow }).pipe(
            Effect.provide(Layer.mergeAll(
              scheme.credentials,
              fixedClock(now),
              BinanceConfig.layer({ baseUrl, maxRetries: 0 }),
              RateLimit.layer,
              FetchHttpClient.layer
            ))
          )

          const [sdkRequest, ourRequest] = yield* fake.requests
          expect(yield* fake.requestCount).toBe(2)
          // Both accepted.
          expect([sdkRequest!.verdict, ourRequest!.verdict]).toEqual(["ok", "ok"])
          // The same parameters in the same order: asset, recvWindow, the fixed timestamp.
          const params = (query: string) => [...new URLSearchParams(query)]
          expect(params(sdkRequest!.query)).toEqual([
            ["asset", asset],
            ["recvWindow", String(recvWindow)],
            ["timestamp", String(now)],
            ["signature", "<redacted>"]
          ])
          expect(ourRequest!.query).toBe(sdkRequest!.query)
          // The very same signature bytes on the wire.
          const signature = (entry: FakeBinance.LogEntry) => Redacted.value(entry.signature!)
          expect(signature(ourRequest!)).toBe(signature(sdkRequest!))
          expect(Redacted.value(ourRequest!.apiKey!)).toBe(Redacted.value(sdkRequest!.apiKey!))
          // The same body read to the same strings, and to the same exact decimals.
          expect(ours.response).toEqual(theirs)
          expect(ours.response).toEqual({ asset, ...ASSETS[asset] })
          expect(BigDecimal.equals(ours.info.maxWithdrawAmount, BigDecimal.unsafeFromString(theirs.maxWithdrawAmount!)))
            .toBe(true)
          expect(
            BigDecimal.equals(ours.info.maxWithdrawAmountUSD, BigDecimal.unsafeFromString(theirs.maxWithdrawAmountUSD!))
          ).toBe(true)
        })))
    }
  }
})
