import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as HttpClient from "effect/http/HttpClient"
import type * as Redacted from "effect/Redacted"
import type * as BinanceConfig from "../BinanceConfig.js"
import { type PmAccountInfoError, ResponseDecodeError } from "../BinanceError.js"
import type * as RateLimit from "../RateLimit.js"
import type * as CallRules from "./core/call.js"
import * as ClockRules from "./core/clock.js"
import { budgetKeyOf } from "./core/egress.js"
import * as Endpoint from "./core/endpoint.js"
import * as Responses from "./core/responses.js"
import { get, toError } from "./http.js"
import * as Metrics from "./metrics.js"

/** @internal */
export type GatedGet<A> = CallRules.Attempt<
  A,
  HttpClient.HttpClient,
  BinanceConfig.Service,
  RateLimit.Service,
  Effect.Effect<number>,
  Redacted.Redacted<string>
>

const failureTag = (cause: Cause.Cause<PmAccountInfoError>): string => {
  const failure = Cause.findErrorOption(cause)
  if (failure._tag === "Some") return failure.value._tag
  return Cause.hasInterruptsOnly(cause) ? "Interrupted" : "Defect"
}

/**
 * One attempt through the rate-limit gate: gate → sign → send → judge → release. It fails only when no answer was
 * judged (the gate refused, the transport failed, the attempt timed out); what an answer means is `judge`'s.
 *
 * Only the hand-back of the permit runs uninterruptibly, and it neither sends nor waits: it reads the host
 * clock (not `now`, which a synced clock may refresh over the network) and the gate's release is one step.
 *
 * @internal
 */
export const gatedGet = <A>(
  options: GatedGet<A>,
  /** The calling fiber's: its clock stamps the answer and the release, its registry takes the metrics. */
  context: Context.Context<never>
): Effect.Effect<A, PmAccountInfoError> => {
  const clock = Context.get(context, Clock.Clock)
  return Effect.uninterruptibleMask((restore) =>
    Effect.flatMap(
      restore(options.gate.acquire({
        key: budgetKeyOf(options.config, options.client),
        weight: options.weight,
        weightLimit: options.config.weightLimit,
        maxWaitMs: Duration.toMillis(options.config.maxRetryAfterWait),
        now: options.now
      })),
      (permit) => {
        let outcome: RateLimit.Outcome = {}
        // The host clock when the answer arrived, read once for the error and the release.
        let answeredAt: number | undefined
        // Whether the request left (an attempt stopped before it did is not counted).
        let sent = false
        let tag: string | undefined
        const onResponse = (response: Responses.RawResponse): Effect.Effect<A> => {
          const local = clock.currentTimeMillisUnsafe()
          answeredAt = local
          // Retry-After as an HTTP date is on Binance's clock.
          const judged = options.judge(Responses.answerOf(response), local + permit.now - permit.local)
          outcome = judged.outcome
          tag = judged.tag
          return Effect.succeed(judged.result)
        }
        // Stamped with the clocks the gate admitted it on (nothing between the two sends or waits); built only
        // once the attempt is interruptible again, when the request goes out.
        const send = get(
          options.client,
          options.config,
          clock,
          () => {
            sent = true
            return options.request(permit.now, permit.local)
          },
          options.apiKey,
          onResponse
        )
        return restore(send).pipe(
          Effect.onExit((exit) => {
            const local = answeredAt ?? clock.currentTimeMillisUnsafe()
            if (sent) {
              Metrics.recordRequestUnsafe(
                context,
                options.endpoint,
                Exit.isSuccess(exit) ? tag ?? "ok" : failureTag(exit.cause),
                outcome.status,
                // From the gate's admission: the same synchronous step as the send.
                local - permit.local,
                options.config.baseUrl,
                outcome.usedWeight
              )
            }
            // Binance's clock at the release: the host's plus the skew this request was stamped with.
            return options.gate.release(permit, outcome, local + permit.now - permit.local)
          })
        )
      }
    )
  )
}

/** @internal */
export interface LearnedOffset {
  readonly offset: number
  readonly receivedAt: number
}

/**
 * `GET /fapi/v1/time` (or COIN-M's `/dapi/v1/time`) through the gate, and the offset it teaches (core/clock).
 *
 * @internal
 */
export const learnOffset = (options: {
  readonly client: HttpClient.HttpClient
  readonly config: BinanceConfig.Service
  readonly gate: RateLimit.Service
  readonly now: Effect.Effect<number>
}): Effect.Effect<LearnedOffset, PmAccountInfoError> =>
  Effect.contextWith((context: Context.Context<never>) => {
    let sentAt = 0
    const paths = Endpoint.pathsOf(options.config.market)
    const clock = Context.get(context, Clock.Clock)
    return Effect.flatMap(
      gatedGet({
        ...options,
        weight: Endpoint.TIME_WEIGHT,
        endpoint: paths.timeEndpoint,
        // Stamped on the host clock when the gate lets the request go: time spent waiting at the gate is not
        // round trip, and an offset learned meanwhile by someone else cannot skew this one.
        request: (_, local) => {
          sentAt = local
          return `${options.config.baseUrl}${paths.timePath}`
        },
        judge: Responses.judgePlain
      }, context),
      (judged) => {
        if ("classified" in judged) return Effect.fail(toError(judged.classified))
        const receivedAt = clock.currentTimeMillisUnsafe()
        const learned = ClockRules.learn(judged.answer.text, sentAt, receivedAt, options.config.market)
        return "offset" in learned
          ? Effect.succeed({ offset: learned.offset, receivedAt })
          : Effect.fail(new ResponseDecodeError({ status: judged.answer.status, ...learned }))
      }
    )
  })
