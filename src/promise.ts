/**
 * The Promise API, for callers who don't use Effect: `createClient(options)` validates everything at once,
 * and `client.pmAccountInfo` resolves to Binance's exact decimal strings or rejects with a tagged `Error`.
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as BinanceClock from "./BinanceClock.js"
import * as BinanceConfig from "./BinanceConfig.js"
import { ClientClosed, InvalidConfiguration, isBinanceError, type PmAccountInfoError } from "./BinanceError.js"
import * as BinanceHttpClient from "./BinanceHttpClient.js"
import * as Credentials from "./Credentials.js"
import * as AbortWatch from "./internal/core/abortWatch.js"
import type { Refusal } from "./internal/core/endpoint.js"
import * as Api from "./internal/core/promiseApi.js"
import * as PortfolioMargin from "./PortfolioMargin.js"
import * as RateLimit from "./RateLimit.js"

/**
 * @since 0.1.0
 * @category Models
 */
export type ClientOptions = Api.ClientOptions

/**
 * The account information with Binance's own decimal strings.
 *
 * @since 0.1.0
 * @category Models
 */
export type PmAccountInfo = Api.PmAccountInfo

/**
 * The account information with what it took to get it.
 *
 * @since 0.2.0
 * @category Models
 */
export type PmAccountInfoResult = Api.PmAccountInfoResult

/**
 * @since 0.1.0
 * @category Models
 */
export type CallOptions = Api.CallOptions

/**
 * @since 0.1.0
 * @category Models
 */
export type Client = Api.Client

/**
 * The rejection when a call's `signal` is aborted.
 *
 * @since 0.1.0
 * @category Errors
 */
export const AbortError: typeof Api.AbortError = Api.AbortError

/**
 * @since 0.1.0
 * @category Errors
 */
export type AbortError = Api.AbortError

/**
 * What `pmAccountInfo` rejects with (and `createClient` throws): one of the library's tagged errors, or
 * `AbortError`.
 *
 * @since 0.1.0
 * @category Errors
 */
export type ClientError = PmAccountInfoError | ClientClosed | AbortError

/**
 * Narrows a caught value to a `ClientError`, to read its `_tag` (and `status`, `code`, `retryAfterMs` where
 * they apply).
 *
 * @since 0.1.0
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
  if (Either.isLeft(credentials)) {
    const refusal = Api.keyRefusal(credentials.left)
    throw refusal === credentials.left ? credentials.left : new InvalidConfiguration(refusal)
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
  if (Either.isLeft(config)) throw config.left
  const stateDirRefusal = Api.stateDirRefusal(options.stateDir)
  if (stateDirRefusal !== undefined) return refuse(stateDirRefusal)
  const proxyRefusal = Api.proxyRefusal(options.proxy)
  if (proxyRefusal !== undefined) return refuse(proxyRefusal)
  const proxy = options.proxy === undefined ? undefined : BinanceHttpClient.validateProxy(options.proxy)
  if (proxy !== undefined && Either.isLeft(proxy)) throw proxy.left
  return Layer.mergeAll(
    Layer.succeed(Credentials.Credentials, credentials.right),
    Layer.succeed(BinanceConfig.BinanceConfig, config.right),
    BinanceClock.layer,
    // The process-wide gate, shared with every other client and Effect program (kept in `stateDir` too, below).
    // Through a proxy, the budget is the proxy's (the client carries its egress), unless `egress` names one.
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
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) return failure.value
  if (signal?.aborted === true && Cause.isInterruptedOnly(cause)) return new AbortError(signal.reason)
  const defect = Cause.squash(cause)
  return Object.assign(new Error(`Unexpected failure: ${String(defect)}`, { cause: defect }), { _tag: "Defect" })
}

const toInfo = (result: PortfolioMargin.PmAccountInfoResult): PmAccountInfo => ({
  asset: result.response.asset,
  maxWithdrawAmount: result.response.maxWithdrawAmount,
  maxWithdrawAmountUSD: result.response.maxWithdrawAmountUSD
})

/**
 * Creates a client. Throws `InvalidConfiguration` (an `Error` with `_tag`) synchronously for bad options.
 * Each client has its own clock offset and sockets; every client of the process shares one rate-limit budget
 * per base URL (Binance limits per IP), unless it names another `egress`. Create one per API key and reuse it.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const createClient = (options: ClientOptions): Client => {
  const runtime = ManagedRuntime.make(buildLayer(options))
  let closed = false
  type Call = Fiber.RuntimeFiber<unknown, PmAccountInfoError>
  const running = new Set<Call>()
  // An abort interrupts the calls of its signal (one listener per signal: see core/abortWatch).
  const watch = AbortWatch.make<Call>((call) => call.unsafeInterruptAsFork(call.id()))
  const call = <A>(
    params: PortfolioMargin.PmAccountInfoParams,
    callOptions: CallOptions | undefined,
    shape: (result: PortfolioMargin.PmAccountInfoResult) => A
  ): Promise<A> => {
    if (closed) return Promise.reject(new ClientClosed({ during: false }))
    const signal = callOptions?.signal
    if (signal?.aborted === true) return Promise.reject(new AbortError(signal.reason))
    const program = Effect.map(PortfolioMargin.pmAccountInfoResultUntraced(params), shape)
    return new Promise<A>((resolve, reject) => {
      const fiber = runtime.runFork(program)
      running.add(fiber)
      const unwatch = signal === undefined ? undefined : watch(signal, fiber)
      fiber.addObserver((exit) => {
        running.delete(fiber)
        unwatch?.()
        if (Exit.isSuccess(exit)) return resolve(exit.value)
        if (closed && signal?.aborted !== true && Cause.isInterruptedOnly(exit.cause)) {
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
