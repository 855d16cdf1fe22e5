/**
 * One call's walk, the same program in both editions: the core's call machine (core/call.ts) made from the
 * context's settings, the hooks its attempts call back, and each of its decisions turned into the I/O or the wait
 * it asks for. An edition reads its context once and builds the attempt (gate → sign → send → judge → release) in
 * its own dialect (internal/call.ts, internal/attempt.ts); the rest is here.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as BinanceClock from "../../BinanceClock.js"
import type * as BinanceConfig from "../../BinanceConfig.js"
import type { PmAccountInfoError } from "../../BinanceError.js"
import * as CallRules from "../core/call.js"
import * as Endpoint from "../core/endpoint.js"
import type * as Responses from "../core/responses.js"
import * as Dialect from "../dialect.js"

/** What the machine tells the walk to do next. */
export type Decision = CallRules.Decision<PmAccountInfoError>

/** The call's machine, from its parameters, the context's settings and signer, and the edition's errors. */
export const callOf = (
  params: unknown,
  config: BinanceConfig.Service,
  sign: (payload: string) => string,
  toError: (description: CallRules.Description) => PmAccountInfoError
): CallRules.Call<PmAccountInfoError> =>
  new CallRules.Call<PmAccountInfoError>(
    params,
    {
      baseUrl: config.baseUrl,
      market: config.market,
      recvWindow: config.recvWindow,
      maxRetries: config.maxRetries,
      maxRetryAfterWaitMs: Duration.toMillis(config.maxRetryAfterWait)
    },
    sign,
    toError
  )

/** The span the call records on: attributes go straight onto it as things happen (no finalizer at the end). */
export interface Span {
  readonly attribute: (key: string, value: unknown) => void
}

/**
 * One call's attempt (core/call.ts `Attempt`): the context's services, and the `request` and `judge` through which
 * the machine signs and judges while the span and the retry count learn of it.
 *
 * A class, not an object literal: V8 may allocate a literal's objects straight into the old generation
 * ("pretenure" its allocation site) if many of them survived a young collection, as they can in a process's first
 * calls. Each call's young objects such an object points at (this machine, its closures) are then kept by every
 * young collection and promoted. An Effect 3 process did so with the literal this was: 400 KB promoted and a 3 ms
 * pause per collection, against 185 KB and 2.0–2.2 ms with this class (docs/performance.md). V8 pretenures literals, not
 * instances of a class.
 */
export class Attempt<Client, Config, Gate, Now, Key>
  implements CallRules.Attempt<Decision, Client, Config, Gate, Now, Key>
{
  readonly weight = Endpoint.WEIGHT
  readonly endpoint: string
  constructor(
    readonly client: Client,
    readonly config: Config,
    readonly gate: Gate,
    readonly now: Now,
    readonly apiKey: Key | undefined,
    private readonly call: CallRules.Call<PmAccountInfoError>,
    private readonly span: Span | undefined,
    private readonly recordRetry: () => void
  ) {
    this.endpoint = call.paths.endpoint
  }

  request(timestamp: number, local: number): string {
    const url = this.call.request(timestamp, local)
    if (this.call.attempts > 1) this.recordRetry()
    this.span?.attribute("binance.attempts", this.call.attempts)
    return url
  }

  judge(answer: Responses.Answer, nowMs: number): Responses.Judged<Decision> {
    this.span?.attribute("http.response.status_code", answer.status)
    const judged = this.call.answered(answer, nowMs)
    return { outcome: judged.outcome, tag: judged.tag, result: judged.decision }
  }
}

/**
 * Runs the machine from its `first` decision: an attempt to send, the clock to re-sync on -1021, the retry
 * schedule's wait, the result `shape`d, or the failure. Failures are uncaptured (`Exit.fail`): the traced entry
 * fails them again inside its span (Effect 3 captures a span into a failure made with `Effect.fail`).
 */
export const walk = <A>(options: {
  readonly call: CallRules.Call<PmAccountInfoError>
  readonly first: Decision
  /** One attempt through the gate; what failed before an answer was judged is a decision too. */
  readonly attempt: Effect.Effect<Decision, PmAccountInfoError>
  readonly clock: BinanceClock.Service
  readonly client: Dialect.HttpClient
  readonly retrySchedule: BinanceConfig.Service["retrySchedule"]
  readonly shape: (success: CallRules.Success) => A
}): Effect.Effect<A, PmAccountInfoError> => {
  const { attempt, call, client, clock, shape } = options
  // The retry schedule's step is made once an attempt has failed: most calls succeed first time.
  let next: ((input: unknown) => Effect.Effect<unknown, unknown>) | undefined
  const delay = (error: PmAccountInfoError): Effect.Effect<unknown, unknown> => {
    if (next !== undefined) return next(error)
    return Effect.flatMap(Dialect.scheduleStep(options.retrySchedule), (made) => {
      next = made
      return made(error)
    })
  }
  const logged = (error: PmAccountInfoError, then: Effect.Effect<A, PmAccountInfoError>) =>
    Effect.flatMap(
      Effect.logDebug("pmAccountInfo attempt failed", { error: error._tag, attempts: call.attempts }),
      () => then
    )
  const step = (decision: Decision): Effect.Effect<A, PmAccountInfoError> => {
    switch (decision._tag) {
      case "Send":
        return Effect.flatMap(attempt, step)
      case "Done":
        return Effect.succeed(shape(decision.success))
      case "Fail":
        return logged(decision.error, Exit.fail(decision.error))
      case "Sync":
        // -1021: learn the server's clock and send once more with a new timestamp and signature.
        return logged(
          decision.error,
          Effect.matchEffect(Effect.provideService(clock.resync(decision.sentAt), Dialect.HttpClient, client), {
            onFailure: (error) => step(call.failed(error)),
            onSuccess: () => step(call.synced())
          })
        )
      case "Retry":
        return logged(
          decision.error,
          Effect.matchEffect(delay(decision.error), {
            // The schedule gave up before the retries ran out.
            onFailure: () => Exit.fail(decision.error),
            onSuccess: () => step(options.first)
          })
        )
    }
  }
  return step(options.first)
}
