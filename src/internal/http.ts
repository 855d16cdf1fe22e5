import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { constTrue } from "effect/Function"
import * as Redacted from "effect/Redacted"
import type * as BinanceConfig from "../BinanceConfig.js"
import {
  BinanceApiError,
  InvalidParameters,
  InvalidSignature,
  InvalidTimestamp,
  IpBanned,
  type PmAccountInfoError,
  RateLimited,
  ResponseDecodeError,
  ServerError,
  Timeout,
  TransportError,
  Unauthorized,
  WafBlocked
} from "../BinanceError.js"
import type * as CallRules from "./core/call.js"
import * as Responses from "./core/responses.js"

/** @internal */
export interface RawResponse {
  readonly status: number
  readonly headers: Headers.Headers
  readonly text: string
}

const API_KEY_HEADER = "x-mbx-apikey"

const addRedactedName = (names: ReadonlyArray<string | RegExp>): ReadonlyArray<string | RegExp> =>
  names.includes(API_KEY_HEADER) ? names : [...names, API_KEY_HEADER]

const fromHttpClientError = (error: HttpClientError.HttpClientError): TransportError => {
  if (error._tag === "RequestError") {
    return new TransportError({ description: `${error.reason}: ${Responses.describeCause(error.cause)}` })
  }
  return new TransportError({ description: `response ${error.reason}: ${Responses.describeCause(error.cause)}` })
}

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
    // The platform's own client span would record the signed URL as `url.full`: ours is the span.
    Effect.locally(HttpClient.currentTracerDisabledWhen, constTrue),
    Effect.locallyWith(Headers.currentRedactedNames, addRedactedName),
    Effect.timeoutFail({
      duration: config.timeout,
      onTimeout: () => new Timeout({ timeoutMs: Duration.toMillis(config.timeout) })
    })
  )
}

/**
 * The typed error of an error the call machine described (a classified answer, bad parameters, a bad body).
 *
 * @internal
 */
export const toError = (classified: CallRules.Description): PmAccountInfoError => {
  switch (classified._tag) {
    case "InvalidParameters":
      return new InvalidParameters(classified)
    case "ResponseDecodeError":
      return new ResponseDecodeError(classified)
    case "IpBanned":
      return new IpBanned(classified)
    case "RateLimited":
      return new RateLimited(classified)
    case "WafBlocked":
      return new WafBlocked(classified)
    case "InvalidTimestamp":
      return new InvalidTimestamp(classified)
    case "InvalidSignature":
      return new InvalidSignature(classified)
    case "Unauthorized":
      return new Unauthorized(classified)
    case "ServerError":
      return new ServerError(classified)
    case "BinanceApiError":
      return new BinanceApiError(classified)
  }
}
