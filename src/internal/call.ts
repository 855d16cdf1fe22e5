/**
 * One `pmAccountInfo` call: the core's call machine (core/call.ts) driven with this edition's I/O. The walk reads
 * its context once, then loops gate → sign → send → judge → release → decision, entering Effect only to do I/O
 * or to wait. Both the traced Effect API (`PortfolioMargin`) and the Promise API run it.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import * as FiberRef from "effect/FiberRef"
import type * as FiberStatus from "effect/FiberStatus"
import { identity } from "effect/Function"
import * as RuntimeFlags from "effect/RuntimeFlags"
import * as Tracer from "effect/Tracer"
import * as BinanceClock from "../BinanceClock.js"
import * as BinanceConfig from "../BinanceConfig.js"
import type { PmAccountInfoError } from "../BinanceError.js"
import * as Credentials from "../Credentials.js"
import * as RateLimit from "../RateLimit.js"
import { gatedGet } from "./attempt.js"
import type * as CallRules from "./core/call.js"
import { toError } from "./http.js"
import * as Metrics from "./metrics.js"
import * as Walk from "./wiring/walk.js"

/** @internal */
export type Requirements = Credentials.Credentials | BinanceClock.BinanceClock | HttpClient.HttpClient

/** @internal */
export const run = <A>(
  params: unknown,
  /** What the caller makes of the result (in the same step as the decoding). */
  shape: (success: CallRules.Success) => A
): Effect.Effect<A, PmAccountInfoError, Requirements> =>
  // One read of the fiber (its context, its clock) and plain code in between: every Effect step on this path is
  // paid on every call.
  Effect.withFiberRuntime((fiber, status) => {
    const context = fiber.currentContext as Context.Context<Requirements>
    const config = Context.get(context, BinanceConfig.BinanceConfig)
    const credentials = Context.get(context, Credentials.Credentials)
    const call = Walk.callOf(params, config, credentials.sign, toError)
    const first = call.start()
    if (first._tag === "Fail") return Exit.fail(first.error)
    const clock = Context.get(context, BinanceClock.BinanceClock)
    const client = Context.get(context, HttpClient.HttpClient)
    const parent = Context.getOption(context, Tracer.ParentSpan)
    const span = parent._tag === "Some" && parent.value._tag === "Span" ? parent.value : undefined
    span?.attribute("binance.asset", call.asset)
    const attempt = gatedGet<Walk.Decision>(
      new Walk.Attempt(
        client,
        config,
        Context.get(context, RateLimit.RateLimit),
        clock.currentTimeMillis,
        credentials.apiKey,
        call,
        span,
        Metrics.unsafeRecordRetry
      ),
      Context.get(fiber.currentDefaultServices, Clock.Clock),
      RuntimeFlags.interruption(status.runtimeFlags),
      // What failed before an answer was judged goes to the machine too.
      (error) => call.failed(error)
    )
    return Walk.walk({ call, first, attempt, clock, client, retrySchedule: config.retrySchedule, shape })
  })

const builtInTracer = Context.get(DefaultServices.liveServices, Tracer.Tracer)

// A stack's frames past the first (the function that made it), as Effect.fn takes them.
const frameOf = (error: Error): string => {
  const frame = error.stack!.trim().split("\n").slice(2).join("\n").trim()
  return frame.includes("(") ? frame : frame.replace(/at (.*)/, "at ($1)")
}

// One region (as `uninterruptibleMask`, the caller's interruptibility read in the same step as the fiber) makes the
// span, sets it into the fiber's context, and takes it out and ends it with the body's exit.
const inSpan = <A, E, R>(
  fiber: Fiber.RuntimeFiber<unknown, unknown>,
  status: FiberStatus.Running,
  name: string,
  captureStackTrace: () => string | undefined,
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> => {
  const restore: (effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R> =
    RuntimeFlags.interruption(status.runtimeFlags) ? Effect.interruptible : identity
  const outer = fiber.currentContext
  return Effect.uninterruptible(Effect.flatMap(Effect.makeSpan(name, { captureStackTrace }), (span) => {
    const clock = Context.get(fiber.currentDefaultServices, Clock.Clock)
    const timing = fiber.getFiberRef(FiberRef.currentTracerTimingEnabled)
    const end = (exit: Exit.Exit<A, E>) => {
      if (span.status._tag === "Ended") return
      if (Exit.isFailure(exit)) span.attribute("code.stacktrace", captureStackTrace())
      span.end(timing ? clock.unsafeCurrentTimeNanos() : BigInt(0), exit)
    }
    return Effect.zipRight(
      FiberRef.set(FiberRef.currentContext, Context.add(outer, Tracer.ParentSpan, span)),
      Effect.matchCauseEffect(restore(effect), {
        onFailure: (cause) => {
          end(Exit.failCause(cause))
          // A failure the body left uncaptured is failed here, in the span: its rendered cause names the call site,
          // as a failure inside Effect.fn's span does.
          const back = (cause: Cause.Cause<E>) =>
            Effect.zipRight(FiberRef.set(FiberRef.currentContext, outer), Exit.failCause(cause))
          return Cause.isFailType(cause) ? Effect.catchAllCause(Effect.fail(cause.error), back) : back(cause)
        },
        onSuccess: (value) => {
          end(Exit.succeed(value))
          // The context back and the value in one step.
          return FiberRef.modify(FiberRef.currentContext, () => [value, outer])
        }
      })
    )
  }))
}

/**
 * `Effect.fn(name)(body)` for the call's entries, at a third of its Effect 3 cost, giving the same: a span `name`
 * (its parent, links and annotations from the fiber, as `Effect.makeSpan` makes it) that is the parent span of
 * everything the body does, ended with the call's exit (`code.stacktrace` on a failure, interruption included);
 * the call-site frame (definition and call) in a failure's rendered cause. Effect 3's `withSpan` spends an
 * uninterruptible region on ending the span and an `acquireUseRelease` on providing it (35 steps per call); here
 * one region does both, the span set into and taken out of the fiber's context around the body.
 *
 * Under Effect's built-in tracer, which exports nothing, the span is made only if the call fails: that saves a
 * call that succeeds the span's ids, its context and 10 KB of garbage (about a fifth of the Effect API's cost per
 * call, docs/performance.md). Then the body's own failures must be uncaptured (`Exit.fail`, as `run`'s are): they
 * are failed again in the span, so the cause renders the call site as Effect.fn's does.
 *
 * @internal
 */
export const traced = <P, A, E, R>(
  name: string,
  body: (params: P) => Effect.Effect<A, E, R>
): (params: P) => Effect.Effect<A, E, R> => {
  // Effect.fn's way: the two frames up from here (made inline: a helper would be one of them).
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 2
  const definedAt = new Error()
  Error.stackTraceLimit = limit
  return {
    [name](params: P): Effect.Effect<A, E, R> {
      const limit = Error.stackTraceLimit
      Error.stackTraceLimit = 2
      const calledAt = new Error()
      Error.stackTraceLimit = limit
      let trace: string | undefined | false = false
      const captureStackTrace = (): string | undefined => {
        if (trace !== false) return trace
        if (calledAt.stack === undefined) return undefined
        return trace = `${frameOf(definedAt)}\n${frameOf(calledAt)}`
      }
      // As Effect.fn: a body that throws is a defect of the call, inside its span.
      let effect: Effect.Effect<A, E, R>
      try {
        effect = body(params)
      } catch (defect) {
        effect = Effect.die(defect)
      }
      return Effect.withFiberRuntime((fiber, status) => {
        // Effect's built-in tracer exports nothing: no one sees the span of a call that succeeds. It is made only
        // when the call fails, for the call-site frame of the failure's cause.
        if (Context.get(fiber.currentDefaultServices, Tracer.Tracer) === builtInTracer) {
          return Effect.catchAllCause(
            effect,
            (cause) => inSpan(fiber, status, name, captureStackTrace, Exit.failCause(cause))
          )
        }
        return inSpan(fiber, status, name, captureStackTrace, effect)
      })
    }
  }[name]!
}
