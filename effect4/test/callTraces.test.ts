// The call machine's shared table (test/cases/callTraces.ts) through the Effect 4 edition's whole walk: the Effect
// API against the in-memory FakeBinance on the TestClock, the scripted answers enqueued as faults. The same table
// runs through the machine alone (test/call.test.ts) and through the Effect 3 edition (test/callTraces.test.ts).
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import { TestClock } from "effect/testing"
import { callTraces, type Scripted } from "../../test/cases/callTraces.js"
import * as FakeBinance from "../src/FakeBinance.js"
import * as PortfolioMargin from "../src/PortfolioMargin.js"
import { env, PM, TIME } from "./helpers.js"

const faultOf = (scripted: Scripted): FakeBinance.Fault =>
  scripted === "reset" ? FakeBinance.Fault.reset : FakeBinance.Fault.respond({ ...scripted })

describe("the call traces through the Effect 4 walk", () => {
  for (const trace of callTraces) {
    it.effect(trace.name, () =>
      Effect.gen(function*() {
        const fake = yield* FakeBinance.FakeBinance
        for (const scripted of trace.pm) yield* fake.enqueueFault(faultOf(scripted), { path: PM })
        for (const scripted of trace.time ?? []) yield* fake.enqueueFault(faultOf(scripted), { path: TIME })
        const fiber = yield* Effect.forkChild(PortfolioMargin.pmAccountInfoResult({ asset: "BTC" }))
        for (let i = 0; i < 60; i++) yield* TestClock.adjust("1 second")
        const exit = yield* Fiber.await(fiber)
        const log = yield* fake.requests
        expect(log.filter((entry) => entry.path === PM)).toHaveLength(trace.expected.pmRequests)
        expect(log.filter((entry) => entry.path === TIME)).toHaveLength(trace.expected.timeRequests)
        if (Exit.isSuccess(exit)) {
          expect(trace.expected.end).toBe("Done")
          expect(exit.value.attempts).toBe(trace.expected.pmRequests)
        } else {
          expect(Option.map(Cause.findErrorOption(exit.cause), (error) => error._tag)).toEqual(
            Option.some(trace.expected.end)
          )
        }
      }).pipe(Effect.provide(env(trace.options))))
  }
})
