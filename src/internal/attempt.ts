import type * as HttpClient from "@effect/platform/HttpClient"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { identity } from "effect/Function"
import type * as Redacted from "effect/Redacted"
import * as RuntimeFlags from "effect/RuntimeFlags"
import type * as BinanceConfig from "../BinanceConfig.js"
import { type PmAccountInfoError, ResponseDecodeError } from "../BinanceError.js"
import type * as RateLimit from "../RateLimit.js"
import type * as CallRules from "./core/call.js"
import * as ClockRules from "./core/clock.js"
import { budgetKeyOf } from "./core/egress.js"
import * as Endpoint from "./core/endpoint.js"
import * as Responses from "./core/responses.js"
import * as Direct from "./direct.js"
import { get, type InFlight, toError } from "./http.js"
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
  const failure = Cause.failureOption(cause)
  if (failure._tag === "Some") return failure.value._tag
  return Cause.isInterruptedOnly(cause) ? "Interrupted" : "Defect"
}

/**
 * One attempt through the rate-limit gate: gate → sign → send → judge → release. It fails only when no answer was
 * judged (the gate refused, the transport failed, the attempt timed out), unless `recover` makes such a failure
 * a result; what an answer means is `judge`'s.
 *
 * Only the hand-back of the permit runs uninterruptibly, and it neither sends nor waits: it reads the host
 * clock (not `now`, which a synced clock may refresh over the network) and the gate's release is one step. The
 * attempt is one uninterruptible region with the gate's wait and the round trip let interruptible inside it (as
 * `uninterruptibleMask` would, the caller's interruptibility read once by the caller), and the release handed the
 * outcome in the same region (no second region for a finalizer, no `catchAll` around it). A gate and clock of this
 * library's own are passed and handed back in plain code (internal/direct): each Effect 3 step is paid on every call.
 *
 * @internal
 */
export const gatedGet = <A>(
  options: GatedGet<A>,
  /** The calling fiber's: stamps the answer and the release, and tells the live clock from a TestClock. */
  clock: Clock.Clock,
  /** Whether the calling fiber is interruptible: the gate's wait and the round trip are then. */
  interruptible: boolean,
  /** What a failure of the attempt (not a defect, not an interruption) means, if not a failure of the call. */
  recover?: (error: PmAccountInfoError) => A
): Effect.Effect<A, PmAccountInfoError> => {
  const restore: <X, E>(effect: Effect.Effect<X, E>) => Effect.Effect<X, E> = interruptible
    ? Effect.interruptible
    : identity
  const direct = Direct.directGateOf(options.gate)
  const request: RateLimit.Request = {
    key: budgetKeyOf(options.config, options.client),
    weight: options.weight,
    weightLimit: options.config.weightLimit,
    maxWaitMs: Duration.toMillis(options.config.maxRetryAfterWait),
    now: options.now
  }
  const admitted = (permit: RateLimit.Permit): Effect.Effect<A, PmAccountInfoError> => {
    let outcome: RateLimit.Outcome = {}
    let tag: string | undefined
    // Binance's clock minus the host's, as used to stamp this request.
    let skew = 0
    // Host clock when the request left (for the duration metric); undefined until it did.
    let sentLocal: number | undefined
    // The host clock when the answer arrived, read once for the judge, the metric and the release.
    let answeredAt: number | undefined
    const inFlight: InFlight = { abort: undefined }
    const onResponse = (response: Responses.RawResponse): Effect.Effect<A> => {
      const local = clock.unsafeCurrentTimeMillis()
      answeredAt = local
      // Retry-After as an HTTP date is on Binance's clock.
      const judged = options.judge(Responses.answerOf(response), local + skew)
      outcome = judged.outcome
      tag = judged.tag
      return Effect.succeed(judged.result)
    }
    const sendAt = (now: number, local: number) =>
      get(
        options.client,
        options.config,
        clock,
        () => {
          skew = now - local
          sentLocal = local
          return options.request(now, local)
        },
        options.apiKey,
        onResponse,
        inFlight
      )
    // Stamped with the clocks the gate admitted it on (nothing between the two sends or waits); a gate that
    // does not give them has the clocks read now.
    const send = permit.now !== undefined && permit.local !== undefined
      ? sendAt(permit.now, permit.local)
      : Effect.flatMap(options.now, (now) => sendAt(now, clock.unsafeCurrentTimeMillis()))
    // The gate's release: done here for a direct gate (undefined), else its Effect.
    const release = (exit: Exit.Exit<A, PmAccountInfoError>): Effect.Effect<void> | undefined => {
      // Interrupted or timed out with the request in flight: abort it.
      inFlight.abort?.()
      const local = answeredAt ?? clock.unsafeCurrentTimeMillis()
      if (sentLocal !== undefined) {
        Metrics.unsafeRecordRequest(
          options.endpoint,
          Exit.isSuccess(exit) ? tag ?? "ok" : failureTag(exit.cause),
          outcome.status,
          local - sentLocal,
          options.config.baseUrl,
          outcome.usedWeight
        )
      }
      // Binance's clock at the release: the host's plus the skew this request was stamped with.
      if (direct === undefined) return options.gate.release(permit, outcome, local + skew)
      direct.release(permit, outcome, local + skew, clock)
      return undefined
    }
    return Effect.matchCauseEffect(restore(send), {
      onFailure: (cause) => {
        const released = release(Exit.failCause(cause))
        // As `catchAll`: a defect stays a defect, an interruption an interruption.
        const failure = recover !== undefined && !Cause.isDie(cause) ? Cause.failureOption(cause) : undefined
        const result: Effect.Effect<A, PmAccountInfoError> = failure?._tag === "Some"
          ? Exit.succeed(recover!(failure.value))
          : Exit.failCause(cause)
        return released === undefined ? result : Effect.zipRight(released, result)
      },
      onSuccess: (result) => {
        const exit = Exit.succeed(result)
        const released = release(exit)
        return released === undefined ? exit : Effect.zipRight(released, exit)
      }
    })
  }
  return Effect.uninterruptible(Effect.withFiberRuntime(() => {
    const turn = direct?.admit(request, clock)
    if (turn === undefined) return Effect.flatMap(restore(options.gate.acquire(request)), admitted)
    return Effect.isEffect(turn) ? Effect.flatMap(restore(turn), admitted) : admitted(turn)
  }))
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
  Effect.withFiberRuntime((fiber, status) => {
    const clock = Context.get(fiber.currentDefaultServices, Clock.Clock)
    let sentAt = 0
    const paths = Endpoint.pathsOf(options.config.market)
    return Effect.flatMap(
      gatedGet(
        {
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
        },
        clock,
        RuntimeFlags.interruption(status.runtimeFlags)
      ),
      (judged) => {
        if ("classified" in judged) return Effect.fail(toError(judged.classified))
        const receivedAt = clock.unsafeCurrentTimeMillis()
        const learned = ClockRules.learn(judged.answer.text, sentAt, receivedAt, options.config.market)
        return "offset" in learned
          ? Effect.succeed({ offset: learned.offset, receivedAt })
          : Effect.fail(new ResponseDecodeError({ status: judged.answer.status, ...learned }))
      }
    )
  })
