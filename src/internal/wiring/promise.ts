/**
 * The Promise API's client (`createClient`, declared in `./api/promise.ts`) on the core's adapter
 * (`../core/promiseClient.ts`): its runtime (the services, the process-wide gate, in `stateDir` too if given, and
 * its sockets), a call forked on it per `pmAccountInfo`, and the watchers (`./watch/promise.ts`).
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { identity } from "effect/Function"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as BinanceClock from "../../BinanceClock.js"
import * as BinanceConfig from "../../BinanceConfig.js"
import { ClientClosed, InvalidConfiguration, type PmAccountInfoError } from "../../BinanceError.js"
import * as BinanceHttpClient from "../../BinanceHttpClient.js"
import * as Credentials from "../../Credentials.js"
import * as RateLimit from "../../RateLimit.js"
import * as Call from "../call.js"
import type { Refusal } from "../core/endpoint.js"
import type * as Api from "../core/promiseApi.js"
import * as PromiseClient from "../core/promiseClient.js"
import * as Dialect from "../dialect.js"
import * as PromiseWatch from "./watch/promise.js"

const connect = (
  plan: PromiseClient.Plan
): PromiseClient.Runtime<Dialect.RunningFiber<unknown, PmAccountInfoError>, PmAccountInfoError> => {
  const credentials = Dialect.getOrThrowWith(
    PromiseClient.credentialsOf(plan, Credentials),
    (error) => PromiseClient.keyError(error, invalid)
  )
  const config = Dialect.getOrThrowWith(BinanceConfig.make(plan.config), identity)
  if (plan.proxy !== undefined) Dialect.getOrThrowWith(BinanceHttpClient.validateProxy(plan.proxy), identity)
  const runtime = ManagedRuntime.make(
    Layer.mergeAll(
      Layer.succeed(Credentials.Credentials, credentials),
      Layer.succeed(BinanceConfig.BinanceConfig, config),
      BinanceClock.layer,
      // Through a proxy, the budget is the proxy's (the client carries its egress), unless `egress` names one.
      plan.proxy === undefined ? BinanceHttpClient.layer() : Layer.orDie(BinanceHttpClient.layer({ proxy: plan.proxy }))
    ).pipe(
      // With a state dir every layer above (the clock's time requests too) goes through the persisted gate.
      Layer.provideMerge(
        plan.stateDir === undefined ? Layer.empty : Layer.orDie(RateLimit.layerPersisted({ directory: plan.stateDir }))
      ),
      Layer.provideMerge(Dialect.ownScheduler)
    )
  )
  return {
    start: (params, shape, done) => {
      // This client interrupts its running calls itself when it closes.
      const fiber = Dialect.runFork(runtime, Call.run(params, shape))
      fiber.addObserver((exit) => done(PromiseClient.endOf(exit, causes)))
      return fiber
    },
    stop: Dialect.interruptUnsafe,
    close: async (running) => {
      await Effect.runPromise(Fiber.interruptAll(running))
      await runtime.dispose()
    },
    watch: (options) => PromiseWatch.make(runtime, options, plan.wsBaseUrl),
    closed: (during) => new ClientClosed({ during }),
    invalid
  }
}

const invalid = (refusal: Refusal) => new InvalidConfiguration(refusal)

const causes: PromiseClient.Causes<Cause.Cause<PmAccountInfoError>> = {
  error: (cause) => Option.getOrUndefined(Dialect.failureOption(cause)),
  isInterruptedOnly: Dialect.isInterruptedOnly,
  squash: Cause.squash
}

/** @internal */
export const createClient = (options: Api.ClientOptions): Api.Client<PmAccountInfoError> =>
  PromiseClient.create(options, invalid, connect)
