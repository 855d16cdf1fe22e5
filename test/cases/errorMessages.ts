// One instance of every error either edition defines, by tag: the fields to build it from and the message it must
// read as, byte for byte. Plain data, no Effect: test/BinanceError.test.ts (Effect 3) and
// effect4/test/BinanceError.test.ts (Effect 4) build each one with their own classes and compare.
export interface MessageCase {
  readonly tag: string
  readonly fields: Readonly<Record<string, unknown>>
  readonly message: string
}

export const messageCases: ReadonlyArray<MessageCase> = [
  {
    tag: "InvalidParameters",
    fields: { field: "asset", reason: "must be 1 to 20 letters or digits" },
    message: "Invalid parameter \"asset\": must be 1 to 20 letters or digits. No request was sent."
  },
  {
    tag: "InvalidConfiguration",
    fields: { field: "recvWindow", reason: "must be an integer from 1 to 60000 ms" },
    message: "Invalid configuration \"recvWindow\": must be an integer from 1 to 60000 ms"
  },
  {
    tag: "InvalidTimestamp",
    fields: { status: 400, code: -1021, msg: "Timestamp for this request is outside of the recvWindow." },
    message: "Binance rejected the request timestamp even after re-syncing the clock (HTTP 400, code -1021): " +
      "Timestamp for this request is outside of the recvWindow. Check the host clock (NTP) and recvWindow."
  },
  {
    tag: "InvalidSignature",
    fields: { status: 400, code: -1022, msg: "Signature for this request is not valid." },
    message: "Binance rejected the request signature (HTTP 400, code -1022): Signature for this request is not " +
      "valid. Check that the secret or private key belongs to the API key."
  },
  {
    tag: "Unauthorized",
    fields: { status: 401, code: -2015, msg: "Invalid API-key, IP, or permissions for action." },
    message: "Binance refused the API key (HTTP 401, code -2015): Invalid API-key, IP, or permissions for action."
  },
  {
    tag: "RateLimited",
    fields: { status: 429, code: -1003, msg: "Too many requests.", retryAfterMs: 2000 },
    message: "Binance rate limit reached (HTTP 429, code -1003): Too many requests. Retry after 2000 ms."
  },
  {
    tag: "IpBanned",
    fields: { status: 418, retryAfterMs: 60000 },
    message: "This IP is banned by Binance (HTTP 418). The ban ends in 60000 ms."
  },
  {
    tag: "WafBlocked",
    fields: { status: 403, excerpt: "403 ERROR Request blocked.", retryAfterMs: 1000 },
    message: "Binance's firewall refused the request (a request-rate limit, or a blocked network or region; not the " +
      "API key) (HTTP 403): 403 ERROR Request blocked. Every call from this IP pauses for 1000 ms."
  },
  {
    tag: "ClientClosed",
    fields: { during: true },
    message: "The client was closed during the call; it was cancelled"
  },
  {
    tag: "ServerError",
    fields: { status: 503, excerpt: "<html>Service Unavailable</html>" },
    message: "Binance server error (HTTP 503): <html>Service Unavailable</html>"
  },
  {
    tag: "BinanceApiError",
    fields: { status: 400, code: -1108, msg: "Invalid asset." },
    message: "Binance error (HTTP 400, code -1108): Invalid asset."
  },
  {
    tag: "Timeout",
    fields: { timeoutMs: 10000 },
    message: "No response from Binance within 10000 ms"
  },
  {
    tag: "TransportError",
    fields: { description: "connect ECONNREFUSED 127.0.0.1:9" },
    message: "Could not reach Binance: connect ECONNREFUSED 127.0.0.1:9"
  },
  {
    tag: "ResponseDecodeError",
    fields: { status: 200, reason: "not JSON", excerpt: "<html>" },
    message: "Unexpected response body (HTTP 200): not JSON. Body starts: \"<html>\""
  }
]

/** How an error reads where a person sees it: its tag, name and message, `String(error)`, and `util.inspect`. */
export interface Reading {
  readonly tag: string
  readonly name: string
  readonly message: string
  readonly string: string
  /** `util.inspect`'s first line, and whether the stack follows it. */
  readonly printed: string
  readonly stackFollows: boolean
  /** Whether `util.inspect` goes on to show the `_tag` field. */
  readonly fieldsFollow: boolean
}

/** Reads an error as a person would see it, with `inspect` being `node:util`'s. */
export const readError = (
  error: Error & { readonly _tag: string },
  inspect: (u: unknown) => string
): Reading => {
  const lines = inspect(error).split("\n")
  return {
    tag: error._tag,
    name: error.name,
    message: error.message,
    string: String(error),
    printed: lines[0] ?? "",
    stackFollows: /^ {4}at /.test(lines[1] ?? ""),
    fieldsFollow: lines.some((line) => line.includes(`_tag: '${error._tag}'`))
  }
}

/** How every error must read, as 0.x's always have: named after its tag, printed as an `Error`. */
export const expectedReading = (tag: string, message: string): Reading => ({
  tag,
  name: tag,
  message,
  string: `${tag}: ${message}`,
  printed: `${tag}: ${message}`,
  stackFollows: true,
  fieldsFollow: true
})
