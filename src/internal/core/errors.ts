/**
 * What both editions' errors mean, with no Effect: what each carries, which of them one more attempt may cure, and
 * the message each one reads as. Each edition's `BinanceError` classes are built of these fields, in its schemas,
 * and word their `message` with these.
 */

/** The tags of errors one more attempt may cure: transport failures, attempt timeouts and Binance server errors. */
export const TRANSIENT_TAGS: ReadonlySet<string> = new Set(["TransportError", "Timeout", "ServerError"])

/** Whether an error of this tag may be cured by one more attempt (rate limiting is decided apart, by its wait). */
export const isTransientTag = (tag: string): boolean => TRANSIENT_TAGS.has(tag)

/** The schemas an edition builds its errors' fields of. */
export interface FieldSchemas<Num, Str, Bool, OptionalNum, OptionalStr> {
  readonly number: Num
  readonly string: Str
  readonly boolean: Bool
  readonly optionalNumber: OptionalNum
  readonly optionalString: OptionalStr
}

/** What each error carries, by tag, in the edition's schemas (`messages` words each error from these fields). */
export const fieldsOf = <Num, Str, Bool, OptionalNum, OptionalStr>(
  s: FieldSchemas<Num, Str, Bool, OptionalNum, OptionalStr>
) => ({
  InvalidParameters: { field: s.string, reason: s.string },
  InvalidConfiguration: { field: s.string, reason: s.string },
  InvalidTimestamp: { status: s.number, code: s.number, msg: s.string },
  InvalidSignature: { status: s.number, code: s.number, msg: s.string },
  Unauthorized: { status: s.number, code: s.optionalNumber, msg: s.optionalString },
  RateLimited: {
    status: s.optionalNumber,
    code: s.optionalNumber,
    msg: s.optionalString,
    retryAfterMs: s.optionalNumber
  },
  IpBanned: { status: s.number, code: s.optionalNumber, msg: s.optionalString, retryAfterMs: s.optionalNumber },
  WafBlocked: {
    status: s.number,
    code: s.optionalNumber,
    msg: s.optionalString,
    excerpt: s.optionalString,
    retryAfterMs: s.optionalNumber
  },
  ClientClosed: { during: s.boolean },
  ServerError: { status: s.number, code: s.optionalNumber, msg: s.optionalString, excerpt: s.optionalString },
  BinanceApiError: { status: s.number, code: s.optionalNumber, msg: s.optionalString, excerpt: s.optionalString },
  Timeout: { timeoutMs: s.number },
  TransportError: { description: s.string },
  ResponseDecodeError: { status: s.number, reason: s.string, excerpt: s.string }
})

/** What Binance's answer said: its HTTP status, its `code` and `msg`, and a short excerpt of a body without them. */
export interface Answer {
  readonly status?: number | undefined
  readonly code?: number | undefined
  readonly msg?: string | undefined
  readonly excerpt?: string | undefined
}

/** A pause an answer imposed, in ms. */
export interface Pause extends Answer {
  readonly retryAfterMs?: number | undefined
}

/** ` (HTTP 429, code -1003): Too many requests`: what of the answer is known, for the middle of a sentence. */
export const binanceDetail = ({ code, msg, status }: Answer): string => {
  const parts: Array<string> = []
  if (status !== undefined) parts.push(`HTTP ${status}`)
  if (code !== undefined) parts.push(`code ${code}`)
  const head = parts.length > 0 ? ` (${parts.join(", ")})` : ""
  // Binance messages end with a full stop more often than not; the sentence around them adds its own.
  const text = msg?.trim().replace(/\.+$/, "")
  return text !== undefined && text.length > 0 ? `${head}: ${text}` : head
}

// The body excerpt ends the sentence when Binance gave no `msg`; a full stop ends it otherwise.
const detailAndEnd = (answer: Answer): string => {
  const body = answer.msg === undefined && answer.excerpt !== undefined ? `: ${answer.excerpt}` : ""
  return `${binanceDetail(answer)}${body || "."}`
}

// ` Retry after 1500 ms.`, or nothing when the answer named no wait.
const waitPhrase = (lead: string, retryAfterMs: number | undefined): string =>
  retryAfterMs !== undefined ? ` ${lead} ${retryAfterMs} ms.` : ""

/** The message of each error, by tag, from the error's fields. */
export const messages = {
  InvalidParameters: (e: { readonly field: string; readonly reason: string }): string =>
    `Invalid parameter "${e.field}": ${e.reason}. No request was sent.`,
  InvalidConfiguration: (e: { readonly field: string; readonly reason: string }): string =>
    `Invalid configuration "${e.field}": ${e.reason}`,
  InvalidTimestamp: (e: Answer): string =>
    `Binance rejected the request timestamp even after re-syncing the clock${
      binanceDetail(e)
    }. Check the host clock (NTP) and recvWindow.`,
  InvalidSignature: (e: Answer): string =>
    `Binance rejected the request signature${
      binanceDetail(e)
    }. Check that the secret or private key belongs to the API key.`,
  Unauthorized: (e: Answer): string => `Binance refused the API key${binanceDetail(e)}.`,
  RateLimited: (e: Pause): string =>
    `Binance rate limit reached${binanceDetail(e)}.${waitPhrase("Retry after", e.retryAfterMs)}`,
  IpBanned: (e: Pause): string =>
    `This IP is banned by Binance${binanceDetail(e)}.${waitPhrase("The ban ends in", e.retryAfterMs)}`,
  WafBlocked: (e: Pause): string =>
    `Binance's firewall refused the request (a request-rate limit, or a blocked network or region; not the API key)${
      detailAndEnd(e)
    }${waitPhrase("Every call from this IP pauses for", e.retryAfterMs)}`,
  ClientClosed: (e: { readonly during: boolean }): string =>
    e.during ? "The client was closed during the call; it was cancelled" : "The client is closed; nothing was sent",
  ServerError: (e: Answer): string => `Binance server error${detailAndEnd(e)}`,
  BinanceApiError: (e: Answer): string => `Binance error${detailAndEnd(e)}`,
  Timeout: (e: { readonly timeoutMs: number }): string => `No response from Binance within ${e.timeoutMs} ms`,
  TransportError: (e: { readonly description: string }): string => `Could not reach Binance: ${e.description}`,
  ResponseDecodeError: (e: { readonly status: number; readonly reason: string; readonly excerpt: string }): string =>
    `Unexpected response body (HTTP ${e.status}): ${e.reason}. Body starts: ${JSON.stringify(e.excerpt)}`
} as const
