import * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import * as Crypto from "node:crypto"
import * as FakeBinance from "../src/FakeBinance.js"
import {
  BTC,
  call,
  hmac,
  hmacAccount,
  KEY,
  outcome,
  PM,
  SECRET,
  signed,
  TIME,
  withFake
} from "./FakeBinance.helpers.js"

const T = 1591702613943
const q = (ts = T, extra = "") => `asset=BTC${extra}&timestamp=${ts}`

describe("FakeBinance routes", () => {
  it.effect("GET /fapi/v1/time answers the server time (Clock + skew) with weight 1", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1234)
      const response = yield* HttpClient.get(`https://anything.example${TIME}`)
      expect(response.status).toBe(200)
      expect(yield* response.json).toEqual({ serverTime: 1234 })
      expect(response.headers["x-mbx-used-weight-1m"]).toBe("1")
      const fake = yield* FakeBinance.FakeBinance
      yield* fake.setServerSkew(-234)
      expect((yield* outcome(TIME)).body).toEqual({ serverTime: 1000 })
    }).pipe(withFake()))

  it.effect("unknown paths are 404 and wrong methods 405, both -5000", () =>
    Effect.gen(function*() {
      expect(yield* outcome("/fapi/v1/account")).toMatchObject({
        status: 404,
        body: { code: -5000, msg: "Path /fapi/v1/account, Method GET is invalid" }
      })
      expect(yield* outcome(TIME, {}, "POST")).toMatchObject({ status: 405, code: -5000 })
      expect(yield* outcome(TIME)).toMatchObject({ status: 200 })
    }).pipe(withFake()))
})

describe("FakeBinance auth", () => {
  it.effect("X-MBX-APIKEY: missing or empty is -2014, unknown is -2015, the name is case-insensitive", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T)
      expect(yield* outcome(signed(q()), {})).toMatchObject({
        status: 401,
        body: { code: -2014, msg: "API-key format invalid." }
      })
      expect(yield* outcome(signed(q()), { "X-MBX-APIKEY": "" })).toMatchObject({ status: 401, code: -2014 })
      expect(yield* outcome(signed(q()), { "X-MBX-APIKEY": "nope" })).toMatchObject({
        status: 401,
        body: { code: -2015, msg: "Invalid API-key, IP, or permissions for action." }
      })
      expect(yield* outcome(signed(q()), { "x-mbx-apikey": KEY })).toMatchObject({ status: 200 })
      expect(yield* outcome(signed(q()), { "X-Mbx-ApiKey": KEY })).toMatchObject({ status: 200 })
    }).pipe(withFake()))

  it.effect("HMAC: the official vector is accepted, byte for byte; tampering is -1022", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T)
      const query = `asset=BTC&recvWindow=5000&timestamp=${T}`
      const sig = "26cd108c6472eb30e9ff5d0f5d56b09bc9d2937272c3b9a46d0320e27b70cb4b"
      expect(hmac(query)).toBe(sig)
      const response = yield* call(`${PM}?${query}&signature=${sig}`)
      expect(response).toEqual({
        _tag: "Reply",
        status: 200,
        headers: { "content-type": "application/json", "x-mbx-used-weight-1m": "5" },
        body: "{\"maxWithdrawAmountUSD\":\"1627523.32459208\",\"asset\":\"BTC\",\"maxWithdrawAmount\":\"27.43689636\"}"
      })
      const bad = { status: 400, body: { code: -1022, msg: "Signature for this request is not valid." } }
      expect(yield* outcome(`${PM}?${query.replace("5000", "6000")}&signature=${sig}`)).toMatchObject(bad)
      expect(yield* outcome(`${PM}?${query}&signature=${sig.toUpperCase().slice(1)}`)).toMatchObject(bad)
      expect(yield* outcome(`${PM}?${query}&signature=${hmac(query, SECRET.replace("2b", "2c"))}`)).toMatchObject(bad)
    }).pipe(withFake()))

  it.effect("the signature covers the raw query: percent-escapes are signed as sent, never re-encoded", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T)
      const raw = `asset=B%54C&timestamp=${T}`
      const ok = yield* outcome(signed(raw))
      expect(ok).toMatchObject({ status: 200, body: { asset: "BTC" } })
      const reEncoded = `${PM}?${raw}&signature=${hmac(q())}`
      expect(yield* outcome(reEncoded)).toMatchObject({ status: 400, code: -1022 })
    }).pipe(withFake()))

  it.effect("RSA (PKCS#1 v1.5, SHA-256) and Ed25519 signatures: URL-encoded base64 accepted, tampered rejected", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T)
      const rsa = Crypto.generateKeyPairSync("rsa", { modulusLength: 2048 })
      const otherRsa = Crypto.generateKeyPairSync("rsa", { modulusLength: 1024 })
      const ed = Crypto.generateKeyPairSync("ed25519")
      const otherEd = Crypto.generateKeyPairSync("ed25519")
      const fake = yield* FakeBinance.FakeBinance
      const spki = rsa.publicKey.export({ type: "spki", format: "pem" }).toString()
      yield* fake.addAccount({ apiKey: "rsa-key", publicKey: spki, assets: { BTC } })
      yield* fake.addAccount({ apiKey: "ed-key", publicKey: ed.publicKey, assets: { BTC } })
      const sign = (algorithm: string | null, key: Crypto.KeyObject) => (payload: string) =>
        encodeURIComponent(Crypto.sign(algorithm, Buffer.from(payload), key).toString("base64"))
      const cases = [
        { apiKey: "rsa-key", good: sign("RSA-SHA256", rsa.privateKey), other: sign("RSA-SHA256", otherRsa.privateKey) },
        { apiKey: "ed-key", good: sign(null, ed.privateKey), other: sign(null, otherEd.privateKey) }
      ]
      for (const { apiKey, good, other } of cases) {
        const headers = { "X-MBX-APIKEY": apiKey }
        expect(yield* outcome(signed(q(), good), headers)).toMatchObject({ status: 200, body: { asset: "BTC" } })
        const tampered = `${PM}?${q(T - 1)}&signature=${good(q())}`
        expect(yield* outcome(tampered, headers)).toMatchObject({ status: 400, code: -1022 })
        expect(yield* outcome(signed(q(), other), headers)).toMatchObject({ status: 400, code: -1022 })
      }
      const log = yield* fake.requests
      expect(log.map((e) => e.verdict)).toEqual([
        "ok",
        "-1022 signature-RSA",
        "-1022 signature-RSA",
        "ok",
        "-1022 signature-Ed25519",
        "-1022 signature-Ed25519"
      ])
    }).pipe(withFake()))

  it.effect("Ed25519: the RFC 8032 key signs the reference payload to the reference signature", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T)
      const pem = "-----BEGIN PRIVATE KEY-----\n" +
        "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n-----END PRIVATE KEY-----\n"
      const fake = yield* FakeBinance.FakeBinance
      yield* fake.addAccount({ apiKey: "ed", publicKey: Crypto.createPublicKey(pem), assets: { BTC } })
      const sig = "nP06F5IsUCEn4kxFSFvERuxTmYNvdTGwxezJfbUOh+5WRO6BC7YPIkTAzX42ud+9069FAtchmK/61r3PDngeCg=="
      const query = `asset=BTC&recvWindow=5000&timestamp=${T}`
      const headers = { "X-MBX-APIKEY": "ed" }
      const encoded = `${PM}?${query}&signature=${encodeURIComponent(sig)}`
      expect(yield* outcome(encoded, headers)).toMatchObject({ status: 200 })
      // Unencoded base64: '+' reads as a space, so the signature no longer verifies, as on fapi.
      expect(yield* outcome(`${PM}?${query}&signature=${sig}`, headers)).toMatchObject({ status: 400, code: -1022 })
    }).pipe(withFake()))

  it.effect("signature missing or not the last parameter is -1022", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T)
      expect(yield* outcome(`${PM}?${q()}`)).toMatchObject({ status: 400, code: -1022 })
      const notLast = `${PM}?asset=BTC&signature=${hmac(`asset=BTC&timestamp=${T}`)}&timestamp=${T}`
      expect(yield* outcome(notLast)).toMatchObject({ status: 400, code: -1022 })
      const verdicts = (yield* (yield* FakeBinance.FakeBinance).requests).map((e) => e.verdict)
      expect(verdicts).toEqual(["-1022 signature-missing", "-1022 signature-not-last"])
    }).pipe(withFake()))
})

describe("FakeBinance parameters", () => {
  const mandatory = (name: string) => ({
    status: 400,
    body: { code: -1102, msg: `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.` }
  })
  it.effect("asset and timestamp are mandatory (-1102); duplicates -1101; unknown -1104; bad escapes -1100", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T)
      expect(yield* outcome(signed(`timestamp=${T}`))).toMatchObject(mandatory("asset"))
      expect(yield* outcome(signed(`asset=&timestamp=${T}`))).toMatchObject(mandatory("asset"))
      expect(yield* outcome(signed("asset=BTC"))).toMatchObject(mandatory("timestamp"))
      expect(yield* outcome(signed("asset=BTC&timestamp=soon"))).toMatchObject(mandatory("timestamp"))
      expect(yield* outcome(signed(`asset=BTC&asset=ETH&timestamp=${T}`))).toMatchObject({
        status: 400,
        body: { code: -1101, msg: "Duplicate values for a parameter detected." }
      })
      expect(yield* outcome(signed(`asset=BTC&symbol=BTCUSDT&timestamp=${T}`))).toMatchObject({
        status: 400,
        body: { code: -1104, msg: "Not all sent parameters were read; read 3 parameter(s) but was sent 4." }
      })
      expect(yield* outcome(signed(`asset=B%ZZC&timestamp=${T}`))).toMatchObject({ status: 400, code: -1100 })
      expect(yield* outcome(signed(q()))).toMatchObject({ status: 200 })
    }).pipe(withFake()))

  it.effect("recvWindow must be an integer up to 60000 (-1130)", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T)
      const invalid = { status: 400, body: { code: -1130, msg: "Data sent for parameter 'recvWindow' is not valid." } }
      expect(yield* outcome(signed(q(T, "&recvWindow=60001")))).toMatchObject(invalid)
      expect(yield* outcome(signed(q(T, "&recvWindow=5000.5")))).toMatchObject(invalid)
      expect(yield* outcome(signed(q(T, "&recvWindow=-1")))).toMatchObject(invalid)
      expect(yield* outcome(signed(q(T, "&recvWindow=60000")))).toMatchObject({ status: 200 })
    }).pipe(withFake()))
})

describe("FakeBinance timestamp (-1021)", () => {
  const behind = { status: 400, body: { code: -1021, msg: "Timestamp for this request is outside of the recvWindow." } }
  const ahead = {
    status: 400,
    body: { code: -1021, msg: "Timestamp for this request was 1000ms ahead of the server's time." }
  }
  it.effect("timestamp < serverTime + 1000 && serverTime - timestamp <= recvWindow", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T)
      expect(yield* outcome(signed(q(T - 5000)))).toMatchObject({ status: 200 })
      expect(yield* outcome(signed(q(T - 5001)))).toMatchObject(behind)
      expect(yield* outcome(signed(q(T - 7000, "&recvWindow=10000")))).toMatchObject({ status: 200 })
      expect(yield* outcome(signed(q(T - 10001, "&recvWindow=10000")))).toMatchObject(behind)
      expect(yield* outcome(signed(q(T + 999)))).toMatchObject({ status: 200 })
      expect(yield* outcome(signed(q(T + 1000)))).toMatchObject(ahead)
    }).pipe(withFake()))

  it.effect("server skew moves the server clock away from the client's", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T)
      const fake = yield* FakeBinance.FakeBinance
      yield* fake.setServerSkew(4000)
      expect(yield* outcome(signed(q()))).toMatchObject({ status: 200 })
      yield* fake.setServerSkew(6000)
      expect(yield* outcome(signed(q()))).toMatchObject(behind)
      expect(yield* outcome(TIME)).toMatchObject({ body: { serverTime: T + 6000 } })
      yield* fake.setServerSkew(-1000)
      expect(yield* outcome(signed(q()))).toMatchObject(ahead)
    }).pipe(withFake()))
})

describe("FakeBinance accounts", () => {
  it.effect("non-PM accounts and unknown assets get the configured errors (defaults -2015 / -1108)", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T)
      const fake = yield* FakeBinance.FakeBinance
      expect(yield* outcome(signed(`asset=ETH&timestamp=${T}`))).toMatchObject({
        status: 400,
        body: { code: -1108, msg: "Invalid asset." }
      })
      yield* fake.setAsset(KEY, "ETH", { maxWithdrawAmount: "1.50", maxWithdrawAmountUSD: "0" })
      expect(yield* outcome(signed(`asset=ETH&timestamp=${T}`))).toMatchObject({
        body: { asset: "ETH", maxWithdrawAmount: "1.50", maxWithdrawAmountUSD: "0" }
      })
      yield* fake.setPortfolioMargin(KEY, false)
      expect(yield* outcome(signed(q()))).toMatchObject({ status: 401, code: -2015 })
      yield* fake.addAccount({ apiKey: "um", hmacSecret: "s", portfolioMargin: false })
      expect(yield* outcome(signed(q(), (p) => hmac(p, "s")), { "X-MBX-APIKEY": "um" })).toMatchObject({ code: -2015 })
    }).pipe(withFake()))

  it.effect("errors are configurable", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T)
      expect(yield* outcome(signed(q()))).toMatchObject({
        status: 400,
        body: { code: -4027, msg: "Invalid account type." }
      })
      const unsupported = yield* outcome(signed(`asset=XYZ&timestamp=${T}`), { "X-MBX-APIKEY": "pm" })
      expect(unsupported).toMatchObject({ status: 400, code: -1126 })
    }).pipe(withFake({
      accounts: [{ ...hmacAccount, portfolioMargin: false }, { apiKey: "pm", hmacSecret: SECRET }],
      errors: {
        notPortfolioMargin: { status: 400, code: -4027, msg: "Invalid account type." },
        unknownAsset: { status: 400, code: -1126, msg: "This asset is not supported." }
      }
    })))

  it.effect("bad options and scripting calls fail with FakeBinanceError, never a crash", () =>
    Effect.gen(function*() {
      const bad = (options: FakeBinance.Options) =>
        Effect.flip(FakeBinance.make(options)).pipe(Effect.map((e) => [e._tag, e.message]))
      expect(yield* bad({ weightLimit: 0 })).toEqual(["FakeBinanceError", "weightLimit must be a positive integer"])
      expect((yield* bad({ accounts: [{ apiKey: "k" }] }))[1]).toMatch(/exactly one of hmacSecret or publicKey/)
      const notPem = yield* bad({ accounts: [{ apiKey: "k", publicKey: "not a pem" }] })
      expect(notPem[1]).toMatch(/publicKey could not be read/)
      const x25519 = Crypto.generateKeyPairSync("x25519").publicKey
      expect((yield* bad({ accounts: [{ apiKey: "k", publicKey: x25519 }] }))[1]).toMatch(/not supported/)
      const badReply = yield* bad({ errors: { unknownAsset: { status: 99, code: 1, msg: "" } } })
      expect(badReply[1]).toMatch(/errors.unknownAsset/)
      const fake = yield* FakeBinance.make()
      expect(yield* Effect.flip(fake.setAsset("missing", "BTC", BTC))).toBeInstanceOf(FakeBinance.FakeBinanceError)
      const rejected = [
        fake.enqueueFault(FakeBinance.Fault.reset, { count: 0 }),
        fake.setFaultRate(FakeBinance.Fault.reset, 1.5),
        fake.setWeightLimit(Number.NaN),
        fake.setServerSkew(Number.POSITIVE_INFINITY),
        fake.enqueueFault(FakeBinance.Fault.respond({ status: 42 })),
        fake.enqueueFault(FakeBinance.Fault.rateLimited(0))
      ]
      for (const attempt of rejected) expect(yield* Effect.flip(attempt)).toMatchObject({ _tag: "FakeBinanceError" })
    }))
})
