/**
 * One `pmAccountInfo` call as a state machine that does no I/O. The edition feeds it what happened (the gate let a
 * request through, an answer came back, an attempt failed, the clock was re-synced) and does what it decides: send a
 * signed request, re-sync the clock, wait for the retry schedule, finish with the body, or fail.
 *
 * It owns every rule of a call: the parameter check, the request's bytes, the attempt bound (`maxRetries + 1`
 * attempts, one heal re-send, one time request), which failures are retried, heal-once on -1021, and decoding. The
 * edition owns the gate's waiting, the socket, the schedule's delays, spans, metrics, logs and interruption.
 */
import * as Endpoint from "./endpoint.js"
import { isTransientTag } from "./errors.js"
import type { Outcome } from "./gate.js"
import * as Responses from "./responses.js"

/** What a call needs of the configuration. */
export interface Options {
  readonly baseUrl: string
  readonly market: Endpoint.Market | undefined
  /** The recvWindow of a call that names none. */
  readonly recvWindow: number
  readonly maxRetries: number
  /** The longest Retry-After worth waiting for: a longer one fails the call at once. */
  readonly maxRetryAfterWaitMs: number
}

/** An error as the machine reads it: its tag, and for a refusal how long Binance asked to wait. */
export interface Failure {
  readonly _tag: string
  readonly retryAfterMs?: number | undefined
}

/** The errors the machine itself finds, described: the edition turns each into its tagged error. */
export type Description =
  | Responses.Classified
  | { readonly _tag: "InvalidParameters"; readonly field: string; readonly reason: string }
  | { readonly _tag: "ResponseDecodeError"; readonly status: number; readonly reason: string; readonly excerpt: string }

/** What the call succeeded with. */
export interface Success {
  /** The body's own strings (trailing zeros included). */
  readonly body: Endpoint.PmAccountInfoResponse
  /** `X-MBX-USED-WEIGHT-1M` of the successful answer. */
  readonly usedWeight: number | undefined
  /** `pmAccountInfo` requests sent, retries included (the time request is not one). */
  readonly attempts: number
}

/** The information (`Info`: each API's own form of it) with what it took to get it. */
export interface PmAccountInfoResult<Info> {
  readonly info: Info
  /** The body's own strings (trailing zeros included). */
  readonly response: Endpoint.PmAccountInfoResponse
  /** `X-MBX-USED-WEIGHT-1M` of the successful response. */
  readonly usedWeight: number | undefined
  /** `pmAccountInfo` requests sent for this call, retries included (a clock re-sync's time request is not). */
  readonly attempts: number
}

/**
 * What one attempt through the gate needs, as both editions' `gatedGet` take it: `Client`, `Config`, `Gate`, `Now`
 * and `Key` are the edition's HTTP client, configuration, gate, server-clock Effect and redacted API key.
 */
export interface Attempt<A, Client, Config, Gate, Now, Key> {
  readonly client: Client
  readonly config: Config
  readonly gate: Gate
  /** Server-clock estimate: aligns weight windows, and stamps signed requests. */
  readonly now: Now
  readonly weight: number
  readonly apiKey?: Key | undefined
  /** The URL, once the gate has let the request through: from the timestamp to sign and the host clock then. */
  readonly request: (timestamp: number, local: number) => string
  /** What the answer means (`nowMs`: Binance's clock when it arrived). */
  readonly judge: (answer: Responses.Answer, nowMs: number) => Responses.Judged<A>
  /** The `endpoint` tag of the request metrics, e.g. `GET /fapi/v1/pmAccountInfo`. */
  readonly endpoint: string
}

/** What the edition does next. */
export type Decision<E> =
  /** Wait for the gate, then ask `request` for the URL and send it. */
  | { readonly _tag: "Send" }
  /** Re-sync the clock for a request that left at `sentAt` (host clock), then report `synced` or `failed`. */
  | { readonly _tag: "Sync"; readonly sentAt: number; readonly error: E }
  /** Wait for the retry schedule's next delay (fail with `error` if it is done), then send again. */
  | { readonly _tag: "Retry"; readonly error: E }
  | { readonly _tag: "Done"; readonly success: Success }
  | { readonly _tag: "Fail"; readonly error: E }

const SEND: Decision<never> = { _tag: "Send" }

/** Whether one more attempt may cure the failure: a transient one, or a rate limit whose wait is acceptable. */
export const shouldRetry = (failure: Failure, maxRetryAfterWaitMs: number): boolean =>
  isTransientTag(failure._tag) ||
  (failure._tag === "RateLimited" &&
    (failure.retryAfterMs === undefined || failure.retryAfterMs <= maxRetryAfterWaitMs))

/**
 * One call. `sign` signs the query bytes (the credentials'), `toError` makes the edition's tagged error of a
 * description: both are plain functions, so the machine stays free of I/O.
 */
export class Call<E extends Failure> {
  /** The asset asked for, once the parameters are valid. */
  readonly asset: string | undefined
  readonly paths: Endpoint.Paths
  private readonly refusal: E | undefined
  private readonly fixed: string
  private readonly prefix: string
  private count = 0
  private retries = 0
  private healed = false
  private sentAt = 0

  constructor(
    params: unknown,
    private readonly options: Options,
    private readonly sign: (payload: string) => string,
    private readonly toError: (description: Description) => E
  ) {
    this.paths = Endpoint.pathsOf(options.market)
    const checked = Endpoint.checkParams(params, options.recvWindow)
    if (Endpoint.isRefusal(checked)) {
      this.refusal = toError({ _tag: "InvalidParameters", ...checked })
      this.fixed = ""
      this.prefix = ""
    } else {
      this.asset = checked.asset
      this.fixed = Endpoint.queryPrefix(checked)
      this.prefix = `${options.baseUrl}${this.paths.path}?${this.fixed}`
    }
  }

  /** Requests sent so far. */
  get attempts(): number {
    return this.count
  }

  /** The first decision: send, or fail at once for bad parameters (nothing is sent). */
  start(): Decision<E> {
    return this.refusal === undefined ? SEND : { _tag: "Fail", error: this.refusal }
  }

  /**
   * The signed URL of the next attempt, stamped once the gate let it through: `timestamp` is Binance's clock as
   * estimated, `local` the host's. Signs exactly the bytes that are sent, afresh for every attempt.
   */
  request(timestamp: number, local: number): string {
    this.count++
    this.sentAt = local
    return `${this.prefix}${timestamp}&signature=${this.sign(this.fixed + timestamp)}`
  }

  /**
   * An answer arrived (`nowMs`: Binance's clock then). Returns what it tells the gate, the tag of the request's
   * metric (`ok` or the error's), and the next decision.
   */
  answered(answer: Responses.Answer, nowMs: number): {
    readonly outcome: Outcome
    readonly tag: string
    readonly decision: Decision<E>
  } {
    const judged = Responses.judge(answer, nowMs)
    if (judged.classified !== undefined) {
      return {
        outcome: judged.outcome,
        tag: judged.classified._tag,
        decision: this.failed(this.toError(judged.classified))
      }
    }
    return { outcome: judged.outcome, tag: "ok", decision: this.decode(answer, judged.outcome.usedWeight) }
  }

  /**
   * An attempt failed before an answer was judged (the gate refused, the transport failed, it timed out), an
   * answer was an error, or the clock could not be re-synced: heal a -1021 once, retry what may be cured while
   * retries are left, else fail.
   */
  failed(error: E): Decision<E> {
    if (error._tag === "InvalidTimestamp" && !this.healed) {
      this.healed = true
      return { _tag: "Sync", sentAt: this.sentAt, error }
    }
    if (this.retries < this.options.maxRetries && shouldRetry(error, this.options.maxRetryAfterWaitMs)) {
      this.retries++
      return { _tag: "Retry", error }
    }
    return { _tag: "Fail", error }
  }

  /** The clock was re-synced: the healing attempt goes out with a new timestamp and signature. */
  synced(): Decision<E> {
    return SEND
  }

  private decode(answer: Responses.Answer, usedWeight: number | undefined): Decision<E> {
    const body = Endpoint.decodeBody(answer.text, this.asset!)
    if (typeof body === "string") {
      return this.failed(this.toError({
        _tag: "ResponseDecodeError",
        status: answer.status,
        reason: body,
        excerpt: Responses.excerpt(answer.text, 120)
      }))
    }
    return { _tag: "Done", success: { body, usedWeight, attempts: this.count } }
  }
}
