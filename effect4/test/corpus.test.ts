// The shared bad-input corpus (test/cases/corpus.ts) through the Effect 4 edition's two APIs. Each case must
// fail with a typed error naming the field, repeat no secret, and leave the fake's request log empty: the
// Promise API against a served fake (real HTTP), the Effect API against the in-memory fake (which answers for
// any host, so even a bad base URL would show up in its log).
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import * as Util from "node:util"
import * as corpus from "../../test/cases/corpus.js"
import { PASSPHRASE, rsaEncryptedPkcs8 } from "../../test/utils/keys.js"
import * as BinanceClock from "../src/BinanceClock.js"
import * as BinanceConfig from "../src/BinanceConfig.js"
import * as BinanceError from "../src/BinanceError.js"
import * as Credentials from "../src/Credentials.js"
import * as FakeBinance from "../src/FakeBinance.js"
import * as PortfolioMargin from "../src/PortfolioMargin.js"
import { createClient } from "../src/promise.js"
import * as RateLimit from "../src/RateLimit.js"
import { BTC } from "./helpers.js"

const account: FakeBinance.Account = { apiKey: corpus.API_KEY, hmacSecret: corpus.SECRET_KEY, assets: { BTC } }
const valid = { apiKey: corpus.API_KEY, secretKey: corpus.SECRET_KEY }

const SECRETS = [
  corpus.SECRET_KEY,
  corpus.API_KEY,
  PASSPHRASE,
  corpus.WRONG_PASSPHRASE,
  ...rsaEncryptedPkcs8.split("\n").filter((line) => line.length > 16 && !line.startsWith("-----"))
]

/** The error, every way a program might print it. */
const renderings = (error: unknown): string => {
  const e = error as Error
  return [String(e), e.message, e.stack, JSON.stringify(e), Util.inspect(e, { depth: 8 })].join("\n")
}

const expectTyped = (error: unknown, tag: "InvalidParameters" | "InvalidConfiguration", field: string) => {
  expect(error).toBeInstanceOf(Error)
  expect(BinanceError.isBinanceError(error)).toBe(true)
  expect(error).toMatchObject({ _tag: tag, field })
  const text = renderings(error)
  for (const secret of SECRETS) expect(text.includes(secret), "an error repeats a secret").toBe(false)
  // A 10,000-character input is described, not echoed.
  expect((error as Error).message.length).toBeLessThan(300)
}

describe("bad input through the Promise API (a served fake)", () => {
  let scope: Scope.Closeable
  let served: { readonly baseUrl: string; readonly fake: FakeBinance.Service }
  const requestCount = () => Effect.runPromise(served.fake.requestCount)

  beforeAll(async () => {
    scope = await Effect.runPromise(Scope.make())
    served = await Effect.runPromise(Scope.provide(FakeBinance.serve({ accounts: [account] }), scope))
  })
  afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

  it("a valid call reaches the fake: one request, the amounts as sent", async () => {
    const client = createClient({ ...valid, baseUrl: served.baseUrl })
    try {
      expect(await client.pmAccountInfo({ asset: "BTC" })).toEqual({ asset: "BTC", ...BTC })
      expect(await requestCount()).toBe(1)
    } finally {
      await client.close()
    }
  })

  for (const c of corpus.calls) {
    it(`${c.name} → InvalidParameters(${c.field}), nothing sent`, async () => {
      const before = await requestCount()
      const client = createClient({ ...valid, baseUrl: served.baseUrl })
      try {
        const error = await client.pmAccountInfo(c.params as never).then(() => "resolved", (e: unknown) => e)
        expectTyped(error, "InvalidParameters", c.field)
        expect(await requestCount()).toBe(before)
      } finally {
        await client.close()
      }
    })
  }

  for (const c of corpus.options) {
    it(`${c.name} → createClient throws InvalidConfiguration(${c.promise.field}), nothing sent`, async () => {
      const before = await requestCount()
      let thrown: unknown = "nothing thrown"
      try {
        createClient({ ...valid, baseUrl: served.baseUrl, ...c.promise.options } as never)
      } catch (error) {
        thrown = error
      }
      expectTyped(thrown, "InvalidConfiguration", c.promise.field)
      expect(await requestCount()).toBe(before)
    })
  }
})

const effectLayer = (setup: corpus.EffectLayer) => {
  switch (setup._tag) {
    case "Hmac":
      return Credentials.layerHmac(setup.options as never)
    case "PrivateKey":
      return Credentials.layerPrivateKey(setup.options as never)
    case "Env":
      return Credentials.layerConfig().pipe(
        Layer.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env: setup.env })))
      )
    case "Config":
      return Layer.merge(Credentials.layerHmac(valid), BinanceConfig.layer(setup.options as never))
  }
}

describe("bad input through the Effect API (the in-memory fake)", () => {
  const fakeLayer = Layer.mergeAll(FakeBinance.layer({ accounts: [account] }), BinanceClock.layer, RateLimit.layer)
  const withFake = <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.provide(self, fakeLayer)

  it.effect("a valid call reaches the fake: one request, the amounts as sent", () =>
    withFake(Effect.gen(function*() {
      const fake = yield* FakeBinance.FakeBinance
      const result = yield* PortfolioMargin.pmAccountInfoResult({ asset: "BTC" }).pipe(
        Effect.provide(Credentials.layerHmac(valid))
      )
      expect(result.response).toEqual({ asset: "BTC", ...BTC })
      expect(yield* fake.requestCount).toBe(1)
    })))

  for (const c of corpus.calls) {
    it.effect(`${c.name} → InvalidParameters(${c.field}), nothing sent`, () =>
      withFake(Effect.gen(function*() {
        const fake = yield* FakeBinance.FakeBinance
        const error = yield* Effect.flip(
          PortfolioMargin.pmAccountInfo(c.params as never).pipe(Effect.provide(Credentials.layerHmac(valid)))
        )
        expectTyped(error, "InvalidParameters", c.field)
        expect(yield* fake.requestCount).toBe(0)
      })))
  }

  for (const c of corpus.options) {
    it.effect(`${c.name} → the layer fails with InvalidConfiguration(${c.effect.field}), nothing sent`, () =>
      withFake(Effect.gen(function*() {
        const fake = yield* FakeBinance.FakeBinance
        const error = yield* Effect.flip(
          PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(effectLayer(c.effect.layer)))
        )
        expectTyped(error, "InvalidConfiguration", c.effect.field)
        expect(yield* fake.requestCount).toBe(0)
      })))
  }
})
