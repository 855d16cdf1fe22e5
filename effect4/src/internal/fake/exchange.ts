/**
 * The fake exchange as an Effect service: the shared core (`../core/fake/exchange.ts`) run on Effect's `Clock`
 * and `Random`, its problems failed as `FakeBinanceError`.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import * as Redacted from "effect/Redacted"
import type * as api from "../../FakeBinance.js"
import * as core from "../core/fake/exchange.js"
import { FakeBinanceError } from "./error.js"

const fail = (message: string) => Effect.fail(new FakeBinanceError({ message }))

// The core checks and changes state in one call; run it when the effect runs, not when it is built.
const attempt = (f: () => string | undefined): Effect.Effect<void, FakeBinanceError> =>
  Effect.suspend(() => {
    const problem = f()
    return problem === undefined ? Effect.void : fail(problem)
  })

/**
 * The service, the core exchange behind it, and the hooks its stream's scripting calls ring (so a served fake's
 * WebSocket pump wakes to send what they scripted).
 *
 * @internal
 */
export interface Made {
  readonly service: api.Service
  readonly exchange: core.Exchange<Redacted.Redacted<string>>
  readonly streamChanged: Set<() => void>
}

/** @internal */
export const makeWithExchange = (
  options: api.Options,
  transport: { readonly baseUrl: string | undefined; readonly clock: Clock.Clock | undefined }
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
  transport: { readonly baseUrl: string | undefined; readonly clock: Clock.Clock | undefined }
): Effect.Effect<api.Service, FakeBinanceError> =>
  Effect.map(makeWithExchange(options, transport), (made) => made.service)

const service = (
  exchange: core.Exchange<Redacted.Redacted<string>>,
  transport: { readonly baseUrl: string | undefined; readonly clock: Clock.Clock | undefined },
  streamChanged: Set<() => void>
): api.Service => {
  // A served fake runs on the real clock whoever calls it; an in-memory one on the caller's clock.
  const timed = transport.clock === undefined
    ? <A, E>(self: Effect.Effect<A, E>) => self
    : <A, E>(self: Effect.Effect<A, E>) => Effect.provideService(self, Clock.Clock, transport.clock!)
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

  // A stream scripting call at server time, then a ring for the served fake's pump.
  const scripted = (f: (now: number) => string | undefined): Effect.Effect<void, FakeBinanceError> =>
    Effect.flatMap(serverTime, (now) =>
      attempt(() => {
        const problem = f(now)
        if (problem === undefined) { for (const ring of streamChanged) ring() }
        return problem
      }))

  return {
    baseUrl: transport.baseUrl,
    setStreamAccount: (apiKey, figures) => scripted((now) => exchange.setStreamAccount(apiKey, figures, now)),
    pushStreamEvent: (frame, options) => scripted((now) => exchange.pushStreamEvent(frame, options?.apiKey, now)),
    dropStream: (options) => scripted((now) => exchange.dropStream(options?.apiKey, now)),
    expireListenKeys: (options) => scripted((now) => exchange.expireListenKeys(options?.apiKey, now)),
    streamConnections: Effect.sync(() => exchange.userStream.open().length),
    handle,
    addAccount: (account) => attempt(() => exchange.addAccount(account)),
    setAsset: (apiKey, asset, amounts) => attempt(() => exchange.setAsset(apiKey, asset, amounts)),
    setPortfolioMargin: (apiKey, enabled) => attempt(() => exchange.setPortfolioMargin(apiKey, enabled)),
    setServerSkew: (millis) => attempt(() => exchange.setServerSkew(millis)),
    setWeightLimit: (limit) => attempt(() => exchange.setWeightLimit(limit)),
    enqueueFault: (fault, options) => attempt(() => exchange.enqueueFault(fault, options)),
    setFaultRate: (fault, rate, options) => attempt(() => exchange.setFaultRate(fault, rate, options)),
    clearFaults: Effect.sync(() => exchange.clearFaults()),
    requests: Effect.sync(() => exchange.requests()),
    requestCount: Effect.sync(() => exchange.requestCount()),
    clearRequests: Effect.sync(() => exchange.clearRequests()),
    usedWeight: Effect.map(serverTime, (now) => exchange.usedWeight(now)),
    serverTime,
    reset: Effect.sync(() => exchange.reset())
  }
}
