/**
 * The Promise API, for callers who don't use Effect: `createClient(options)` validates everything at once,
 * and `client.pmAccountInfo` resolves to Binance's exact decimal strings or rejects with a tagged `Error`.
 *
 * @since 1.0.0
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
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
import * as AbortWatch from "./internal/core/abortWatch.js"
import type { Refusal } from "./internal/core/endpoint.js"
import * as Api from "./internal/core/promiseApi.js"
import * as RateLimit from "./RateLimit.js"

/**
 * @since 1.0.0
 * @category Models
 */
export type ClientOptions = Api.ClientOptions

/**
 * The account information with Binance's own decimal strings.
 *
 * @since 1.0.0
 * @category Models
 */
export type PmAccountInfo = Api.PmAccountInfo

/**
 * The account information with what it took to get it.
 *
 * @since 1.0.0
 * @category Models
 */
export type PmAccountInfoResult = Api.PmAccountInfoResult

/**
 * @since 1.0.0
 * @category Models
 */
export type CallOptions = Api.CallOptions

/**
 * @since 1.0.0
 * @category Models
 */
export type Client = Api.Client

/**
 * The rejection when a call's `signal` is aborted.
 *
 * @since 1.0.0
 * @category Errors
 */
export const AbortError: typeof Api.AbortError = Api.AbortError

/**
 * @since 1.0.0
 * @category Errors
 */
export type AbortError = Api.AbortError

/**
 * What `pmAccountInfo` rejects with (and `createClient` throws): one of the library's tagged errors, or
 * `AbortError`.
 *
 * @since 1.0.0
 * @category Errors
 */
export type ClientError = PmAccountInfoError | ClientClosed | AbortError

/**
 * Narrows a caught value to a `ClientError`, to read its `_tag` (and `status`, `code`, `retryAfterMs` where
 * they apply).
 *
 * @since 1.0.0
 * @category Errors
 */
export const isClientError = (u: unknown): u is ClientError => isBinanceError(u) || u instanceof AbortError

const refuse = (refusal: Refusal): never => {
  throw new InvalidConfiguration(refusal)
}

const buildLayer = (options: ClientOptions) => {
  const key = Api.checkShape(options)
  if ("field" in key) return refuse(key)
  const credentials = key._tag === "Hmac"
    ? Credentials.makeHmac({ apiKey: options.apiKey, secretKey: key.secretKey })
    : Credentials.makePrivateKey({ apiKey: options.apiKey, privateKey: key.privateKey, passphrase: key.passphrase })
  if (Result.isFailure(credentials)) {
    const refusal = Api.keyRefusal(credentials.failure)
    throw refusal === credentials.failure ? credentials.failure : new InvalidConfiguration(refusal)
  }
  const timeoutMs = Api.milliseconds("timeoutMs", options.timeoutMs, false)
  if (typeof timeoutMs === "object") return refuse(timeoutMs)
  const maxRetryAfterWaitMs = Api.milliseconds("maxRetryAfterWaitMs", options.maxRetryAfterWaitMs, true)
  if (typeof maxRetryAfterWaitMs === "object") return refuse(maxRetryAfterWaitMs)
  const config = BinanceConfig.make({
    environment: options.environment,
    baseUrl: options.baseUrl,
    recvWindow: options.recvWindow,
    maxRetries: options.maxRetries,
    weightLimit: options.weightLimit,
    timeout: timeoutMs,
    maxRetryAfterWait: maxRetryAfterWaitMs,
    egress: options.egress,
    market: options.market
  })
  if (Result.isFailure(config)) throw config.failure
  const stateDirRefusal = Api.stateDirRefusal(options.stateDir)
  if (stateDirRefusal !== undefined) return refuse(stateDirRefusal)
  const proxyRefusal = Api.proxyRefusal(options.proxy)
  if (proxyRefusal !== undefined) return refuse(proxyRefusal)
  const proxy = options.proxy === undefined ? undefined : BinanceHttpClient.validateProxy(options.proxy)
  if (proxy !== undefined && Result.isFailure(proxy)) throw proxy.failure
  return Layer.mergeAll(
    Layer.succeed(Credentials.Credentials, credentials.success),
    Layer.succeed(BinanceConfig.BinanceConfig, config.success),
    BinanceClock.layer,
    // The process-wide gate, shared with every other client and Effect program (kept in `stateDir` too, below).
    // Through a proxy, the budget is the proxy's (the client carries its egress), unless `egress` names one.
    // The proxy URL was checked above, so the layer cannot fail.
    options.proxy === undefined
      ? BinanceHttpClient.layer()
      : Layer.orDie(BinanceHttpClient.layer({ proxy: options.proxy }))
  ).pipe(
    // With a state dir every layer above (the clock's time requests too) goes through the persisted gate.
    Layer.provideMerge(
      options.stateDir === undefined
        ? Layer.empty
        : Layer.orDie(RateLimit.layerPersisted({ directory: options.stateDir }))
    )
  )
}

const toRejection = (cause: Cause.Cause<PmAccountInfoError>, signal: AbortSignal | undefined): Error => {
  const failure = Cause.findErrorOption(cause)
  if (Option.isSome(failure)) return failure.value
  if (signal?.aborted === true && Cause.hasInterruptsOnly(cause)) return new AbortError(signal.reason)
  const defect = Cause.squash(cause)
  return Object.assign(new Error(`Unexpected failure: ${String(defect)}`, { cause: defect }), { _tag: "Defect" })
}

const toInfo = (result: Call.RawResult): PmAccountInfo => ({
  asset: result.response.asset,
  maxWithdrawAmount: result.response.maxWithdrawAmount,
  maxWithdrawAmountUSD: result.response.maxWithdrawAmountUSD
})

/**
 * Creates a client. Throws `InvalidConfiguration` (an `Error` with `_tag`) synchronously for bad options.
 * Each client has its own clock offset and sockets; every client of the process shares one rate-limit budget
 * per base URL (Binance limits per IP), unless it names another `egress`. Create one per API key and reuse it.
 *
 * @since 1.0.0
 * @category Constructors
 */
export const createClient = (options: ClientOptions): Client => {
  const runtime = ManagedRuntime.make(buildLayer(options))
  let closed = false
  type Running = Fiber.Fiber<unknown, PmAccountInfoError>
  const running = new Set<Running>()
  // An abort interrupts the calls of its signal (one listener per signal: see core/abortWatch).
  const watch = AbortWatch.make<Running>((fiber) => fiber.interruptUnsafe())
  const call = <A>(
    params: Call.Params,
    callOptions: CallOptions | undefined,
    shape: (result: Call.RawResult) => A
  ): Promise<A> => {
    if (closed) return Promise.reject(new ClientClosed({ during: false }))
    const signal = callOptions?.signal
    if (signal?.aborted === true) return Promise.reject(new AbortError(signal.reason))
    // The call without the public span or decimal decoding: Binance's strings are what this API returns.
    const program = Call.run(params, shape)
    return new Promise<A>((resolve, reject) => {
      // Once the layer is built, straight on its services: the runtime's own fork also files every fiber in its
      // scope, and this client already interrupts its running calls when it closes.
      const context = runtime.cachedContext
      const fiber = context === undefined ? runtime.runFork(program) : Effect.runForkWith(context)(program)
      running.add(fiber)
      const unwatch = signal === undefined ? undefined : watch(signal, fiber)
      fiber.addObserver((exit) => {
        running.delete(fiber)
        unwatch?.()
        if (Exit.isSuccess(exit)) return resolve(exit.value)
        if (closed && signal?.aborted !== true && Cause.hasInterruptsOnly(exit.cause)) {
          return reject(new ClientClosed({ during: true }))
        }
        reject(toRejection(exit.cause, signal))
      })
    })
  }
  return {
    pmAccountInfo: (params, callOptions) => call(params, callOptions, toInfo),
    pmAccountInfoResult: (params, callOptions) =>
      call(params, callOptions, (result): PmAccountInfoResult => ({
        info: toInfo(result),
        usedWeight: result.usedWeight,
        attempts: result.attempts
      })),
    close: async () => {
      closed = true
      await Effect.runPromise(Fiber.interruptAll(running))
      await runtime.dispose()
    }
  }
}
