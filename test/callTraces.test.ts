// The call machine's shared table (test/cases/callTraces.ts) through the Effect 3 edition's whole walk: the Effect
// API against the in-memory FakeBinance on the TestClock, the scripted answers enqueued as faults. The same table
// runs through the machine alone (test/call.test.ts) and through the Effect 4 edition
// (effect4/test/callTraces.test.ts).
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import { BinanceClock, BinanceConfig, Credentials, PortfolioMargin, RateLimit } from "../src/index.js"
import { FakeBinance } from "../src/testing.js"
import { callTraces, type Scripted } from "./cases/callTraces.js"
import { hmacAccount, KEY, PM, SECRET, TIME } from "./FakeBinance.helpers.js"

const faultOf = (scripted: Scripted): FakeBinance.Fault =>
  scripted === "reset" ? FakeBinance.Fault.reset : FakeBinance.Fault.respond({ ...scripted })

describe("the call traces through the Effect 3 walk", () => {
  for (const trace of callTraces) {
    it.effect(trace.name, () =>
      Effect.gen(function*() {
        const fake = yield* FakeBinance.FakeBinance
        for (const scripted of trace.pm) yield* fake.enqueueFault(faultOf(scripted), { path: PM })
        for (const scripted of trace.time ?? []) yield* fake.enqueueFault(faultOf(scripted), { path: TIME })
        const fiber = yield* Effect.fork(PortfolioMargin.pmAccountInfoResult({ asset: "BTC" }))
        for (let i = 0; i < 60; i++) yield* TestClock.adjust("1 second")
        const exit = yield* Fiber.await(fiber)
        const log = yield* fake.requests
        expect(log.filter((entry) => entry.path === PM)).toHaveLength(trace.expected.pmRequests)
        expect(log.filter((entry) => entry.path === TIME)).toHaveLength(trace.expected.timeRequests)
        if (trace.expected.end === "Done") {
          expect(Exit.isSuccess(exit) && exit.value.attempts).toBe(trace.expected.pmRequests)
        } else {
          expect(exit).toMatchObject({ _tag: "Failure", cause: { _tag: "Fail", error: { _tag: trace.expected.end } } })
        }
      }).pipe(
        Effect.provide(Layer.mergeAll(
          FakeBinance.layer({ accounts: [hmacAccount] }),
          Credentials.layerHmac({ apiKey: KEY, secretKey: SECRET }),
          BinanceClock.layer,
          RateLimit.layer,
          BinanceConfig.layer({ baseUrl: "https://fapi.test", ...trace.options })
        ))
      ))
  }
})
