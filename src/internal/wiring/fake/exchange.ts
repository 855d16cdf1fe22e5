/**
 * The fake exchange as an Effect service: the shared core (`../../core/fake/exchange.ts`, its operations
 * `../../core/fake/service.ts`) run on Effect's `Clock` and `Random`, its problems failed as `FakeBinanceError`.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import * as Redacted from "effect/Redacted"
import type * as api from "../../../FakeBinance.js"
import type * as core from "../../core/fake/exchange.js"
import * as Service from "../../core/fake/service.js"
import * as Dialect from "../../dialect.js"
import { FakeBinanceError } from "./error.js"

const fail = (message: string) => Effect.fail(new FakeBinanceError({ message }))

/** @internal */
export type Made = Service.Made<api.Service, Redacted.Redacted<string>>

/**
 * Builds the exchange and its service on `clock` (a served fake's real clock whoever calls it), or, without, on the
 * clock of each caller (the in-memory fake's).
 *
 * @internal
 */
export const make = (options: api.Options, clock: Clock.Clock | undefined): Effect.Effect<Made, FakeBinanceError> =>
  Effect.suspend(() => {
    const made = Service.make(options, Redacted.make, (exchange) => wiring(exchange, clock))
    return typeof made === "string" ? fail(made) : Effect.succeed(made)
  })

const wiring = (
  exchange: core.Exchange<Redacted.Redacted<string>>,
  clock: Clock.Clock | undefined
): Service.WiringOf<api.Service, Redacted.Redacted<string>> => {
  const timed = clock === undefined
    ? <A, E>(self: Effect.Effect<A, E>) => self
    : <A, E>(self: Effect.Effect<A, E>) => Dialect.withClock(self, clock)
  const serverTime = timed(Effect.map(Clock.currentTimeMillis, (now) => exchange.serverTime(now)))
  return {
    handle: (request) =>
      timed(Effect.gen(function*() {
        const run = exchange.handle(request, yield* serverTime)
        let step = run.next()
        // Unseeded fault rates draw from Effect's `Random`, so `TestRandom` replays them.
        while (!step.done) step = run.next(yield* Random.next)
        if (step.value.delayMillis !== undefined) yield* Effect.sleep(step.value.delayMillis)
        return step.value.response
      })),
    attempt: (f) =>
      Effect.flatMap(serverTime, (now) => {
        const problem = f(now)
        return problem === undefined ? Effect.void : fail(problem)
      }),
    sync: Effect.sync,
    countAt: (f) => Effect.map(serverTime, f)
  }
}
