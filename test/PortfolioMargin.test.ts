import { describe, expect, it } from "@effect/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import * as Crypto from "node:crypto"
import { Amount, BinanceError, Credentials, PortfolioMargin } from "../src/index.js"
import { testEnv } from "./utils/env.js"
import {
  API_KEY,
  ED25519_RFC8032,
  ED25519_VECTOR_SIGNATURE,
  edPkcs8,
  edPublicKey,
  rsaPkcs1,
  rsaPkcs8,
  rsaPublicKey,
  VECTOR_TIME
} from "./utils/keys.js"
import { binance, ok, script } from "./utils/mockHttp.js"

const signedPayload = (url: URL) => {
  const raw = url.search.slice(1)
  const at = raw.lastIndexOf("&signature=")
  return { payload: raw.slice(0, at), signature: raw.slice(at + "&signature=".length) }
}

describe("PortfolioMargin.pmAccountInfo: the request", () => {
  it.effect("sends the documented GET, parameters in order, signature last (HMAC vector)", () =>
    Effect.gen(function*() {
      const env = testEnv(script(ok()))
      yield* TestClock.setTime(VECTOR_TIME)
      const info = yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(env.layer))
      expect(env.requests).toHaveLength(1)
      const [request] = env.requests
      expect(request!.rawUrl).toBe(
        "https://fapi.binance.com/fapi/v1/pmAccountInfo?asset=BTC&recvWindow=5000&timestamp=1591702613943" +
          "&signature=26cd108c6472eb30e9ff5d0f5d56b09bc9d2937272c3b9a46d0320e27b70cb4b"
      )
      expect(request!.headers["x-mbx-apikey"]).toBe(API_KEY)
      expect(request!.headers["accept"]).toBe("application/json")
      expect(request!.headers["user-agent"]).toMatch(/^effect-binance-pm\/\d+\.\d+\.\d+ /)
      expect(info).toBeInstanceOf(PortfolioMargin.PmAccountInfo)
      expect(info.asset).toBe("BTC")
      expect(BigDecimal.equals(info.maxWithdrawAmount, BigDecimal.unsafeFromString("27.43689636"))).toBe(true)
      expect(BigDecimal.format(info.maxWithdrawAmountUSD)).toBe("1627523.32459208")
    }))

  it.effect("timestamps are whole milliseconds even when virtual time is fractional (jittered schedules)", () =>
    Effect.gen(function*() {
      const env = testEnv(script(ok()))
      yield* TestClock.setTime(192.818366)
      yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(env.layer))
      expect(env.requests[0]!.url.searchParams.get("timestamp")).toBe("192")
    }))

  it.effect("uses the call's recvWindow over the configured one", () =>
    Effect.gen(function*() {
      const env = testEnv(script(ok("ETH")), { recvWindow: 7000 })
      yield* PortfolioMargin.pmAccountInfo({ asset: "ETH", recvWindow: 2500 }).pipe(Effect.provide(env.layer))
      yield* PortfolioMargin.pmAccountInfo({ asset: "ETH" }).pipe(Effect.provide(env.layer))
      expect(env.requests[0]!.url.searchParams.get("recvWindow")).toBe("2500")
      expect(env.requests[1]!.url.searchParams.get("recvWindow")).toBe("7000")
    }))

  it.effect("environment and baseUrl choose the host", () =>
    Effect.gen(function*() {
      const demo = testEnv(script(ok()), { environment: "demo" })
      yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(demo.layer))
      expect(demo.requests[0]!.url.origin).toBe("https://demo-fapi.binance.com")
      const testnet = testEnv(script(ok()), { environment: "testnet" })
      yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(testnet.layer))
      expect(testnet.requests[0]!.url.origin).toBe("https://testnet.binancefuture.com")
      const local = testEnv(script(ok()), { baseUrl: "http://127.0.0.1:8080/" })
      yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(local.layer))
      expect(local.requests[0]!.rawUrl.startsWith("http://127.0.0.1:8080/fapi/v1/pmAccountInfo?")).toBe(true)
    }))

  it.effect("signs with Ed25519: the RFC 8032 vector, base64 then URL-encoded", () =>
    Effect.gen(function*() {
      const env = testEnv(
        script(ok()),
        {},
        Credentials.layerPrivateKey({ apiKey: API_KEY, privateKey: ED25519_RFC8032 })
      )
      yield* TestClock.setTime(VECTOR_TIME)
      yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(env.layer))
      const { payload, signature } = signedPayload(env.requests[0]!.url)
      expect(payload).toBe("asset=BTC&recvWindow=5000&timestamp=1591702613943")
      expect(signature).toBe(encodeURIComponent(ED25519_VECTOR_SIGNATURE))
      expect(signature).toMatch(/%2B|%2F|%3D/)
    }))

  it.effect("signs with a generated Ed25519 key and RSA keys in PKCS#8 and PKCS#1 (verified with the public keys)", () =>
    Effect.gen(function*() {
      const cases = [
        { pem: edPkcs8, algorithm: null, publicKey: edPublicKey },
        { pem: rsaPkcs8, algorithm: "sha256", publicKey: rsaPublicKey },
        { pem: rsaPkcs1, algorithm: "sha256", publicKey: rsaPublicKey }
      ]
      for (const { algorithm, pem, publicKey } of cases) {
        const env = testEnv(script(ok()), {}, Credentials.layerPrivateKey({ apiKey: API_KEY, privateKey: pem }))
        yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(env.layer))
        const { payload, signature } = signedPayload(env.requests[0]!.url)
        const bytes = Buffer.from(decodeURIComponent(signature), "base64")
        expect(Crypto.verify(algorithm, Buffer.from(payload), publicKey, bytes)).toBe(true)
        expect(Crypto.verify(algorithm, Buffer.from(payload + "1"), publicKey, bytes)).toBe(false)
      }
    }))
  it.effect("RSA and Ed25519 signatures go out URL-encoded: no raw +, / or = in the query", () =>
    Effect.gen(function*() {
      for (const pem of [rsaPkcs8, rsaPkcs1, edPkcs8]) {
        const env = testEnv(script(ok()), {}, Credentials.layerPrivateKey({ apiKey: API_KEY, privateKey: pem }))
        // several timestamps: across them the base64 holds every one of +, / and = (RSA-2048 always ends in ==)
        for (let i = 0; i < 12; i++) {
          yield* TestClock.adjust(1)
          yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(env.layer))
        }
        const raw = env.requests.map((r) => r.rawUrl.slice(r.rawUrl.indexOf("&signature=") + "&signature=".length))
        for (const signature of raw) {
          expect(signature).toMatch(/^[A-Za-z0-9%]+$/)
          expect(signature).not.toMatch(/[+/=]/)
          expect(Buffer.from(decodeURIComponent(signature), "base64").length).toBe(pem === edPkcs8 ? 64 : 256)
        }
        expect(raw.join("")).toMatch(/%3D/)
        expect(raw.join("")).toMatch(/%2B|%2F/)
      }
    }))
})

describe("PortfolioMargin.pmAccountInfo: decoding", () => {
  it.effect("keeps every digit of 30-digit amounts, and the body's own strings", () =>
    Effect.gen(function*() {
      const big = "123456789012345678901234567890.000000000000000000000000000001"
      const env = testEnv(script(ok("BTC", big, "100.50000000", 42)))
      const result = yield* PortfolioMargin.pmAccountInfoResult({ asset: "BTC" }).pipe(Effect.provide(env.layer))
      expect(Amount.formatPlain(result.info.maxWithdrawAmount)).toBe(big)
      expect(result.response.maxWithdrawAmountUSD).toBe("100.50000000")
      expect(result.usedWeight).toBe(42)
      expect(result.attempts).toBe(1)
      const encoded = Schema.encodeSync(PortfolioMargin.PmAccountInfo)(result.info)
      expect(encoded.maxWithdrawAmount).toBe(big)
    }))

  it.effect("the USD amount is never parsed through Number: more digits than a double holds, kept exactly", () =>
    Effect.gen(function*() {
      const usd = "12345678901234567890.123456789012"
      const amount = "98765432109876543.210987654321"
      expect(String(Number(usd))).not.toBe(usd)
      const env = testEnv(script(ok("BTC", amount, usd)))
      const result = yield* PortfolioMargin.pmAccountInfoResult({ asset: "BTC" }).pipe(Effect.provide(env.layer))
      expect(BigDecimal.equals(result.info.maxWithdrawAmountUSD, BigDecimal.unsafeFromString(usd))).toBe(true)
      expect(result.info.maxWithdrawAmountUSD).toEqual(BigDecimal.make(12345678901234567890123456789012n, 12))
      expect(PortfolioMargin.formatPlain(result.info.maxWithdrawAmountUSD)).toBe(usd)
      expect(result.response.maxWithdrawAmountUSD).toBe(usd)
      expect(PortfolioMargin.formatPlain(result.info.maxWithdrawAmount)).toBe(amount)
      expect(Schema.encodeSync(PortfolioMargin.PmAccountInfo)(result.info)).toEqual({
        asset: "BTC",
        maxWithdrawAmount: amount,
        maxWithdrawAmountUSD: usd
      })
    }))

  const badBodies: ReadonlyArray<[string, string]> = [
    ["empty amount", JSON.stringify({ asset: "BTC", maxWithdrawAmount: "", maxWithdrawAmountUSD: "1" })],
    ["blank amount", JSON.stringify({ asset: "BTC", maxWithdrawAmount: "  ", maxWithdrawAmountUSD: "1" })],
    ["numeric amount", JSON.stringify({ asset: "BTC", maxWithdrawAmount: 1.5, maxWithdrawAmountUSD: "1" })],
    ["huge exponent", JSON.stringify({ asset: "BTC", maxWithdrawAmount: "1e-8000", maxWithdrawAmountUSD: "1" })],
    ["missing USD", JSON.stringify({ asset: "BTC", maxWithdrawAmount: "1" })],
    ["other asset", JSON.stringify({ asset: "ETH", maxWithdrawAmount: "1", maxWithdrawAmountUSD: "1" })],
    ["not JSON", "<html><body>hello</body></html>"],
    ["JSON null", "null"]
  ]
  for (const [name, body] of badBodies) {
    it.effect(`a 200 with ${name} is a ResponseDecodeError, not retried`, () =>
      Effect.gen(function*() {
        const env = testEnv(script({ status: 200, body }))
        const error = yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(
          Effect.provide(env.layer),
          Effect.flip
        )
        expect(error._tag).toBe("ResponseDecodeError")
        expect(env.requests).toHaveLength(1)
        if (error._tag === "ResponseDecodeError") {
          expect(error.status).toBe(200)
          expect(error.excerpt.length).toBeLessThanOrEqual(121)
          expect(error.message).toContain("Unexpected response body")
        }
      }))
  }

  it.prop(
    "decimal strings round-trip exactly",
    {
      intPart: Schema.String.pipe(Schema.pattern(/^(0|[1-9][0-9]{0,29})$/)),
      fraction: Schema.String.pipe(Schema.pattern(/^[0-9]{0,30}[1-9]$/)),
      negative: Schema.Boolean
    },
    ({ fraction, intPart, negative }) => {
      const text = `${negative ? "-" : ""}${intPart}.${fraction}`
      const decoded = Schema.decodeEither(Amount.DecimalFromString)(text)
      expect(Either.isRight(decoded)).toBe(true)
      expect(Schema.encodeSync(Amount.DecimalFromString)(Either.getOrThrow(decoded))).toBe(text)
    }
  )
})

describe("PortfolioMargin.pmAccountInfo: error bodies", () => {
  it.effect("maps Binance codes and statuses to tags, keeping code and msg", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<[ReturnType<typeof binance> | { status: number; body: string }, string]> = [
        [binance(400, -1022, "Signature for this request is not valid."), "InvalidSignature"],
        [binance(401, -2015, "Invalid API-key, IP, or permissions for action."), "Unauthorized"],
        [binance(400, -2014, "API-key format invalid."), "Unauthorized"],
        [binance(400, -1002, "You are not authorized to execute this request."), "Unauthorized"],
        [binance(400, -1011, "This IP cannot access this route."), "Unauthorized"],
        [binance(400, -2017, "API Keys are locked on this account."), "Unauthorized"],
        [{ status: 403, body: "<html>WAF</html>" }, "WafBlocked"],
        [binance(400, -1108, "Invalid asset."), "BinanceApiError"],
        [binance(400, -4027, "Invalid account type."), "BinanceApiError"],
        [{ status: 404, body: "<html>Not Found</html>" }, "BinanceApiError"]
      ]
      for (const [reply, tag] of cases) {
        const env = testEnv(script(reply))
        const error = yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(
          Effect.provide(env.layer),
          Effect.flip
        )
        expect(error._tag, JSON.stringify(reply)).toBe(tag)
        expect(env.requests, tag).toHaveLength(1)
        expect("status" in error && error.status).toBe(reply.status)
      }
      const env = testEnv(script(binance(400, -1108, "Invalid asset.")))
      const error = yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(env.layer), Effect.flip)
      expect(error).toMatchObject({ _tag: "BinanceApiError", status: 400, code: -1108, msg: "Invalid asset." })
      expect(error.message).toBe("Binance error (HTTP 400, code -1108): Invalid asset.")
      const timestamp = new BinanceError.InvalidSignature({ status: 400, code: -1022, msg: "Signature is not valid." })
      expect(timestamp.message).not.toContain("..")
    }))
})
