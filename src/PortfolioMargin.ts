/**
 * Classic Portfolio Margin Account Information: `GET /fapi/v1/pmAccountInfo` (USER_DATA, weight 5) — how
 * much of an asset, and its USD value, can be moved out to the spot wallet.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as BigDecimal from "effect/BigDecimal"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Tracer from "effect/Tracer"
import * as BinanceClock from "./BinanceClock.js"
import * as BinanceConfig from "./BinanceConfig.js"
import { InvalidParameters, isTransient, type PmAccountInfoError, ResponseDecodeError } from "./BinanceError.js"
import * as Credentials from "./Credentials.js"
import { gatedGet } from "./internal/exchange.js"
import { excerpt, type RawResponse, usedWeight } from "./internal/http.js"
import * as RateLimit from "./RateLimit.js"

/**
 * A decimal as Binance writes it: digits, an optional fraction, an optional minus sign, and the exponent
 * form Java's `BigDecimal` prints for some values (`"0E-8"`, `"1.5E+3"`). Never empty.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const DecimalString: Schema.filter<typeof Schema.String> = Schema.String.pipe(
  // The exponent is bounded: "1E999999999" is no amount, and writing it out plainly would not fit in memory.
  Schema.pattern(/^-?\d+(\.\d+)?([eE][+-]?\d{1,3})?$/, { message: () => "a decimal string such as \"27.43689636\"" })
)

/**
 * A `DecimalString` decoded to an exact `BigDecimal` (every digit kept, however many).
 *
 * @since 0.1.0
 * @category Schemas
 */
export const DecimalFromString: Schema.Schema<BigDecimal.BigDecimal, string> = Schema.transform(
  DecimalString,
  Schema.BigDecimalFromSelf,
  { strict: true, decode: (text) => BigDecimal.unsafeFromString(text), encode: (n) => formatPlain(n) }
)

/**
 * Formats a `BigDecimal` in plain positional notation, every digit written out (`BigDecimal.format` switches
 * to exponent notation from 16 digits of scale, which is not how Binance writes amounts).
 *
 * @since 0.1.0
 * @category Formatting
 */
export const formatPlain = (n: BigDecimal.BigDecimal): string => {
  const { scale, value } = BigDecimal.normalize(n)
  const negative = value < 0n
  const digits = (negative ? -value : value).toString()
  let text: string
  if (scale <= 0) {
    text = value === 0n ? "0" : digits + "0".repeat(-scale)
  } else if (scale >= digits.length) {
    text = `0.${"0".repeat(scale - digits.length)}${digits}`
  } else {
    text = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`
  }
  return negative ? `-${text}` : text
}

/**
 * The response body exactly as Binance sends it, validated; amounts stay strings.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const PmAccountInfoResponse = Schema.Struct({
  asset: Schema.String,
  maxWithdrawAmount: DecimalString,
  maxWithdrawAmountUSD: DecimalString
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
  maxWithdrawAmount: DecimalFromString,
  /** The Classic Portfolio Margin maximum virtual amount for transfer out, in USD. */
  maxWithdrawAmountUSD: DecimalFromString
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
export const weight = 5

const ASSET = /^[A-Z0-9]{1,20}$/

const describeValue = (u: unknown): string => {
  if (typeof u === "string") return u.length > 24 ? `a ${u.length}-character string` : JSON.stringify(u)
  if (u === null) return "null"
  if (typeof u === "number") return String(u)
  return `a value of type ${typeof u}`
}

/**
 * Checks call parameters; nothing is sent when they fail.
 *
 * @since 0.1.0
 * @category Validation
 */
export const validateParams = (
  params: unknown,
  defaultRecvWindow: number
): Either.Either<{ readonly asset: string; readonly recvWindow: number }, InvalidParameters> => {
  if (typeof params !== "object" || params === null) {
    return Either.left(new InvalidParameters({ field: "params", reason: "must be an object like { asset: \"BTC\" }" }))
  }
  const { asset, recvWindow } = params as Record<string, unknown>
  if (typeof asset !== "string" || !ASSET.test(asset)) {
    return Either.left(
      new InvalidParameters({
        field: "asset",
        reason: `must be 1 to 20 upper-case letters or digits, such as "BTC"; got ${describeValue(asset)}`
      })
    )
  }
  if (
    recvWindow !== undefined &&
    !(Number.isInteger(recvWindow) && Number(recvWindow) >= 1 && Number(recvWindow) <= 60000)
  ) {
    return Either.left(
      new InvalidParameters({
        field: "recvWindow",
        reason: `must be an integer from 1 to 60000 ms; got ${describeValue(recvWindow)}`
      })
    )
  }
  return Either.right({ asset, recvWindow: (recvWindow as number | undefined) ?? defaultRecvWindow })
}

const decode = (
  response: RawResponse,
  asset: string
): Either.Either<PmAccountInfoResult["response"], ResponseDecodeError> => {
  const fail = (reason: string) =>
    Either.left(new ResponseDecodeError({ status: response.status, reason, excerpt: excerpt(response.text, 120) }))
  let json: unknown
  try {
    json = JSON.parse(response.text)
  } catch {
    return fail("not JSON")
  }
  const decoded = Schema.decodeUnknownEither(PmAccountInfoResponse)(json)
  if (Either.isLeft(decoded)) {
    return fail(
      ParseResult.ArrayFormatter.formatErrorSync(decoded.left).map((i) => `${i.path.join(".") || "body"}: ${i.message}`)
        .join("; ")
    )
  }
  if (decoded.right.asset !== asset) return fail(`asset is "${decoded.right.asset}", expected "${asset}"`)
  return Either.right(decoded.right)
}

const shouldRetry = (error: PmAccountInfoError, maxWaitMs: number): boolean =>
  isTransient(error) ||
  (error._tag === "RateLimited" && (error.retryAfterMs === undefined || error.retryAfterMs <= maxWaitMs))

/**
 * `Effect.retry`, with the schedule's driver built only once an attempt has failed (most calls succeed first
 * time): the first failure is replayed into it, so delays, `while` and the recurrence count are unchanged.
 */
const retryAfterFailure = <A, E, R>(
  self: Effect.Effect<A, E, R>,
  policy: { readonly schedule: Schedule.Schedule<unknown, E>; readonly while: (error: E) => boolean }
): Effect.Effect<A, E, R> =>
  Effect.catchAll(self, (first) => {
    if (!policy.while(first)) return Effect.fail(first)
    let replay = true
    return Effect.retry(
      Effect.suspend(() => {
        if (!replay) return self
        replay = false
        return Effect.fail(first)
      }),
      policy
    )
  })

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
    const { asset, recvWindow } = validated.right
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
    const fixed = `asset=${asset}&recvWindow=${recvWindow}&timestamp=`
    const prefix = `${config.baseUrl}/fapi/v1/pmAccountInfo?${fixed}`
    const attempt = gatedGet({
      client,
      config,
      gate,
      now: clock.currentTimeMillis,
      weight,
      apiKey: credentials.apiKey,
      // Sign exactly the bytes that are sent, freshly for every attempt.
      url: (timestamp, local) => {
        attempts++
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
      const body = decode(response, asset)
      if (Either.isLeft(body)) return Effect.fail(body.left)
      const info = new PmAccountInfo({
        asset: body.right.asset,
        maxWithdrawAmount: BigDecimal.unsafeFromString(body.right.maxWithdrawAmount),
        maxWithdrawAmountUSD: BigDecimal.unsafeFromString(body.right.maxWithdrawAmountUSD)
      }, { disableValidation: true })
      return Effect.succeed({ info, response: body.right, usedWeight: usedWeight(response.headers), attempts })
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
