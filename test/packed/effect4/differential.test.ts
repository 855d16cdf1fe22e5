// The differential on the Effect 4 tarball's Effect API: the official connectors and pmAccountInfoResult send the
// same request to the tarball's loopback fake, with the same keys at the same fixed time, for both markets, every
// key kind and both assets (cases and checks: test/cases/differential.ts, shared with the root's Effect 3 spec).
// Over both transports: BinanceHttpClient takes the edition's direct path, which builds its own request.
import type * as Library from "effect-binance-pm"
import type * as Testing from "effect-binance-pm/testing"
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { describe, it } from "vitest"
import {
  accountsOf,
  ASSET_NAMES,
  credentialsOf,
  expectSameRequests,
  expectSameResult,
  MARKETS,
  officialCall,
  RECV_WINDOW,
  schemes
} from "../../cases/differential.js"

const { BinanceClock, BinanceConfig, BinanceHttpClient, Credentials, PortfolioMargin, RateLimit }: typeof Library =
  await import("effect-binance-pm")
const { FakeBinance }: typeof Testing = await import("effect-binance-pm/testing")

/** Our timestamps come from BinanceClock: the same fixed instant. */
const fixedClock = (now: number) =>
  Layer.effect(
    BinanceClock.BinanceClock,
    Effect.map(BinanceClock.make, (clock) => ({ ...clock, currentTimeMillis: Effect.succeed(now) }))
  )

const transports: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["BinanceHttpClient.layer (node:http)", BinanceHttpClient.layer()],
  ["FetchHttpClient.layer", FetchHttpClient.layer]
]

describe.each(transports)(
  "differential: official connectors vs the Effect 4 tarball's Effect API, %s",
  (_, transport) => {
    for (const market of MARKETS) {
      for (const scheme of schemes) {
        for (const asset of ASSET_NAMES) {
          it(`${market}, ${scheme.name}, ${asset}: same request, same signature, same values`, () =>
            Effect.runPromise(Effect.scoped(Effect.gen(function*() {
              const { baseUrl, fake } = yield* FakeBinance.serve({ accounts: accountsOf(scheme) })
              // A real instant (the fake checks it against its own clock), fixed for both clients.
              const now = Date.now()
              const theirs = yield* Effect.promise(() => officialCall(market, scheme, baseUrl, now, asset))
              const ours = yield* PortfolioMargin.pmAccountInfoResult({ asset, recvWindow: RECV_WINDOW }).pipe(
                Effect.provide(Layer.mergeAll(
                  credentialsOf(Credentials, scheme),
                  fixedClock(now),
                  BinanceConfig.layer({ baseUrl, market, maxRetries: 0 }),
                  RateLimit.layer,
                  transport
                ))
              )
              expectSameRequests(yield* fake.requests, { market, asset, now }, Redacted.value)
              expectSameResult(ours, theirs, asset, (a, b) => BigDecimal.equals(a, BigDecimal.fromStringUnsafe(b)))
            }))))
        }
      }
    }
  }
)
