/**
 * One `pmAccountInfo` call, without the public module's span or decimal decoding: what both the traced Effect
 * API and the Promise API run.
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import * as Tracer from "effect/Tracer"
import * as BinanceClock from "../BinanceClock.js"
import * as BinanceConfig from "../BinanceConfig.js"
import { InvalidParameters, isTransient, type PmAccountInfoError, ResponseDecodeError } from "../BinanceError.js"
import * as Credentials from "../Credentials.js"
import * as RateLimit from "../RateLimit.js"
import { gatedGet } from "./attempt.js"
import * as Endpoint from "./core/endpoint.js"
import * as Responses from "./core/responses.js"
import * as Http from "./http.js"
import * as Metrics from "./metrics.js"
import { retryAfterFailure } from "./retry.js"

/** @internal */
export interface Params {
  readonly asset: string
  readonly recvWindow?: number | undefined
}

/** @internal */
export interface RawResult {
  /** The body's own strings (trailing zeros included). */
  readonly response: Endpoint.Body
  readonly usedWeight: number | undefined
  readonly attempts: number
}

/** @internal */
export const validateParams = (
  params: unknown,
  defaultRecvWindow: number
): Result.Result<Endpoint.Params, InvalidParameters> => {
  const checked = Endpoint.checkParams(params, defaultRecvWindow)
  return Endpoint.isRefusal(checked) ? Result.fail(new InvalidParameters(checked)) : Result.succeed(checked)
}

const shouldRetry = (error: PmAccountInfoError, maxWaitMs: number): boolean =>
  isTransient(error) ||
  (error._tag === "RateLimited" && (error.retryAfterMs === undefined || error.retryAfterMs <= maxWaitMs))

/** @internal */
export const run = <A>(
  params: Params,
  /** What the caller makes of the result (in the same step as the decoding). */
  shape: (result: RawResult) => A
): Effect.Effect<
  A,
  PmAccountInfoError,
  Credentials.Credentials | BinanceClock.BinanceClock | HttpClient.HttpClient
> =>
  // One context read and plain code in between: every Effect step on this path is paid on every call.
  Effect.contextWith((
    context: Context.Context<Credentials.Credentials | BinanceClock.BinanceClock | HttpClient.HttpClient>
  ) => {
    const config = Context.get(context, BinanceConfig.BinanceConfig)
    const validated = validateParams(params, config.recvWindow)
    if (Result.isFailure(validated)) return Effect.fail(validated.failure)
    const { asset } = validated.success
    const credentials = Context.get(context, Credentials.Credentials)
    const clock = Context.get(context, BinanceClock.BinanceClock)
    const client = Context.get(context, HttpClient.HttpClient)
    const gate = Context.get(context, RateLimit.RateLimit)
    // Attributes go straight onto the call's span as things happen (no finalizer to run at the end).
    const parent = Context.getOrUndefined(context, Tracer.ParentSpan)
    const span = parent !== undefined && parent._tag === "Span" ? parent : undefined
    span?.attribute("binance.asset", asset)
    let attempts = 0
    // Host clock when the latest request left: a -1021 heals from it.
    let sentAt = 0
    const fixed = Endpoint.queryPrefix(validated.success)
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
        if (++attempts > 1) Metrics.recordRetryUnsafe(context)
        sentAt = local
        span?.attribute("binance.attempts", attempts)
        return `${prefix}${timestamp}&signature=${credentials.sign(fixed + timestamp)}`
      },
      onStatus: (status) => {
        span?.attribute("http.response.status_code", status)
      }
    }, context)
    // -1021: learn the server's clock and try once more with a new timestamp and signature — once per call,
    // so a call sends at most maxRetries + 2 requests and one /fapi/v1/time.
    let healed = false
    const recover = (error: PmAccountInfoError): Effect.Effect<Http.RawResponse, PmAccountInfoError> => {
      if (error._tag !== "InvalidTimestamp" || healed) return Effect.fail(error)
      healed = true
      return Effect.andThen(clock.resync(sentAt).pipe(Effect.provideService(HttpClient.HttpClient, client)), attempt)
    }
    const logged = <B>(effect: Effect.Effect<B, PmAccountInfoError>) =>
      Effect.tapError(
        effect,
        (error) => Effect.logDebug("pmAccountInfo attempt failed", { error: error._tag, attempts })
      )
    const maxWaitMs = Duration.toMillis(config.maxRetryAfterWait)
    // The first attempt carries one failure handler (most calls succeed): the heal, the log and the retries are
    // built once it fails. Each retry is a whole attempt: healed (while the call has not healed yet) and logged.
    const retried = Effect.catch(attempt, (error) =>
      retryAfterFailure(logged(recover(error)), logged(Effect.catch(attempt, recover)), {
        // Effect 3's `Schedule.intersect`: recur while both do, with the longer delay.
        schedule: Schedule.max([config.retrySchedule, Schedule.recurs(config.maxRetries)]),
        while: (error) =>
          shouldRetry(error, maxWaitMs)
      }))
    return Effect.flatMap(retried, (response) => {
      const body = Endpoint.decodeBody(response.text, asset)
      if (typeof body === "string") {
        return Effect.fail(
          new ResponseDecodeError({
            status: response.status,
            reason: body,
            excerpt: Responses.excerpt(response.text, 120)
          })
        )
      }
      return Effect.succeed(shape({ response: body, usedWeight: Http.usedWeight(response), attempts }))
    })
  })
