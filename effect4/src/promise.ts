/**
 * The Promise API, for callers who don't use Effect: `createClient(options)` validates everything at once,
 * and `client.pmAccountInfo` resolves to Binance's exact decimal strings or rejects with a tagged `Error`.
 *
 * @since 1.0.0
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { identity } from "effect/Function"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as BinanceClock from "./BinanceClock.js"
import * as BinanceConfig from "./BinanceConfig.js"
import { ClientClosed, InvalidConfiguration, isBinanceError, type PmAccountInfoError } from "./BinanceError.js"
import * as BinanceHttpClient from "./BinanceHttpClient.js"
import * as Credentials from "./Credentials.js"
import * as Call from "./internal/call.js"
import type { Refusal } from "./internal/core/endpoint.js"
import * as Api from "./internal/core/promiseApi.js"
import * as PromiseClient from "./internal/core/promiseClient.js"
import type * as Events from "./internal/core/watch/events.js"
import * as PromiseWatch from "./internal/wiring/watch/promise.js"
import * as RateLimit from "./RateLimit.js"

/**
 * The Promise API's shapes: `createClient`'s options, a `Client`, a call's options, and what a call resolves.
 *
 * @since 1.0.0
 * @category Models
 */
export type {
  CallOptions,
  ClientOptions,
  PmAccountInfo,
  PmAccountInfoResult,
  WatchOptions
} from "./internal/core/promiseApi.js"

/**
 * A client: `pmAccountInfo`, `pmAccountInfoResult`, `watch` and `close` (which closes its watchers too).
 *
 * @since 1.0.0
 * @category Models
 */
export type Client = Api.Client<PmAccountInfoError>

/**
 * A running watcher of the Promise API.
 *
 * @since 1.0.0
 * @category Models
 */
export type Watcher = Api.Watcher<PmAccountInfoError>

/**
 * What a watcher tells: an asset's figures (`asset`), the account's (`account`), a risk level change (`risk`),
 * the stream going up or down (`stream`), or a failed read (`read-failed`, with its typed `error`).
 *
 * @since 1.0.0
 * @category Models
 */
export type WatchEvent = Events.WatchEvent<PmAccountInfoError>

/**
 * One asset's figures as `pmAccountInfo` answered them; `at` is when the answer arrived (epoch ms).
 *
 * @since 1.0.0
 * @category Models
 */
export type AssetEvent = Events.AssetEvent

/**
 * The rejection when a call's `signal` is aborted.
 *
 * @since 1.0.0
 * @category Errors
 */
export { AbortError } from "./internal/core/promiseApi.js"

/**
 * What `pmAccountInfo` rejects with (and `createClient` throws): one of the library's tagged errors, or
 * `AbortError`.
 *
 * @since 1.0.0
 * @category Errors
 */
export type ClientError = PmAccountInfoError | ClientClosed | Api.AbortError

/**
 * Narrows a caught value to a `ClientError`, to read its `_tag` (and `status`, `code`, `retryAfterMs` where
 * they apply).
 *
 * @since 1.0.0
 * @category Errors
 */
export const isClientError: (u: unknown) => u is ClientError = Api.isClientError(isBinanceError)

// The runtime of a client: its services, the process-wide gate (in `stateDir` too, if given) and its sockets.
const connect = (
  plan: PromiseClient.Plan
): PromiseClient.Runtime<Fiber.Fiber<unknown, PmAccountInfoError>, PmAccountInfoError> => {
  const credentials = Result.getOrThrowWith(
    PromiseClient.credentialsOf(plan, Credentials),
    (error) => PromiseClient.keyError(error, invalid)
  )
  const config = Result.getOrThrowWith(BinanceConfig.make(plan.config), identity)
  if (plan.proxy !== undefined) Result.getOrThrowWith(BinanceHttpClient.validateProxy(plan.proxy), identity)
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
      )
    )
  )
  return {
    start: (params, shape, done) => {
      const program = Call.run(params, shape)
      // Once the layer is built, straight on its services: the runtime's own fork also files every fiber in its
      // scope, and this client already interrupts its running calls when it closes.
      const context = runtime.cachedContext
      const fiber = context === undefined ? runtime.runFork(program) : Effect.runForkWith(context)(program)
      fiber.addObserver((exit) => done(PromiseClient.endOf(exit, causes)))
      return fiber
    },
    stop: (fiber) => fiber.interruptUnsafe(),
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
  error: (cause) => Option.getOrUndefined(Cause.findErrorOption(cause)),
  isInterruptedOnly: Cause.hasInterruptsOnly,
  squash: Cause.squash
}

/**
 * Creates a client. Throws `InvalidConfiguration` (an `Error` with `_tag`) synchronously for bad options.
 * Each client has its own clock offset and sockets; every client of the process shares one rate-limit budget
 * per base URL (Binance limits per IP), unless it names another `egress`. Create one per API key and reuse it.
 *
 * @since 1.0.0
 * @category Constructors
 */
export const createClient = (options: Api.ClientOptions): Client => PromiseClient.create(options, invalid, connect)
