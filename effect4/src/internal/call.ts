/**
 * One `pmAccountInfo` call: the core's call machine (core/call.ts) driven with this edition's I/O. The walk reads
 * its context once, then loops gate → sign → send → judge → release → decision, entering Effect only to do I/O
 * or to wait. Both the traced Effect API (`PortfolioMargin`) and the Promise API run it.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as Result from "effect/Result"
import * as Tracer from "effect/Tracer"
import * as BinanceClock from "../BinanceClock.js"
import * as BinanceConfig from "../BinanceConfig.js"
import { InvalidParameters, type PmAccountInfoError } from "../BinanceError.js"
import * as Credentials from "../Credentials.js"
import * as RateLimit from "../RateLimit.js"
import { gatedGet } from "./attempt.js"
import type * as CallRules from "./core/call.js"
import * as Endpoint from "./core/endpoint.js"
import { toError } from "./http.js"
import * as Metrics from "./metrics.js"
import * as Walk from "./wiring/walk.js"

/** @internal */
export type Requirements = Credentials.Credentials | BinanceClock.BinanceClock | HttpClient.HttpClient

/** @internal */
export const validateParams = (
  params: unknown,
  defaultRecvWindow: number
): Result.Result<Endpoint.Params, InvalidParameters> => {
  const checked = Endpoint.checkParams(params, defaultRecvWindow)
  return Endpoint.isRefusal(checked) ? Result.fail(new InvalidParameters(checked)) : Result.succeed(checked)
}

/** @internal */
export const run = <A>(
  params: unknown,
  /** What the caller makes of the result (in the same step as the decoding). */
  shape: (success: CallRules.Success) => A
): Effect.Effect<A, PmAccountInfoError, Requirements> =>
  // One context read and plain code in between: every Effect step on this path is paid on every call.
  Effect.contextWith((context: Context.Context<Requirements>) => {
    const config = Context.get(context, BinanceConfig.BinanceConfig)
    const credentials = Context.get(context, Credentials.Credentials)
    const call = Walk.callOf(params, config, credentials.sign, toError)
    const first = call.start()
    if (first._tag === "Fail") return Effect.fail(first.error)
    const clock = Context.get(context, BinanceClock.BinanceClock)
    const client = Context.get(context, HttpClient.HttpClient)
    const parent = Context.getOrUndefined(context, Tracer.ParentSpan)
    const span = parent !== undefined && parent._tag === "Span" ? parent : undefined
    span?.attribute("binance.asset", call.asset)
    // One failure handler on the attempt: what failed before an answer was judged goes to the machine too.
    const attempt = Effect.catch(
      gatedGet<Walk.Decision>(
        new Walk.Attempt(
          client,
          config,
          Context.get(context, RateLimit.RateLimit),
          clock.currentTimeMillis,
          credentials.apiKey,
          call,
          span,
          () => Metrics.recordRetryUnsafe(context)
        ),
        context
      ),
      (error) => Effect.succeed(call.failed(error))
    )
    return Walk.walk({ call, first, attempt, clock, client, retrySchedule: config.retrySchedule, shape })
  })
