/**
 * Classic Portfolio Margin Account Information: `GET /fapi/v1/pmAccountInfo` (USER_DATA, weight 5) — how
 * much of an asset, and its USD value, can be moved out to the spot wallet. With `BinanceConfig.market`
 * `coin-m`, its COIN-M twin `GET /dapi/v1/pmAccountInfo` (same weight, parameters and answer).
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as BigDecimal from "effect/BigDecimal"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Tracer from "effect/Tracer"
import * as Amount from "./Amount.js"
import * as BinanceClock from "./BinanceClock.js"
import * as BinanceConfig from "./BinanceConfig.js"
import { InvalidParameters, isTransient, type PmAccountInfoError, ResponseDecodeError } from "./BinanceError.js"
import * as Credentials from "./Credentials.js"
import { gatedGet } from "./internal/attempt.js"
import * as Endpoint from "./internal/core/endpoint.js"
import { excerpt, usedWeight } from "./internal/http.js"
import * as Metrics from "./internal/metrics.js"
import { retryAfterFailure } from "./internal/retry.js"
import * as RateLimit from "./RateLimit.js"

/**
 * @since 0.1.0
 * @category Schemas
 * @deprecated Use `Amount.DecimalString`.
 */
export const DecimalString: typeof Amount.DecimalString = Amount.DecimalString

/**
 * @since 0.1.0
 * @category Schemas
 * @deprecated Use `Amount.DecimalFromString`.
 */
export const DecimalFromString: typeof Amount.DecimalFromString = Amount.DecimalFromString

/**
 * @since 0.1.0
 * @category Formatting
 * @deprecated Use `Amount.formatPlain`.
 */
export const formatPlain: typeof Amount.formatPlain = Amount.formatPlain

/**
 * The response body exactly as Binance sends it, validated; amounts stay strings.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const PmAccountInfoResponse = Schema.Struct({
  asset: Schema.String,
  maxWithdrawAmount: Amount.DecimalString,
  maxWithdrawAmountUSD: Amount.DecimalString
})

/**
 * @since 0.1.0
 * @category Models
 */
export type PmAccountInfoResponse = typeof PmAccountInfoResponse.Type

/**
 * Account information for one asset. Its encoded form is Binance's JSON.
 *
 * @since 0.1.0
 * @category Models
 */
export class PmAccountInfo extends Schema.Class<PmAccountInfo>("effect-binance-pm/PmAccountInfo")({
  asset: Schema.String,
  /** How much of the asset can be transferred out to the spot wallet. */
  maxWithdrawAmount: Amount.DecimalFromString,
  /** The Classic Portfolio Margin maximum virtual amount for transfer out, in USD. */
  maxWithdrawAmountUSD: Amount.DecimalFromString
}) {}

/**
 * @since 0.1.0
 * @category Models
 */
export interface PmAccountInfoParams {
  /** Upper-case asset symbol, e.g. "BTC". */
  readonly asset: string
  /** Overrides `BinanceConfig.recvWindow` for this call (1..60000 ms). */
  readonly recvWindow?: number | undefined
}

/**
 * The information with what it took to get it.
 *
 * @since 0.1.0
 * @category Models
 */
export interface PmAccountInfoResult {
  readonly info: PmAccountInfo
  /** The body's own strings (trailing zeros included). */
  readonly response: PmAccountInfoResponse
  /** `X-MBX-USED-WEIGHT-1M` of the successful response. */
  readonly usedWeight: number | undefined
  /** `pmAccountInfo` requests sent for this call, retries included (a clock re-sync's `/fapi/v1/time` is not). */
  readonly attempts: number
}

/**
 * The request weight of `GET /fapi/v1/pmAccountInfo`.
 *
 * @since 0.1.0
 * @category Constants
 */
export const weight: number = Endpoint.WEIGHT

/**
 * Checks call parameters; nothing is sent when they fail.
 *
 * @since 0.1.0
 * @category Validation
 */
export const validateParams = (
  params: unknown,
  defaultRecvWindow: number
): Either.Either<Endpoint.Params, InvalidParameters> => {
  const checked = Endpoint.checkParams(params, defaultRecvWindow)
  return Endpoint.isRefusal(checked) ? Either.left(new InvalidParameters(checked)) : Either.right(checked)
}

const shouldRetry = (error: PmAccountInfoError, maxWaitMs: number): boolean =>
  isTransient(error) ||
  (error._tag === "RateLimited" && (error.retryAfterMs === undefined || error.retryAfterMs <= maxWaitMs))

const run = (
  params: PmAccountInfoParams
): Effect.Effect<
  PmAccountInfoResult,
  PmAccountInfoError,
  Credentials.Credentials | BinanceClock.BinanceClock | HttpClient.HttpClient
> =>
  // One context read and plain code in between: every Effect step on this path is paid on every call.
  Effect.contextWithEffect((
    context: Context.Context<Credentials.Credentials | BinanceClock.BinanceClock | HttpClient.HttpClient>
  ) => {
    const config = Context.get(context, BinanceConfig.BinanceConfig)
    const validated = validateParams(params, config.recvWindow)
    if (Either.isLeft(validated)) return Effect.fail(validated.left)
    const { asset } = validated.right
    const credentials = Context.get(context, Credentials.Credentials)
    const clock = Context.get(context, BinanceClock.BinanceClock)
    const client = Context.get(context, HttpClient.HttpClient)
    const gate = Context.get(context, RateLimit.RateLimit)
    // Attributes go straight onto the call's span as things happen (no finalizer to run at the end).
    const parent = Context.getOption(context, Tracer.ParentSpan)
    const span = parent._tag === "Some" && parent.value._tag === "Span" ? parent.value : undefined
    span?.attribute("binance.asset", asset)
    let attempts = 0
    // Host clock when the latest request left: a -1021 heals from it.
    let sentAt = 0
    const fixed = Endpoint.queryPrefix(validated.right)
    const paths = Endpoint.pathsOf(config.market)
    const prefix = `${config.baseUrl}${paths.path}?${fixed}`
    const attempt = gatedGet({
      client,
      config,
      gate,
      now: clock.currentTimeMillis,
      weight: Endpoint.WEIGHT,
      apiKey: credentials.apiKey,
      endpoint: paths.endpoint,
      // Sign exactly the bytes that are sent, freshly for every attempt.
      url: (timestamp, local) => {
        if (++attempts > 1) Metrics.unsafeRecordRetry()
        sentAt = local
        span?.attribute("binance.attempts", attempts)
        return `${prefix}${timestamp}&signature=${credentials.sign(fixed + timestamp)}`
      },
      onStatus: (status) => {
        span?.attribute("http.response.status_code", status)
      }
    })
    // -1021: learn the server's clock and try once more with a new timestamp and signature — once per call,
    // so a call sends at most maxRetries + 2 requests and one /fapi/v1/time.
    let healed = false
    const selfHealing = Effect.catchTag(attempt, "InvalidTimestamp", (error) => {
      if (healed) return Effect.fail(error)
      healed = true
      return Effect.zipRight(clock.resync(sentAt).pipe(Effect.provideService(HttpClient.HttpClient, client)), attempt)
    })
    const maxWaitMs = Duration.toMillis(config.maxRetryAfterWait)
    const retried = retryAfterFailure(
      Effect.tapError(selfHealing, (error) =>
        Effect.logDebug("pmAccountInfo attempt failed", { error: error._tag, attempts })),
      {
        schedule: Schedule.intersect(config.retrySchedule, Schedule.recurs(config.maxRetries)),
        while: (error) =>
          shouldRetry(error, maxWaitMs)
      }
    )
    return Effect.flatMap(retried, (response) => {
      const body = Endpoint.decodeBody(response.text, asset)
      if (typeof body === "string") {
        return Effect.fail(
          new ResponseDecodeError({ status: response.status, reason: body, excerpt: excerpt(response.text, 120) })
        )
      }
      const info = new PmAccountInfo({
        asset: body.asset,
        maxWithdrawAmount: BigDecimal.unsafeFromString(body.maxWithdrawAmount),
        maxWithdrawAmountUSD: BigDecimal.unsafeFromString(body.maxWithdrawAmountUSD)
      }, { disableValidation: true })
      return Effect.succeed({ info, response: body, usedWeight: usedWeight(response.headers), attempts })
    })
  })

/**
 * Reads Classic Portfolio Margin Account Information for one asset.
 *
 * Validates the parameters (nothing is sent when they are wrong), waits for the rate-limit gate, signs a
 * fresh request per attempt, heals a -1021 by re-syncing the clock once, retries transient failures on
 * `BinanceConfig.retrySchedule`, and decodes the body to exact decimals.
 *
 * @since 0.1.0
 * @category Endpoints
 */
export const pmAccountInfo: (
  params: PmAccountInfoParams
) => Effect.Effect<
  PmAccountInfo,
  PmAccountInfoError,
  Credentials.Credentials | BinanceClock.BinanceClock | HttpClient.HttpClient
> = Effect.fn("PortfolioMargin.pmAccountInfo")((params: PmAccountInfoParams) =>
  Effect.map(run(params), (result) => result.info)
)

/**
 * Like `pmAccountInfo`, with the body's own strings, the used weight and the number of attempts.
 *
 * @since 0.1.0
 * @category Endpoints
 */
export const pmAccountInfoResult: (
  params: PmAccountInfoParams
) => Effect.Effect<
  PmAccountInfoResult,
  PmAccountInfoError,
  Credentials.Credentials | BinanceClock.BinanceClock | HttpClient.HttpClient
> = Effect.fn("PortfolioMargin.pmAccountInfoResult")(run)

/**
 * `pmAccountInfoResult` without its span: for callers that have no tracer to see it (the Promise API), where
 * the span's bookkeeping would be a third of the Effect steps of a call.
 *
 * @since 0.1.0
 * @category Endpoints
 * @internal
 */
export const pmAccountInfoResultUntraced: (
  params: PmAccountInfoParams
) => Effect.Effect<
  PmAccountInfoResult,
  PmAccountInfoError,
  Credentials.Credentials | BinanceClock.BinanceClock | HttpClient.HttpClient
> = run
