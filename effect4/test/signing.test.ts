// The shared signing vectors (test/cases/signing.ts) through the Effect 4 edition: the constructors sign them,
// and what goes on the wire (the in-memory fake's log keeps the raw, URL-encoded signature) is the same.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import { TestClock } from "effect/testing"
import * as Crypto from "node:crypto"
import {
  API_KEY,
  ed25519Vector,
  HMAC_SECRET,
  hmacVectors,
  PAYLOAD,
  privateKeys,
  VECTOR_TIME
} from "../../test/cases/signing.js"
import * as BinanceClock from "../src/BinanceClock.js"
import * as BinanceConfig from "../src/BinanceConfig.js"
import * as Credentials from "../src/Credentials.js"
import * as FakeBinance from "../src/FakeBinance.js"
import * as PortfolioMargin from "../src/PortfolioMargin.js"
import * as RateLimit from "../src/RateLimit.js"
import { BTC, PM, requests } from "./helpers.js"

const verifies = (c: (typeof privateKeys)[number], payload: string, signature: string) =>
  Crypto.verify(c.algorithm, Buffer.from(payload), c.publicKey, Buffer.from(decodeURIComponent(signature), "base64"))

/** The fake with one account that verifies with `account`, and `credentials` to sign with. */
const wire = (
  account: Omit<FakeBinance.Account, "apiKey" | "assets">,
  credentials: Layer.Layer<Credentials.Credentials, unknown>
) =>
  Layer.mergeAll(
    FakeBinance.layer({ accounts: [{ apiKey: API_KEY, assets: { BTC }, ...account }] }),
    credentials,
    BinanceClock.layer,
    RateLimit.layer,
    BinanceConfig.layer({ baseUrl: "https://fapi.test" })
  )

const sentSignatures = Effect.map(requests(PM), (log) => log.map((entry) => Redacted.value(entry.signature!)))

describe("signing vectors", () => {
  it("HMAC: Binance's reference vectors", () => {
    const service = Result.getOrThrow(Credentials.makeHmac({ apiKey: API_KEY, secretKey: HMAC_SECRET }))
    expect(service.keyType).toBe("HMAC")
    for (const { payload, signature } of hmacVectors) expect(service.sign(payload)).toBe(signature)
  })

  for (const c of privateKeys) {
    it(`${c.name}: the key type is read from the key, the signature verifies with the public key`, () => {
      const service = Result.getOrThrow(
        Credentials.makePrivateKey({
          apiKey: API_KEY,
          privateKey: c.pem,
          ...(c.passphrase === undefined ? {} : { passphrase: c.passphrase })
        })
      )
      expect(service.keyType).toBe(c.keyType)
      const signature = service.sign(PAYLOAD)
      expect(verifies(c, PAYLOAD, signature)).toBe(true)
      expect(verifies(c, PAYLOAD + "1", signature)).toBe(false)
    })
  }

  it.effect("HMAC on the wire: the reference request carries the reference signature", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(VECTOR_TIME)
      yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" })
      const [entry] = yield* requests(PM)
      expect(entry!.query.startsWith(`${PAYLOAD}&signature=`)).toBe(true)
      expect(yield* sentSignatures).toEqual([hmacVectors[0]!.signature])
    }).pipe(
      Effect.provide(
        wire({ hmacSecret: HMAC_SECRET }, Credentials.layerHmac({ apiKey: API_KEY, secretKey: HMAC_SECRET }))
      )
    ))

  it.effect("Ed25519 on the wire: the RFC 8032 key signs to the reference signature, base64 then URL-encoded", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(VECTOR_TIME)
      yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" })
      const [signature] = yield* sentSignatures
      expect(signature).toBe(encodeURIComponent(ed25519Vector.signature))
      expect(signature).toMatch(/%2B|%2F|%3D/)
    }).pipe(Effect.provide(wire(
      { publicKey: Crypto.createPublicKey(ed25519Vector.privateKey) },
      Credentials.layerPrivateKey({ apiKey: API_KEY, privateKey: ed25519Vector.privateKey })
    ))))

  for (const c of privateKeys.filter((c) => c.passphrase === undefined)) {
    it.effect(`${c.name} on the wire: accepted by the fake, no raw +, / or = in any sent signature`, () =>
      Effect.gen(function*() {
        // several timestamps: across them the base64 holds every one of +, / and = (RSA-2048 always ends in ==)
        for (let i = 0; i < 12; i++) {
          yield* TestClock.adjust(1)
          yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" })
        }
        const log = yield* requests(PM)
        expect(log.map((entry) => entry.verdict)).toEqual(Array(12).fill("ok"))
        const raw = yield* sentSignatures
        for (const signature of raw) {
          expect(signature).toMatch(/^[A-Za-z0-9%]+$/)
          expect(Buffer.from(decodeURIComponent(signature), "base64").length).toBe(c.bytes)
        }
        expect(raw.join("")).toMatch(/%3D|%2B|%2F/)
      }).pipe(Effect.provide(wire(
        { publicKey: c.publicKey },
        Credentials.layerPrivateKey({ apiKey: API_KEY, privateKey: c.pem })
      ))))
  }
})
