// Differential: the official connectors and this library send the same request to the same loopback fake, with the
// same keys at the same fixed time. Both must be accepted, send the same parameters and the very same signature
// (HMAC, RSA PKCS#1 v1.5 and Ed25519 are all deterministic), and read the same body to the same values. The cases
// and checks are test/cases/differential.ts. The Effect API runs here from the Effect 3 sources (the Effect 4
// tarball's: test/packed/effect4/differential.test.ts); the Promise API from both editions' packed tarballs.
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as FakeBinance from "../src/FakeBinance.js"
import { BinanceClock, BinanceConfig, Credentials, PortfolioMargin, RateLimit } from "../src/index.js"
import {
  accountsOf,
  ASSET_NAMES,
  ASSETS,
  credentialsOf,
  expectSameRequests,
  expectSameResult,
  MARKETS,
  officialCall,
  RECV_WINDOW,
  schemes,
  withFixedDateNow
} from "./cases/differential.js"
import { byName, type Edition } from "./utils/editions.js"

/** Our timestamps come from BinanceClock: the same fixed instant. */
const fixedClock = (now: number) =>
  Layer.effect(
    BinanceClock.BinanceClock,
    Effect.map(BinanceClock.make, (clock) => ({ ...clock, currentTimeMillis: Effect.succeed(now) }))
  )

describe("differential: official connectors vs the Effect API", () => {
  for (const market of MARKETS) {
    for (const scheme of schemes) {
      for (const asset of ASSET_NAMES) {
        it.live(`${market}, ${scheme.name}, ${asset}: same request, same signature, same values`, () =>
          Effect.scoped(Effect.gen(function*() {
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
                FetchHttpClient.layer
              ))
            )
            expectSameRequests(yield* fake.requests, { market, asset, now }, Redacted.value)
            expectSameResult(ours, theirs, asset, (a, b) => BigDecimal.equals(a, BigDecimal.unsafeFromString(b)))
          })))
      }
    }
  }
})

describe.each(byName)("differential: official connectors vs the Promise API, %s", (_name, edition: Edition) => {
  for (const market of MARKETS) {
    for (const scheme of schemes) {
      for (const asset of ASSET_NAMES) {
        it(`${market}, ${scheme.name}, ${asset}: same request, same signature, same strings`, () =>
          edition.withFake({ accounts: accountsOf(scheme) }, async ({ baseUrl, fake }) => {
            const now = Date.now()
            const theirs = await officialCall(market, scheme, baseUrl, now, asset)
            // `market` only when not the default: USDⓈ-M is also the default market.
            const client = edition.promise.createClient({
              apiKey: scheme.apiKey,
              ...scheme.options,
              baseUrl,
              maxRetries: 0,
              ...(market === "usds-m" ? {} : { market })
            })
            try {
              // The Promise API stamps its first call with the local time: pinned like the connector's.
              const ours = await withFixedDateNow(now, () => client.pmAccountInfo({ asset, recvWindow: RECV_WINDOW }))
              expectSameRequests(await edition.run(fake.requests), { market, asset, now }, edition.reveal)
              expect(ours).toEqual(theirs)
              expect(ours).toEqual({ asset, ...ASSETS[asset] })
            } finally {
              await client.close()
            }
          }))
      }
    }
  }
})
