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

/** @internal */
export interface RawResponse {
  readonly status: number
  readonly headers: Headers.Headers
  readonly text: string
}

const API_KEY_HEADER = "x-mbx-apikey"

const addRedactedName = (names: ReadonlyArray<string | RegExp>): ReadonlyArray<string | RegExp> =>
  names.includes(API_KEY_HEADER) ? names : [...names, API_KEY_HEADER]

/**
 * Describes a transport failure without the request: platform errors render the request URL, which for a
 * signed call holds the signature.
 *
 * @internal
 */
export const describeCause = (cause: unknown): string => {
  const parts: Array<string> = []
  let current: unknown = cause
  for (let depth = 0; depth < 4 && typeof current === "object" && current !== null; depth++) {
    const code = "code" in current && typeof current.code === "string" ? current.code : undefined
    const message = "message" in current && typeof current.message === "string" ? current.message : undefined
    const text = [code, message].filter((s) => s !== undefined && s !== "").join(" ")
    if (text !== "" && !parts.includes(text)) parts.push(text)
    current = "cause" in current ? current.cause : undefined
  }
  const description = parts.length > 0 ? parts.join(": ") : "unknown transport failure"
  return scrub(description)
}

/** Removes anything that looks like a signed query from free text. @internal */
export const scrub = (text: string): string =>
  text.replace(/signature=[^&\s"')]*/gi, "signature=<redacted>").replace(/https?:\/\/[^\s"')]*\?[^\s"')]*/gi, "<url>")

const fromHttpClientError = (error: HttpClientError.HttpClientError): TransportError => {
  if (error._tag === "RequestError") {
    return new TransportError({ description: `${error.reason}: ${describeCause(error.cause)}` })
  }
  return new TransportError({ description: `response ${error.reason}: ${describeCause(error.cause)}` })
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

/** @internal */
export const usedWeight = (headers: Headers.Headers): number | undefined => {
  const value = headers["x-mbx-used-weight-1m"]
  if (value === undefined) return undefined
  const n = Number(value)
  return Number.isFinite(n) && n >= 0 ? n : undefined
}

/** `Retry-After` as ms: delta-seconds or an HTTP date. @internal */
export const retryAfterMs = (headers: Headers.Headers, nowMs: number): number | undefined => {
  const value = headers["retry-after"]
  if (value === undefined || value.trim() === "") return undefined
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.ceil(Number(value) * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs)
}

/** A short, single-line, secret-free piece of a body. @internal */
export const excerpt = (text: string, max = 160): string => {
  const flat = scrub(text.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim())
  return flat.length > max ? `${flat.slice(0, max)}…` : flat
}

/** @internal */
export interface BinanceBody {
  readonly code: number
  readonly msg: string
}

/** @internal */
export const parseBinanceBody = (text: string): BinanceBody | undefined => {
  if (!text.startsWith("{")) return undefined
  try {
    const json: unknown = JSON.parse(text)
    if (typeof json === "object" && json !== null && "code" in json && typeof json.code === "number") {
      const msg = "msg" in json && typeof json.msg === "string" ? json.msg : ""
      return { code: json.code, msg }
    }
  } catch {
    // not JSON: the caller keeps an excerpt instead
  }
  return undefined
}

// -2008 "Invalid Api-Key ID." is a key used on another environment; -1099 "Not found, unauthenticated, or
// unauthorized."
const AUTH_CODES = new Set([-1002, -1011, -1099, -2008, -2014, -2015, -2017])
const SERVER_CODES = new Set([-1000, -1001, -1006, -1007])

/**
 * Maps a non-2xx response to its typed error.
 *
 * @internal
 */
export const classifyError = (response: RawResponse, nowMs: number): PmAccountInfoError => {
  const { status } = response
  const body = parseBinanceBody(response.text.trimStart())
  const code = body?.code
  // A proxy may echo the request line back: never let a signed URL into an error.
  const msg = body === undefined ? undefined : scrub(body.msg)
  const bodyFields = body === undefined ? { excerpt: excerpt(response.text) } : { code, msg }
  if (status === 418) {
    return new IpBanned({ status, code, msg, retryAfterMs: retryAfterMs(response.headers, nowMs) })
  }
  if (status === 429 || code === -1003) {
    return new RateLimited({ status, code, msg, retryAfterMs: retryAfterMs(response.headers, nowMs) })
  }
  // Binance's USDⓈ-M docs: 403 means the web application firewall refused the request. Whatever the body says,
  // it is not the key's fault, and every caller on the IP must back off.
  if (status === 403) {
    return new WafBlocked({ status, ...bodyFields, retryAfterMs: retryAfterMs(response.headers, nowMs) })
  }
  if (code === -1021) return new InvalidTimestamp({ status, code, msg: msg ?? "" })
  if (code === -1022) return new InvalidSignature({ status, code, msg: msg ?? "" })
  if (status === 401 || (code !== undefined && AUTH_CODES.has(code))) {
    return new Unauthorized({ status, code, msg: msg ?? (body === undefined ? excerpt(response.text) : undefined) })
  }
  if (status >= 500 || status === 408 || (code !== undefined && SERVER_CODES.has(code))) {
    return new ServerError({ status, ...bodyFields })
  }
  return new BinanceApiError({ status, ...bodyFields })
}

/** When a 418 ban ends, from "banned until 1700000000000" in its message. @internal */
export const bannedUntil = (error: IpBanned): number | undefined => {
  const match = error.msg === undefined ? null : /banned until (\d+)/.exec(error.msg)
  return match === null ? undefined : Number(match[1])
}
