import * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as TestClock from "effect/TestClock"
import * as Tracer from "effect/Tracer"
import * as Util from "node:util"
import { BinanceError, Credentials, PortfolioMargin } from "../src/index.js"
import { testEnv } from "./utils/env.js"
import { API_KEY, HMAC_SECRET, PASSPHRASE, rsaEncryptedPkcs8 } from "./utils/keys.js"
import { binance, type Handler, ok, type Reply } from "./utils/mockHttp.js"

const pemBody = rsaEncryptedPkcs8.split("\n").slice(1, -2).join("")

/** Each scenario ends in one error tag; the server echoes what it received into bodies where it can. */
const scenarios: ReadonlyArray<[string, Handler]> = [
  ["InvalidTimestamp", (r) =>
    Effect.succeed(
      r.url.pathname === "/fapi/v1/time"
        ? { status: 200, body: JSON.stringify({ serverTime: r.time }) }
        : binance(400, -1021, `Timestamp outside recvWindow for ${r.rawUrl}`)
    )],
  ["InvalidSignature", (r) => Effect.succeed(binance(400, -1022, `Signature for ${r.url.search} is not valid.`))],
  ["Unauthorized", () => Effect.succeed(binance(401, -2015, "Invalid API-key, IP, or permissions for action."))],
  ["RateLimited", () => Effect.succeed(binance(429, -1003, "Too many requests.", { "retry-after": "600" }))],
  ["IpBanned", () => Effect.succeed(binance(418, -1003, "IP banned until 9999999999999.", { "retry-after": "600" }))],
  ["ServerError", (r) => Effect.succeed<Reply>({ status: 502, body: `<html>Bad gateway for ${r.rawUrl}</html>` })],
  ["BinanceApiError", (r) => Effect.succeed<Reply>({ status: 404, body: `not found: ${r.rawUrl}` })],
  ["Timeout", () => Effect.as(Effect.never, ok())],
  ["TransportError", () => Effect.succeed("reset" as const)],
  ["ResponseDecodeError", (r) => Effect.succeed<Reply>({ status: 200, body: `{"echo":"${r.rawUrl}"}` })]
]

const renderings = (error: unknown, cause: Cause.Cause<unknown>): string =>
  [
    String(error),
    JSON.stringify(error),
    Util.inspect(error, { depth: 20, showHidden: true }),
    (error as Error).message,
    (error as Error).stack ?? "",
    Cause.pretty(cause),
    Util.inspect(cause, { depth: 20 })
  ].join("\n")

describe("secrets never leak", () => {
  for (const [tag, handler] of scenarios) {
    for (const keyKind of ["HMAC", "RSA"] as const) {
      it.effect(`${tag} (${keyKind}): not in the error rendered every way, the logs or the span attributes`, () =>
        Effect.gen(function*() {
          const credentials = keyKind === "HMAC"
            ? Credentials.layerHmac({ apiKey: API_KEY, secretKey: HMAC_SECRET })
            : Credentials.layerPrivateKey({ apiKey: API_KEY, privateKey: rsaEncryptedPkcs8, passphrase: PASSPHRASE })
          const env = testEnv(
            handler,
            { timeout: "1 second", maxRetries: 1, maxRetryAfterWait: "1 second" },
            credentials
          )
          const logs: Array<string> = []
          const logger = Logger.map(Logger.logfmtLogger, (line) => logs.push(line))
          const spans: Array<Tracer.Span> = []
          const base = yield* Effect.tracer
          const tracer = Tracer.make({
            span: (...args) => {
              const span = base.span(...args)
              spans.push(span)
              return span
            },
            context: base.context
          })
          const fiber = yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(
            Effect.provide(env.layer),
            Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
            Logger.withMinimumLogLevel(LogLevel.All),
            Effect.withTracer(tracer),
            Effect.exit,
            Effect.fork
          )
          yield* TestClock.adjust("10 seconds")
          const exit = yield* Fiber.join(fiber)
          expect(Exit.isFailure(exit)).toBe(true)
          if (Exit.isSuccess(exit)) return
          const error = Cause.squash(exit.cause) as BinanceError.PmAccountInfoError
          expect(error._tag).toBe(tag)
          expect(BinanceError.isBinanceError(error)).toBe(true)
          const text = [
            renderings(error, exit.cause),
            ...logs,
            ...spans.flatMap((s) => [...s.attributes].map(([k, v]) => `${k}=${String(v)}`))
          ].join("\n")
          const signatures = env.requests.map((r) => r.url.searchParams.get("signature")).filter((s) => s !== null)
          expect(env.requests.length).toBeGreaterThan(0)
          const secrets = [HMAC_SECRET, PASSPHRASE, pemBody.slice(0, 40), API_KEY, ...signatures]
          for (const secret of secrets) {
            expect(text).not.toContain(secret!)
            expect(text).not.toContain(encodeURIComponent(secret!))
          }
          expect(text).not.toMatch(/signature=[0-9a-fA-F%]{8}/)
          expect(logs.every((line) => line.includes("level=DEBUG"))).toBe(true)
          const span = spans.find((s) => s.name === "PortfolioMargin.pmAccountInfo")
          expect(span?.attributes.get("binance.asset")).toBe("BTC")
          expect(span?.attributes.get("binance.attempts")).toBeGreaterThanOrEqual(1)
        }))
    }
  }

  it("InvalidConfiguration and InvalidParameters render without secrets", () => {
    const errors = [
      new BinanceError.InvalidConfiguration({
        field: "passphrase",
        reason: "could not be decrypted: wrong passphrase"
      }),
      new BinanceError.InvalidParameters({ field: "asset", reason: "must be 1 to 20 upper-case letters" })
    ]
    for (const error of errors) {
      const text = renderings(error, Cause.fail(error))
      expect(text).toContain(error._tag)
      expect(text).not.toContain(PASSPHRASE)
    }
  })

  it.effect("a user's HttpClient transform that logs the request sees X-MBX-APIKEY redacted", () =>
    Effect.gen(function*() {
      const logs: Array<string> = []
      const logger = Logger.map(Logger.logfmtLogger, (line) => logs.push(line))
      const env = testEnv(() => Effect.succeed(ok()))
      const client = yield* HttpClient.HttpClient.pipe(Effect.provide(env.layer))
      const logging = HttpClient.tapRequest(client, (request) => Effect.logInfo("sending", request))
      yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(
        Effect.provideService(HttpClient.HttpClient, logging),
        Effect.provide(env.layer),
        Effect.provide(Logger.replace(Logger.defaultLogger, logger))
      )
      expect(logs.join("\n")).toContain("sending")
      expect(logs.join("\n")).not.toContain(API_KEY)
      expect(logs.join("\n")).toContain("<redacted>")
    }))
})
