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
import * as PortfolioMargin from "./PortfolioMargin.js"

/**
 * @since 0.1.0
 * @category Models
 */
export interface ClientOptions {
  readonly apiKey: string
  /** HMAC secret. Give exactly one of `secretKey` and `privateKey`. */
  readonly secretKey?: string | undefined
  /** PEM private key, RSA or Ed25519, PKCS#8 or PKCS#1. */
  readonly privateKey?: string | undefined
  readonly privateKeyPassphrase?: string | undefined
  readonly baseUrl?: string | undefined
  readonly environment?: BinanceConfig.Environment | undefined
  readonly recvWindow?: number | undefined
  /** Timeout of one attempt, in ms (default 10000). */
  readonly timeoutMs?: number | undefined
  /**
   * Retries after the first attempt (default 3). One call sends at most `maxRetries + 1` requests, plus one
   * re-send after healing a -1021, plus at most one `GET /fapi/v1/time`: `maxRetries: 2` makes at most 4
   * pmAccountInfo requests and 1 time request.
   */
  readonly maxRetries?: number | undefined
  /** Longest rate-limit or firewall pause worth waiting for, in ms (default 10000). */
  readonly maxRetryAfterWaitMs?: number | undefined
  /** The IP's weight limit per minute (default 2400). */
  readonly weightLimit?: number | undefined
  /**
   * Names the IP this client leaves from when it is not the host's own (a proxy, another local address).
   * Binance limits and bans per IP, so by default every client and Effect program in the process shares one
   * budget per base URL; clients with the same `egress` share one of their own.
   */
  readonly egress?: string | undefined
  /**
   * `usds-m` (default: `GET /fapi/v1/pmAccountInfo` on `https://fapi.binance.com`) or `coin-m`
   * (`GET /dapi/v1/pmAccountInfo` on `https://dapi.binance.com`, a budget of its own).
   *
   * @since 0.2.0
   */
  readonly market?: BinanceConfig.Market | undefined
  /**
   * A forward proxy, `http://[user:password@]host:port`: `http:` targets are forwarded, `https:` ones tunnelled
   * with `CONNECT`. Its credentials are sent only as `Proxy-Authorization` and never appear in an error. The
   * client's budget is then the proxy's (`egress` defaults to `proxy host:port`).
   *
   * @since 0.2.0
   */
  readonly proxy?: string | undefined
}

/**
 * The account information with Binance's own decimal strings.
 *
 * @since 0.1.0
 * @category Models
 */
export interface PmAccountInfo {
  readonly asset: string
  readonly maxWithdrawAmount: string
  readonly maxWithdrawAmountUSD: string
}

/**
 * The account information with what it took to get it.
 *
 * @since 0.2.0
 * @category Models
 */
export interface PmAccountInfoResult {
  /** Binance's own strings, as `pmAccountInfo` resolves them. */
  readonly info: PmAccountInfo
  /** `X-MBX-USED-WEIGHT-1M` of the successful response: the IP's weight used this minute. */
  readonly usedWeight: number | undefined
  /** `pmAccountInfo` requests sent for this call, retries included (a clock re-sync's time request is not). */
  readonly attempts: number
}

/**
 * @since 0.1.0
 * @category Models
 */
export interface CallOptions {
  /** Aborting it aborts the request in flight and rejects with an `AbortError`. */
  readonly signal?: AbortSignal | undefined
}

/**
 * @since 0.1.0
 * @category Models
 */
export interface Client {
  readonly pmAccountInfo: (
    params: { readonly asset: string; readonly recvWindow?: number | undefined },
    options?: CallOptions
  ) => Promise<PmAccountInfo>
  /**
   * Like `pmAccountInfo`, with the used weight and the number of attempts.
   *
   * @since 0.2.0
   */
  readonly pmAccountInfoResult: (
    params: { readonly asset: string; readonly recvWindow?: number | undefined },
    options?: CallOptions
  ) => Promise<PmAccountInfoResult>
  /**
   * Releases everything the client holds: calls still running are cancelled (they reject with
   * `ClientClosed`), then sockets are closed. Later calls reject with `ClientClosed` too.
   */
  readonly close: () => Promise<void>
}

/**
 * The rejection when a call's `signal` is aborted.
 *
 * @since 0.1.0
 * @category Errors
 */
export class AbortError extends Error {
  readonly _tag = "Aborted" as const
  override readonly name = "AbortError"
  constructor(cause: unknown) {
    super("The call was aborted", { cause })
  }
}

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

const KNOWN_OPTIONS = new Set([
  "apiKey",
  "secretKey",
  "privateKey",
  "privateKeyPassphrase",
  "baseUrl",
  "environment",
  "recvWindow",
  "timeoutMs",
  "maxRetries",
  "maxRetryAfterWaitMs",
  "weightLimit",
  "egress",
  "market",
  "proxy"
])

const milliseconds = (field: string, value: unknown): number | undefined => {
  if (value === undefined) return undefined
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new InvalidConfiguration({ field, reason: "must be a finite, non-negative number of milliseconds" })
  }
  return value
}

const buildLayer = (options: ClientOptions) => {
  if (typeof options !== "object" || options === null) {
    throw new InvalidConfiguration({ field: "options", reason: "must be an object" })
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) throw new InvalidConfiguration({ field: key, reason: "is not a known option" })
  }
  const hasSecret = options.secretKey !== undefined
  const hasPrivate = options.privateKey !== undefined
  if (hasSecret === hasPrivate) {
    throw new InvalidConfiguration({
      field: "secretKey",
      reason: hasSecret ? "give secretKey or privateKey, not both" : "give secretKey (HMAC) or privateKey (RSA/Ed25519)"
    })
  }
  if (hasSecret && options.privateKeyPassphrase !== undefined) {
    throw new InvalidConfiguration({ field: "privateKeyPassphrase", reason: "only applies to privateKey" })
  }
  const credentials = hasSecret
    ? Credentials.makeHmac({ apiKey: options.apiKey, secretKey: options.secretKey! })
    : Credentials.makePrivateKey({
      apiKey: options.apiKey,
      privateKey: options.privateKey!,
      passphrase: options.privateKeyPassphrase
    })
  if (Either.isLeft(credentials)) {
    // Name the option the caller wrote.
    const { field, reason } = credentials.left
    throw field === "passphrase"
      ? new InvalidConfiguration({ field: "privateKeyPassphrase", reason })
      : credentials.left
  }
  const timeoutMs = milliseconds("timeoutMs", options.timeoutMs)
  if (timeoutMs === 0) throw new InvalidConfiguration({ field: "timeoutMs", reason: "must be positive" })
  const maxRetryAfterWaitMs = milliseconds("maxRetryAfterWaitMs", options.maxRetryAfterWaitMs)
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
  if (options.proxy !== undefined && typeof options.proxy !== "string") {
    throw new InvalidConfiguration({ field: "proxy", reason: "must be a URL string such as http://host:port" })
  }
  const proxy = options.proxy === undefined ? undefined : BinanceHttpClient.validateProxy(options.proxy)
  if (proxy !== undefined && Either.isLeft(proxy)) throw proxy.left
  return Layer.mergeAll(
    Layer.succeed(Credentials.Credentials, credentials.right),
    Layer.succeed(BinanceConfig.BinanceConfig, config.right),
    BinanceClock.layer,
    // No RateLimit layer: the process-wide gate, shared with every other client and Effect program.
    // Through a proxy, the budget is the proxy's (the client carries its egress), unless `egress` names one.
    options.proxy === undefined
      ? BinanceHttpClient.layer()
      : Layer.orDie(BinanceHttpClient.layer({ proxy: options.proxy }))
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
