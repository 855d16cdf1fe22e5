// How a non-2xx answer becomes a typed error: status, body and headers in, the tag and the fields that must be
// set out. Plain data, no Effect: test/responses.test.ts (Effect 3) and effect4/test/errorMapping.test.ts
// (Effect 4) run it through each edition's classifier, and the Effect 4 spec also end to end through FakeBinance.
export interface ErrorCase {
  readonly name: string
  readonly status: number
  readonly body: string
  readonly headers?: Readonly<Record<string, string>>
  /** The tag, and fields the error must carry (toMatchObject). */
  readonly expected: { readonly _tag: string } & Readonly<Record<string, unknown>>
  /** Whether the call's retry policy may try again after it (false: one request, then the error). */
  readonly retried: boolean
}

const json = (code: number, msg: string) => JSON.stringify({ code, msg })
const HTML_429 = "<html><head><title>429 Too Many Requests</title></head><body><h1>Too Many Requests</h1></body></html>"

const unauthorized = (status: number, code: number, msg: string): ErrorCase => ({
  name: `${status} ${code} → Unauthorized keeping its code`,
  status,
  body: json(code, msg),
  expected: { _tag: "Unauthorized", status, code, msg },
  retried: false
})

export const errorCases: ReadonlyArray<ErrorCase> = [
  {
    name: "429 -1003 → RateLimited",
    status: 429,
    body: json(-1003, "Too many requests."),
    expected: { _tag: "RateLimited", status: 429, code: -1003 },
    retried: true
  },
  {
    name: "429 with Retry-After → RateLimited with retryAfterMs",
    status: 429,
    body: json(-1003, "Too many requests."),
    headers: { "retry-after": "2" },
    expected: { _tag: "RateLimited", status: 429, retryAfterMs: 2000 },
    retried: true
  },
  {
    name: "429 with an HTML body → RateLimited",
    status: 429,
    body: HTML_429,
    expected: { _tag: "RateLimited", status: 429 },
    retried: true
  },
  {
    name: "429 with an empty body → RateLimited",
    status: 429,
    body: "",
    expected: { _tag: "RateLimited", status: 429 },
    retried: true
  },
  {
    name: "418 → IpBanned",
    status: 418,
    body: json(-1003, "Way too many requests; IP banned until 1700000060000."),
    headers: { "retry-after": "60" },
    expected: { _tag: "IpBanned", status: 418 },
    retried: false
  },
  {
    name: "403 with an HTML body → WafBlocked",
    status: 403,
    body: "<html><h1>403 ERROR</h1>Request blocked.</html>",
    expected: { _tag: "WafBlocked", status: 403, excerpt: "403 ERROR Request blocked." },
    retried: false
  },
  {
    name: "403 with a -2015 body and Retry-After → WafBlocked, never the key's fault",
    status: 403,
    body: json(-2015, "Invalid API-key."),
    headers: { "retry-after": "7" },
    expected: { _tag: "WafBlocked", status: 403, code: -2015, retryAfterMs: 7000 },
    retried: false
  },
  unauthorized(401, -2015, "Invalid API-key, IP, or permissions for action."),
  unauthorized(400, -2015, "Invalid API-key, IP, or permissions for action."),
  unauthorized(401, -2014, "API-key format invalid."),
  unauthorized(400, -2014, "API-key format invalid."),
  unauthorized(400, -1002, "You are not authorized to execute this request."),
  unauthorized(400, -1011, "This IP cannot access this route."),
  unauthorized(400, -2017, "API Keys are locked on this account."),
  unauthorized(400, -2008, "Invalid Api-Key ID."),
  unauthorized(400, -1099, "Not found, unauthenticated, or unauthorized."),
  {
    name: "400 -1021 → InvalidTimestamp",
    status: 400,
    body: json(-1021, "Timestamp outside"),
    expected: { _tag: "InvalidTimestamp", status: 400, code: -1021 },
    retried: true
  },
  {
    name: "400 -1022 → InvalidSignature",
    status: 400,
    body: json(-1022, "Signature invalid"),
    expected: { _tag: "InvalidSignature", status: 400, code: -1022 },
    retried: false
  },
  ...[500, 502, 503, 504].map((status): ErrorCase => ({
    name: `${status} with HTML → ServerError with an excerpt`,
    status,
    body: "<p>Bad   gateway</p>",
    expected: { _tag: "ServerError", status, excerpt: "Bad gateway" },
    retried: true
  })),
  ...[-1000, -1001, -1006, -1007].map((code): ErrorCase => ({
    name: `400 ${code} → ServerError with code and message`,
    status: 400,
    body: json(code, "busy"),
    expected: { _tag: "ServerError", status: 400, code, msg: "busy" },
    retried: true
  })),
  {
    name: "400 -1100 → BinanceApiError",
    status: 400,
    body: json(-1100, "Illegal characters"),
    expected: { _tag: "BinanceApiError", status: 400, code: -1100, msg: "Illegal characters" },
    retried: false
  },
  {
    name: "404 with an empty body → BinanceApiError",
    status: 404,
    body: "",
    expected: { _tag: "BinanceApiError", status: 404 },
    retried: false
  },
  {
    name: "a message echoing the signed request loses the signature and the URL",
    status: 400,
    body: json(-1100, "bad request GET https://fapi.binance.com/fapi/v1/pmAccountInfo?asset=BTC&signature=abcdef0123"),
    expected: { _tag: "BinanceApiError", status: 400, code: -1100, msg: "bad request GET <url>" },
    retried: false
  }
]
