// FakeBinance's scripted faults on the Effect 4 edition: the shared table (test/cases/faults.ts) against the
// in-memory fake on the TestClock, and the faults that live on the wire (reset, truncate, delay) against the
// served fake through BinanceHttpClient.
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import { TestClock } from "effect/testing"
import * as Crypto from "node:crypto"
import { expected, type FaultCase, faultCases, observe } from "../../test/cases/faults.js"
import * as BinanceHttpClient from "../src/BinanceHttpClient.js"
import * as FakeBinance from "../src/FakeBinance.js"
import { hmacAccount, KEY, PM, SECRET, TIME } from "./helpers.js"

const fake = Effect.service(FakeBinance.FakeBinance)
const signed = (query: string) =>
  `${PM}?${query}&signature=${Crypto.createHmac("sha256", SECRET).update(query).digest("hex")}`
const urlOf = (c: FaultCase) => c.on === "time" ? TIME : signed("asset=BTC&timestamp=0")
const handle = (url: string) =>
  Effect.flatMap(fake, (f) => f.handle({ method: "GET", url, headers: { "X-MBX-APIKEY": KEY } }))

describe("FakeBinance faults: the shared table (test/cases/faults.ts)", () => {
  for (const c of faultCases) {
    it.effect(c.name, () =>
      Effect.gen(function*() {
        const f = yield* fake
        yield* f.enqueueFault(c.fault)
        const fiber = yield* Effect.forkChild(handle(urlOf(c)))
        if (c.delayMs !== undefined) {
          yield* TestClock.adjust(c.delayMs - 1)
          expect(fiber.pollUnsafe()).toBeUndefined()
          yield* TestClock.adjust(1)
        }
        const response = yield* Fiber.join(fiber)
        expect(observe(c, response, (yield* f.requests)[0]!, yield* handle(TIME))).toEqual(expected(c))
      }).pipe(Effect.provide(FakeBinance.layer({ accounts: [hmacAccount] }))))
  }
})

const reasonOf = (exit: Exit.Exit<unknown, unknown>) =>
  Exit.isFailure(exit)
    ? (Cause.squash(exit.cause) as { readonly reason?: { readonly _tag: string } }).reason?._tag
    : undefined

describe("FakeBinance faults on the wire (served, BinanceHttpClient)", () => {
  it.live("reset is a TransportError, truncate a DecodeError, delay a late normal answer; the fake keeps serving", () =>
    Effect.gen(function*() {
      const { baseUrl, fake: f } = yield* FakeBinance.serve({ accounts: [hmacAccount] })
      const client = yield* BinanceHttpClient.make()
      const get = (path: string) => client.execute(HttpClientRequest.get(`${baseUrl}${path}`))
      for (const c of faultCases.filter((c) => c.kind !== "Reply" || c.delayMs !== undefined)) {
        yield* f.enqueueFault(c.fault._tag === "Delay" ? FakeBinance.Fault.delay("50 millis") : c.fault, {
          path: TIME
        })
        const exit = yield* Effect.exit(Effect.flatMap(get(TIME), (response) => response.text))
        if (c.kind === "Reset") expect(reasonOf(exit), c.name).toBe("TransportError")
        else if (c.kind === "Truncate") expect(reasonOf(exit), c.name).toBe("DecodeError")
        else expect(exit, c.name).toMatchObject({ _tag: "Success" })
        const next = yield* get(TIME)
        expect(next.status, c.name).toBe(c.next)
      }
      expect((yield* f.requests).map((entry) => entry.fault)).toEqual(
        faultCases.filter((c) => c.kind !== "Reply" || c.delayMs !== undefined).flatMap((c) => [c.logFault, undefined])
      )
    }))
})
