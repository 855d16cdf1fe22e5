import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { constTrue } from "effect/Function"
import * as HttpClient from "effect/http/HttpClient"
import type * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Redacted from "effect/Redacted"
import type * as BinanceConfig from "../BinanceConfig.js"
import { Timeout, TransportError } from "../BinanceError.js"
import * as NodeSend from "./core/nodeSend.js"
import * as Responses from "./core/responses.js"

const API_KEY_HEADER = "x-mbx-apikey"

const KIND: Record<HttpClientError.HttpClientErrorReason["_tag"], string> = {
  TransportError: "Transport",
  EncodeError: "Encode",
  InvalidUrlError: "InvalidUrl",
  StatusCodeError: "response StatusCode",
  DecodeError: "response Decode",
  EmptyBodyError: "response EmptyBody"
}

// Only a sanitised description survives: the platform's error holds the request, and so the signed URL.
const fromHttpClientError = (error: HttpClientError.HttpClientError): TransportError =>
  new TransportError({ description: `${KIND[error.reason._tag]}: ${Responses.describeCause(error.reason.cause)}` })

// The same descriptions on the direct path: a failed request is the platform's TransportError, a body cut short
// its DecodeError.
const fromFailure = (failure: NodeSend.Failure): TransportError =>
  new TransportError({ description: NodeSend.describeFailure(failure) })

const fromReceived = (received: NodeSend.Received): Responses.RawResponse => ({
  status: received.status,
  headers: received.headers,
  // A status without a body (204, 304) came with none: its text is "" as it is.
  text: NodeSend.textOf(received.bytes)
})

/**
 * One HTTP round trip: GET the URL with the API key, read the whole body as text, within the per-attempt timeout,
 * and go on with `onResponse`. `url` is called when the request goes out. Interruption or timeout aborts the
 * request in flight.
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
  onResponse: (response: Responses.RawResponse) => Effect.Effect<A, E>
): Effect.Effect<A, E | TransportError | Timeout> => {
  const headers: Record<string, string> = { accept: "application/json", "user-agent": config.userAgent }
  if (apiKey !== undefined) headers[API_KEY_HEADER] = Redacted.value(apiKey)
  const direct = NodeSend.clientDirect(client)
  const timeoutMs = Duration.toMillis(config.timeout)
  if (direct === undefined) {
    return Effect.suspend(() => client.execute(HttpClientRequest.get(url(), { headers }))).pipe(
      Effect.flatMap((response) =>
        Effect.map(
          response.text,
          (text): Responses.RawResponse => ({ status: response.status, headers: response.headers, text })
        )
      ),
      Effect.mapError(fromHttpClientError),
      // The platform's own client span would record the signed URL as `url.full` and the API key header: ours is
      // the span. (With no platform span, the redacted header names are never read.)
      Effect.provideService(HttpClient.TracerDisabledWhen, constTrue),
      withTimeout(timeoutMs),
      Effect.flatMap(onResponse)
    )
  }
  // Effect's timeout races two forked fibers per attempt (a third of a call's Effect steps). On the live clock,
  // the socket's own node timer keeps the same deadline; any other clock (a TestClock) keeps Effect's, and so
  // does a deadline past what a node timer holds.
  const live = clock === LIVE_CLOCK && timeoutMs <= MAX_TIMER_MS
  // One step for the whole round trip: the answer goes on to `onResponse` from the socket's callback.
  const roundTrip = Effect.callback<A, E | TransportError | Timeout>((resume) =>
    Effect.sync(direct(
      // The base URL was checked when the config was made: it parses.
      new URL(url()),
      headers,
      live ? timeoutMs : undefined,
      (result) => {
        if (!NodeSend.isReceived(result)) {
          return resume(Effect.fail(result.timedOut === true ? new Timeout({ timeoutMs }) : fromFailure(result)))
        }
        // A node callback: what `onResponse` throws must end the fiber (a defect), not the process.
        let next: Effect.Effect<A, E>
        try {
          next = onResponse(fromReceived(result))
        } catch (defect) {
          next = Effect.die(defect)
        }
        resume(next)
      }
    ))
  )
  return live ? roundTrip : withTimeout(timeoutMs)(roundTrip)
}

// What `Context.get` gives when no Clock was provided.
const LIVE_CLOCK = Context.get(Context.empty(), Clock.Clock)
// Node fires a longer timer at once (with a warning).
const MAX_TIMER_MS = 2 ** 31 - 1

const withTimeout = (timeoutMs: number) => <A, E>(self: Effect.Effect<A, E>): Effect.Effect<A, E | Timeout> =>
  Effect.timeoutOrElse(self, {
    duration: Duration.millis(timeoutMs),
    orElse: () => Effect.fail(new Timeout({ timeoutMs }))
  })

/** The typed error of an error the call machine described. @internal */
export { toError } from "./wiring/api/BinanceError.js"
