/**
 * The fake exchange as an Effect service: the shared core (`../core/fake/exchange.ts`, its operations
 * `../core/fake/service.ts`) run on Effect's `Clock` and `Random`, its problems failed as `FakeBinanceError`.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import * as Redacted from "effect/Redacted"
import type * as api from "../../FakeBinance.js"
import * as core from "../core/fake/exchange.js"
import * as Service from "../core/fake/service.js"
import { FakeBinanceError } from "./error.js"

const fail = (message: string) => Effect.fail(new FakeBinanceError({ message }))

// The core checks and changes state in one call; run it when the effect runs, not when it is built.
const attempt = (f: () => string | undefined): Effect.Effect<void, FakeBinanceError> =>
  Effect.suspend(() => {
    const problem = f()
    return problem === undefined ? Effect.void : fail(problem)
  })

/** @internal */
export type Made = Service.Made<api.Service, Redacted.Redacted<string>>

/** Where the service runs: a served fake's URL and the real clock, or neither (in memory, the caller's clock). */
type Transport = { readonly baseUrl: string | undefined; readonly clock: Clock.Clock | undefined }

/** @internal */
export const makeWithExchange = (
  options: api.Options,
  transport: Transport
): Effect.Effect<Made, FakeBinanceError> =>
  Effect.suspend(() => {
    const exchange = core.make(options, Redacted.make)
    if (typeof exchange === "string") return fail(exchange)
    const streamChanged = new Set<() => void>()
    return Effect.succeed({ service: service(exchange, transport, streamChanged), exchange, streamChanged })
  })

/** @internal */
export const make = (
  options: api.Options,
  transport: Transport
): Effect.Effect<api.Service, FakeBinanceError> =>
  Effect.map(makeWithExchange(options, transport), (made) => made.service)

const service = (
  exchange: core.Exchange<Redacted.Redacted<string>>,
  transport: Transport,
  streamChanged: Set<() => void>
): api.Service => {
  // A served fake runs on the real clock whoever calls it; an in-memory one on the caller's clock.
  const timed = transport.clock === undefined
    ? <A, E>(self: Effect.Effect<A, E>) => self
    : <A, E>(self: Effect.Effect<A, E>) => Effect.withClock(self, transport.clock!)
  const serverTime = timed(Effect.map(Clock.currentTimeMillis, (now) => exchange.serverTime(now)))

  const handle = (request: api.FakeRequest): Effect.Effect<api.FakeResponse> =>
    timed(Effect.gen(function*() {
      const run = exchange.handle(request, yield* serverTime)
      let step = run.next()
      // Unseeded fault rates draw from Effect's `Random`, so `TestRandom` replays them.
      while (!step.done) step = run.next(yield* Random.next)
      if (step.value.delayMillis !== undefined) yield* Effect.sleep(step.value.delayMillis)
      return step.value.response
    }))

  return {
    baseUrl: transport.baseUrl,
    handle,
    ...Service.operations(exchange, streamChanged, {
      attempt,
      attemptAt: (f) => Effect.flatMap(serverTime, (now) => attempt(() => f(now))),
      done: Effect.sync,
      log: Effect.sync,
      count: Effect.sync,
      countAt: (f) => Effect.map(serverTime, f)
    })
  }
}
