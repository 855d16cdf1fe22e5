import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as DefaultServices from "effect/DefaultServices"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { constTrue } from "effect/Function"
import * as Redacted from "effect/Redacted"
import type * as BinanceConfig from "../BinanceConfig.js"
import { Timeout, TransportError } from "../BinanceError.js"
import * as NodeSend from "./core/nodeSend.js"
import * as Responses from "./core/responses.js"

const API_KEY_HEADER = "x-mbx-apikey"

const addRedactedName = (names: ReadonlyArray<string | RegExp>): ReadonlyArray<string | RegExp> =>
  names.includes(API_KEY_HEADER) ? names : [...names, API_KEY_HEADER]

const fromHttpClientError = (error: HttpClientError.HttpClientError): TransportError => {
  if (error._tag === "RequestError") {
    return new TransportError({ description: `${error.reason}: ${Responses.describeCause(error.cause)}` })
  }
  return new TransportError({ description: `response ${error.reason}: ${Responses.describeCause(error.cause)}` })
}

// What `Clock` is when no TestClock (or other clock) was provided.
const LIVE_CLOCK = Context.get(DefaultServices.liveServices, Clock.Clock)
// Node fires a longer timer at once (with a warning).
const MAX_TIMER_MS = 2 ** 31 - 1

const timeoutOf = (config: BinanceConfig.Service) => {
  const timeoutMs = Duration.toMillis(config.timeout)
  return Effect.timeoutFail({ duration: config.timeout, onTimeout: () => new Timeout({ timeoutMs }) })
}

/**
 * Where a request in flight on the direct path can be aborted from: `gatedGet`'s finalizer, which runs on every
 * end of the attempt (interruption, timeout). Cleared once the answer or the failure came in.
 *
 * @internal
 */
export interface InFlight {
  abort: (() => void) | undefined
}

/**
 * One HTTP round trip: GET the URL with the API key, read the whole body as text, within the per-attempt timeout,
 * and go on with `onResponse`. `url` is called when the request goes out.
 *
 * A client built by `BinanceHttpClient` is sent to directly (core/nodeSend): one step from the call to the
 * socket and back, without the platform's per-request wrapper, `onResponse` run from the socket's callback; on the
 * live clock the socket's own node timer keeps the deadline (Effect 3's timeout forks two fibers per attempt).
 * Its abort goes to `inFlight`, for the caller's finalizer: an `Effect.async` with a canceller wraps every call
 * in an `onInterrupt` region of its own. Any other client, or clock, goes the platform's way, where
 * interruption or timeout aborts the request itself.
 *
 * @internal
 */
export const get = <A, E>(
  client: HttpClient.HttpClient,
  config: BinanceConfig.Service,
  /** The fiber's clock: the live one lets the socket's timer keep the deadline. */
  clock: Clock.Clock,
  url: () => string,
  apiKey: Redacted.Redacted<string> | undefined,
  onResponse: (response: Responses.RawResponse) => Effect.Effect<A, E>,
  inFlight: InFlight
): Effect.Effect<A, E | TransportError | Timeout> => {
  const headers: Record<string, string> = { accept: "application/json", "user-agent": config.userAgent }
  if (apiKey !== undefined) headers[API_KEY_HEADER] = Redacted.value(apiKey)
  const direct = NodeSend.clientDirect(client)
  if (direct === undefined) {
    return Effect.suspend(() => client.execute(HttpClientRequest.get(url(), { headers }))).pipe(
      Effect.flatMap((response) =>
        Effect.map(
          response.text,
          (text): Responses.RawResponse => ({ status: response.status, headers: response.headers, text })
        )
      ),
      Effect.mapError(fromHttpClientError),
      // The platform's own client span would record the signed URL as `url.full`: ours is the span.
      Effect.locally(HttpClient.currentTracerDisabledWhen, constTrue),
      Effect.locallyWith(Headers.currentRedactedNames, addRedactedName),
      timeoutOf(config),
      Effect.flatMap(onResponse)
    )
  }
  const timeoutMs = Duration.toMillis(config.timeout)
  const live = clock === LIVE_CLOCK && timeoutMs <= MAX_TIMER_MS
  const roundTrip = Effect.async<A, E | TransportError | Timeout>((resume) => {
    // The base URL was checked when the config was made: it parses.
    inFlight.abort = direct(new URL(url()), headers, live ? timeoutMs : undefined, (result) => {
      inFlight.abort = undefined
      if (!NodeSend.isReceived(result)) {
        return resume(Effect.fail(
          result.timedOut === true
            ? new Timeout({ timeoutMs })
            : new TransportError({ description: NodeSend.describeFailure(result) })
        ))
      }
      // A node callback: what `onResponse` throws must end the fiber (a defect), not the process.
      let next: Effect.Effect<A, E>
      try {
        // A status without a body (204, 304) came with none: its text is "" as it is.
        next = onResponse({ status: result.status, headers: result.headers, text: NodeSend.textOf(result.bytes) })
      } catch (defect) {
        next = Effect.die(defect)
      }
      resume(next)
    })
  })
  return live ? roundTrip : timeoutOf(config)(roundTrip)
}

/** The typed error of an error the call machine described. @internal */
export { toError } from "./wiring/api/BinanceError.js"
