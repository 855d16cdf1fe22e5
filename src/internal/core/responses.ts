/**
 * What Binance's answers mean: the used-weight and Retry-After headers, error bodies, and which error a non-2xx
 * answer is. No Effect here: both editions build their typed errors from `classify`'s plain description.
 */

import type { Outcome } from "./gate.js"

/** A response as the rules need it: a header reader (case-insensitive names) and the whole body. */
export interface Answer {
  readonly status: number
  readonly header: (lowerCaseName: string) => string | undefined
  readonly text: string
}

/** A whole answer as a transport hands it over: lower-case header names (node's parse, or the platform's). */
export interface RawResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  readonly text: string
}

/** A header's value, when it came once. */
export const header = (response: RawResponse, name: string): string | undefined => {
  const value = response.headers[name]
  return typeof value === "string" ? value : undefined
}

/** The answer as the rules read it. */
export const answerOf = (response: RawResponse): Answer => ({
  status: response.status,
  header: (name) => header(response, name),
  text: response.text
})

/** What an answer means to its caller: what it tells the gate, the request metric's tag, and the caller's result. */
export interface Judged<A> {
  readonly outcome: Outcome
  readonly tag: string
  readonly result: A
}

/**
 * What an answer to an unsigned request (the clock's) means: the gate's outcome, and the answer itself or, unless it
 * is a 2xx, which error it is.
 */
export const judgePlain = (
  answer: Answer,
  nowMs: number
): Judged<{ readonly answer: Answer } | { readonly classified: Classified }> => {
  const judged = judge(answer, nowMs)
  const classified = judged.classified
  return {
    outcome: judged.outcome,
    tag: classified?._tag ?? "ok",
    result: classified === undefined ? { answer } : { classified }
  }
}

/** Removes anything that looks like a signed query from free text. */
export const scrub = (text: string): string =>
  text.replace(/signature=[^&\s"')]*/gi, "signature=<redacted>").replace(/https?:\/\/[^\s"')]*\?[^\s"')]*/gi, "<url>")

/** A short, single-line, secret-free piece of a body. */
export const excerpt = (text: string, max = 160): string => {
  const flat = scrub(text.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim())
  return flat.length > max ? `${flat.slice(0, max)}…` : flat
}

/** `X-MBX-USED-WEIGHT-1M`, when it is a count. */
export const usedWeight = (value: string | undefined): number | undefined => {
  // Number("") is 0: a blank header says nothing, not "nothing used".
  if (value === undefined || value.trim() === "") return undefined
  const n = Number(value)
  return Number.isFinite(n) && n >= 0 ? n : undefined
}

// RFC 9110's IMF-fixdate, the only HTTP-date a server may send: `Date.parse` alone reads "in 5" as a date in 2001.
const HTTP_DATE =
  /^\s*(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT\s*$/

/** `Retry-After` as ms: delta-seconds or an HTTP date (measured from `nowMs`). */
export const retryAfterMs = (value: string | undefined, nowMs: number): number | undefined => {
  if (value === undefined || value.trim() === "") return undefined
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.ceil(Number(value) * 1000)
  if (!HTTP_DATE.test(value)) return undefined
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs)
}

/** Binance's error body. */
export interface BinanceBody {
  readonly code: number
  readonly msg: string
}

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

/** A non-2xx answer, described: each edition turns it into its tagged error of the same name and fields. */
export type Classified =
  | {
    readonly _tag: "IpBanned" | "RateLimited"
    readonly status: number
    readonly code: number | undefined
    readonly msg: string | undefined
    readonly retryAfterMs: number | undefined
  }
  | {
    readonly _tag: "WafBlocked"
    readonly status: number
    readonly code?: number | undefined
    readonly msg?: string | undefined
    readonly excerpt?: string | undefined
    readonly retryAfterMs: number | undefined
  }
  | {
    readonly _tag: "InvalidTimestamp" | "InvalidSignature"
    readonly status: number
    readonly code: number
    readonly msg: string
  }
  | {
    readonly _tag: "Unauthorized"
    readonly status: number
    readonly code: number | undefined
    readonly msg: string | undefined
  }
  | {
    readonly _tag: "ServerError" | "BinanceApiError"
    readonly status: number
    readonly code?: number | undefined
    readonly msg?: string | undefined
    readonly excerpt?: string | undefined
  }

/** Which error a non-2xx answer is; `nowMs` (Binance's clock) measures a Retry-After given as a date. */
export const classify = (answer: Answer, nowMs: number): Classified => {
  const { status } = answer
  const body = parseBinanceBody(answer.text.trimStart())
  const code = body?.code
  // A proxy may echo the request line back: never let a signed URL into an error.
  const msg = body === undefined ? undefined : scrub(body.msg)
  const bodyFields = body === undefined ? { excerpt: excerpt(answer.text) } : { code, msg }
  const retryAfter = () => retryAfterMs(answer.header("retry-after"), nowMs)
  if (status === 418) return { _tag: "IpBanned", status, code, msg, retryAfterMs: retryAfter() }
  if (status === 429 || code === -1003) return { _tag: "RateLimited", status, code, msg, retryAfterMs: retryAfter() }
  // Binance's USDⓈ-M docs: 403 means the web application firewall refused the request. Whatever the body says,
  // it is not the key's fault, and every caller on the IP must back off.
  if (status === 403) return { _tag: "WafBlocked", status, ...bodyFields, retryAfterMs: retryAfter() }
  if (code === -1021) return { _tag: "InvalidTimestamp", status, code, msg: msg ?? "" }
  if (code === -1022) return { _tag: "InvalidSignature", status, code, msg: msg ?? "" }
  if (status === 401 || (code !== undefined && AUTH_CODES.has(code))) {
    return { _tag: "Unauthorized", status, code, msg: msg ?? (body === undefined ? excerpt(answer.text) : undefined) }
  }
  if (status >= 500 || status === 408 || (code !== undefined && SERVER_CODES.has(code))) {
    return { _tag: "ServerError", status, ...bodyFields }
  }
  return { _tag: "BinanceApiError", status, ...bodyFields }
}

/**
 * What an answer tells: the gate's outcome (its status and used weight, and for a refusal its Retry-After and when a
 * ban ends) and, unless it is a 2xx, which error it is. `nowMs` is Binance's clock.
 */
export const judge = (
  answer: Answer,
  nowMs: number
): { readonly outcome: Outcome; readonly classified: Classified | undefined } => {
  const { status } = answer
  const used = usedWeight(answer.header("x-mbx-used-weight-1m"))
  if (status >= 200 && status < 300) return { outcome: { status, usedWeight: used }, classified: undefined }
  const classified = classify(answer, nowMs)
  return {
    outcome: {
      status,
      usedWeight: used,
      retryAfterMs: "retryAfterMs" in classified ? classified.retryAfterMs : undefined,
      bannedUntil: classified._tag === "IpBanned" ? bannedUntil(classified.msg) : undefined
    },
    classified
  }
}

/** When a 418 ban ends (Binance's clock), from "banned until 1700000000000" in its message. */
export const bannedUntil = (msg: string | undefined): number | undefined => {
  const match = msg === undefined ? null : /banned until (\d+)/.exec(msg)
  return match === null ? undefined : Number(match[1])
}

/** `{"serverTime": <ms>}` from `/fapi/v1/time`. */
export const parseServerTime = (text: string): number | undefined => {
  try {
    const json: unknown = JSON.parse(text)
    if (typeof json === "object" && json !== null && "serverTime" in json) {
      const value = json.serverTime
      if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value
    }
  } catch {
    // fall through: not JSON
  }
  return undefined
}

/**
 * Describes a transport failure from its cause chain (`code` and `message`, four levels deep), never from
 * the request: platform errors render the request URL, which for a signed call holds the signature.
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
