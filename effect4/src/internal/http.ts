import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { constTrue } from "effect/Function"
import type * as Headers from "effect/http/Headers"
import * as HttpClient from "effect/http/HttpClient"
import type * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Redacted from "effect/Redacted"
import type * as BinanceConfig from "../BinanceConfig.js"
import {
  BinanceApiError,
  InvalidSignature,
  InvalidTimestamp,
  IpBanned,
  type PmAccountInfoError,
  RateLimited,
  ServerError,
  Timeout,
  TransportError,
  Unauthorized,
  WafBlocked
} from "../BinanceError.js"
import * as Responses from "./core/responses.js"

/** @internal */
export interface RawResponse {
  readonly status: number
  readonly headers: Headers.Headers
  readonly text: string
}

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

/**
 * One HTTP exchange: GET `url` with the API key, read the whole body as text, within the per-attempt
 * timeout. Interruption or timeout aborts the request in flight.
 *
 * @internal
 */
export const get = (
  client: HttpClient.HttpClient,
  config: BinanceConfig.Service,
  url: string,
  apiKey: Redacted.Redacted<string> | undefined
): Effect.Effect<RawResponse, TransportError | Timeout> => {
  const headers: Record<string, string> = { accept: "application/json", "user-agent": config.userAgent }
  if (apiKey !== undefined) headers[API_KEY_HEADER] = Redacted.value(apiKey)
  const request = HttpClientRequest.get(url, { headers })
  return client.execute(request).pipe(
    Effect.flatMap((response) =>
      Effect.map(response.text, (text): RawResponse => ({ status: response.status, headers: response.headers, text }))
    ),
    Effect.mapError(fromHttpClientError),
    // The platform's own client span would record the signed URL as `url.full` and the API key header: ours is
    // the span. (With no platform span, the redacted header names are never read.)
    Effect.provideService(HttpClient.TracerDisabledWhen, constTrue),
    // Effect 4's timeout does not fork a fiber per attempt (Effect 3's raced two).
    Effect.timeoutOrElse({
      duration: config.timeout,
      orElse: () => Effect.fail(new Timeout({ timeoutMs: Duration.toMillis(config.timeout) }))
    })
  )
}

/** @internal */
export const usedWeight = (headers: Headers.Headers): number | undefined =>
  Responses.usedWeight(headers["x-mbx-used-weight-1m"])

/**
 * The typed error of a classified answer.
 *
 * @internal
 */
export const toError = (classified: Responses.Classified): PmAccountInfoError => {
  // The fields without the description's `_tag`: each class sets its own.
  const { _tag, ...fields } = classified as Responses.Classified & { readonly code: number; readonly msg: string }
  switch (_tag) {
    case "IpBanned":
      return new IpBanned(fields)
    case "RateLimited":
      return new RateLimited(fields)
    case "WafBlocked":
      return new WafBlocked(fields)
    case "InvalidTimestamp":
      return new InvalidTimestamp(fields)
    case "InvalidSignature":
      return new InvalidSignature(fields)
    case "Unauthorized":
      return new Unauthorized(fields)
    case "ServerError":
      return new ServerError(fields)
    case "BinanceApiError":
      return new BinanceApiError(fields)
  }
}

/**
 * Maps a non-2xx response to its typed error.
 *
 * @internal
 */
export const classifyError = (response: RawResponse, nowMs: number): PmAccountInfoError =>
  toError(Responses.classify(
    { status: response.status, header: (name) => response.headers[name], text: response.text },
    nowMs
  ))
