// Retries and the per-call bound through the Effect 4 API, against the in-memory FakeBinance on the TestClock.
// Ported from the root's test/retries.test.ts and test/callBound.test.ts; the retried answers are the shared
// error-mapping table's (test/cases/errorMapping.ts, `retried: true`).
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { TestClock } from "effect/testing"
import * as fc from "fast-check"
import { errorCases } from "../../test/cases/errorMapping.js"
import * as FakeBinance from "../src/FakeBinance.js"
import * as PortfolioMargin from "../src/PortfolioMargin.js"
import { BTC, env, hmacAccount, PM, requests, runWithTime, TIME } from "./helpers.js"

const call = PortfolioMargin.pmAccountInfo({ asset: "BTC" })

const stampOf = (entry: FakeBinance.LogEntry) => new URLSearchParams(entry.query).get("timestamp")
const signatureOf = (entry: FakeBinance.LogEntry) =>
  entry.signature === undefined ? undefined : Redacted.value(entry.signature)

const enqueue = (...faults: ReadonlyArray<FakeBinance.Fault>) =>
  Effect.flatMap(
    Effect.service(FakeBinance.FakeBinance),
    (fake) => Effect.forEach(faults, (fault) => fake.enqueueFault(fault, { path: PM, count: 1 }), { discard: true })
  )

describe("retries", () => {
  for (const c of errorCases.filter((c) => c.retried && c.status !== 429 && c.expected._tag !== "InvalidTimestamp")) {
    it.effect(`${c.name}: retried with a fresh timestamp and signature, then succeeds`, () =>
      Effect.gen(function*() {
        const fault = FakeBinance.Fault.respond({ status: c.status, body: c.body, headers: { ...c.headers } })
        yield* enqueue(fault, fault)
        const info = yield* runWithTime(call)
        expect(info.asset).toBe("BTC")
        const log = yield* requests(PM)
        expect(log).toHaveLength(3)
        expect(new Set(log.map(stampOf)).size).toBe(3)
        expect(new Set(log.map(signatureOf)).size).toBe(3)
        for (const entry of log) expect(signatureOf(entry)).toMatch(/^[0-9a-f]{64}$/)
      }).pipe(Effect.provide(env({ maxRetries: 3 }))))
  }

  it.effect("a connection reset is retried; maxRetries 2 gives up after 3 requests with the last error", () =>
    Effect.gen(function*() {
      yield* enqueue(FakeBinance.Fault.reset, ...Array.from({ length: 5 }, () => FakeBinance.Fault.html502))
      const error = yield* runWithTime(Effect.flip(call))
      expect(error).toMatchObject({ _tag: "ServerError", status: 502 })
      expect(yield* requests(PM)).toHaveLength(3)
    }).pipe(Effect.provide(env({ maxRetries: 2 }))))

  it.effect("maxRetries 0 sends once", () =>
    Effect.gen(function*() {
      yield* enqueue(FakeBinance.Fault.html502)
      expect((yield* runWithTime(Effect.flip(call)))._tag).toBe("ServerError")
      expect(yield* requests(PM)).toHaveLength(1)
    }).pipe(Effect.provide(env({ maxRetries: 0 }))))

  it.effect("an attempt that exceeds the timeout is abandoned and retried", () =>
    Effect.gen(function*() {
      yield* enqueue(FakeBinance.Fault.delay("1 minute"))
      const info = yield* runWithTime(call)
      expect(info.asset).toBe("BTC")
      expect(yield* requests(PM)).toHaveLength(2)
    }).pipe(Effect.provide(env({ timeout: "2 seconds" }))))

  it.effect("a real -1021 heal: one /time, one re-send with the learned offset, then success", () =>
    Effect.gen(function*() {
      const info = yield* runWithTime(call)
      expect(info.asset).toBe("BTC")
      const log = yield* requests(PM)
      expect(log.map((entry) => entry.code ?? entry.status)).toEqual([-1021, 200])
      expect(yield* requests(TIME)).toHaveLength(1)
      const [first, second] = log.map((entry) => Number(new URLSearchParams(entry.query).get("timestamp")))
      // the re-send is stamped on the server clock, 10 s ahead of the host's
      expect(second! - first!).toBeGreaterThanOrEqual(9_000)
    }).pipe(Effect.provide(env({}, { accounts: [hmacAccount], serverSkewMillis: 10_000 }))))
})

// Every answer the fake can give an attempt; "ok" is the exchange's own answer.
const answers = {
  ok: FakeBinance.Fault.respond({ status: 200, body: { asset: "BTC", ...BTC } }),
  "503": FakeBinance.Fault.serviceUnavailable("internal"),
  "502": FakeBinance.Fault.html502,
  reset: FakeBinance.Fault.reset,
  "-1021": FakeBinance.Fault.respond({
    status: 400,
    body: { code: -1021, msg: "Timestamp for this request is outside of the recvWindow." }
  }),
  "-1001": FakeBinance.Fault.respond({ status: 400, body: { code: -1001, msg: "Internal error." } }),
  "429": FakeBinance.Fault.rateLimited(1),
  "429 bare": FakeBinance.Fault.rateLimitedBare("empty"),
  "403": FakeBinance.Fault.wafBlocked,
  "400": FakeBinance.Fault.respond({ status: 400, body: { code: -1102, msg: "Mandatory parameter." } })
} as const
const names = Object.keys(answers) as ReadonlyArray<keyof typeof answers>

describe("the per-call bound", () => {
  it.effect("one call sends at most maxRetries + 2 pmAccountInfo requests and at most one /time, whatever the answers", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 4 }),
          fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 12 }),
          (maxRetries, script) =>
            Effect.runPromise(
              Effect.gen(function*() {
                // After the script the fake answers -1021 (its clock 10 s ahead) until a /time heals the call.
                yield* enqueue(...script.map((name) => answers[name]))
                yield* Effect.exit(runWithTime(call, 10))
                const pm = (yield* requests(PM)).length
                const time = (yield* requests(TIME)).length
                expect(pm).toBeLessThanOrEqual(maxRetries + 2)
                expect(time).toBeLessThanOrEqual(1)
              }).pipe(
                Effect.provide(env({ maxRetries, maxRetryAfterWait: "5 seconds" }, {
                  accounts: [hmacAccount],
                  serverSkewMillis: 10_000
                })),
                Effect.provide(TestClock.layer())
              )
            )
        ),
        { numRuns: 60, seed: 2026 }
      )
    ))
})
