/**
 * Raw query parsing and Binance-shaped replies. The query is never re-encoded: the signature
 * covers the bytes as sent, so we keep both the raw segments and their decoded form.
 */
import type * as api from "./model.js"

export interface Param {
  readonly name: string
  readonly value: string
  /** The undecoded `name=value` segment. */
  readonly raw: string
}

const decode = (s: string): string => decodeURIComponent(s.replace(/\+/g, " "))

/**
 * Splits on `&` and the first `=`, decoding form-style (`+` is a space).
 * `undefined` when a segment holds a malformed `%` escape.
 */
export const parseQuery = (rawQuery: string): ReadonlyArray<Param> | undefined => {
  const params: Array<Param> = []
  for (const raw of rawQuery.split("&")) {
    if (raw === "") continue
    const eq = raw.indexOf("=")
    try {
      params.push({
        name: decode(eq === -1 ? raw : raw.slice(0, eq)),
        value: eq === -1 ? "" : decode(raw.slice(eq + 1)),
        raw
      })
    } catch {
      return undefined
    }
  }
  return params
}

/** Splits a `URL`, an absolute URL string or a raw `path?query` into path and raw query. */
export const splitUrl = (url: string | URL): { readonly path: string; readonly rawQuery: string } => {
  if (typeof url !== "string") return { path: url.pathname, rawQuery: url.search.slice(1) }
  // Strip scheme and authority by hand: `new URL` would normalise the query bytes.
  let rest = url.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/, "")
  const hash = rest.indexOf("#")
  if (hash !== -1) rest = rest.slice(0, hash)
  const q = rest.indexOf("?")
  const path = q === -1 ? rest : rest.slice(0, q)
  return { path: path === "" ? "/" : path, rawQuery: q === -1 ? "" : rest.slice(q + 1) }
}

/** Lower-cases header names; repeated headers are joined with ", " as HTTP allows. */
export const normalizeHeaders = (headers: api.FakeRequest["headers"]): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    const key = name.toLowerCase()
    const joined = typeof value === "string" ? value : value.join(", ")
    out[key] = key in out ? `${out[key]}, ${joined}` : joined
  }
  return out
}

/** A decision of the exchange, before transport concerns. */
export interface Outcome {
  readonly status: number
  readonly body: string
  readonly headers: Readonly<Record<string, string>>
  readonly code: number | undefined
  readonly verdict: string
}

export const JSON_TYPE = "application/json"

export const ok = (body: string): Outcome => ({
  status: 200,
  body,
  headers: { "content-type": JSON_TYPE },
  code: undefined,
  verdict: "ok"
})

export const error = (
  reply: api.ErrorReply,
  verdict: string,
  headers: Readonly<Record<string, string>> = {}
): Outcome => ({
  status: reply.status,
  body: JSON.stringify({ code: reply.code, msg: reply.msg }),
  headers: { "content-type": JSON_TYPE, ...headers },
  code: reply.code,
  verdict: `${reply.code} ${verdict}`
})

/** The replies fapi documents for this endpoint's rules. */
export const Replies = {
  apiKeyFormat: { status: 401, code: -2014, msg: "API-key format invalid." },
  rejectedKey: { status: 401, code: -2015, msg: "Invalid API-key, IP, or permissions for action." },
  signature: { status: 400, code: -1022, msg: "Signature for this request is not valid." },
  illegalChars: { status: 400, code: -1100, msg: "Illegal characters found in a parameter." },
  duplicate: { status: 400, code: -1101, msg: "Duplicate values for a parameter detected." },
  mandatory: (name: string) => ({
    status: 400,
    code: -1102,
    msg: `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`
  }),
  unread: (read: number, sent: number) => ({
    status: 400,
    code: -1104,
    msg: `Not all sent parameters were read; read ${read} parameter(s) but was sent ${sent}.`
  }),
  invalidData: (name: string) => ({ status: 400, code: -1130, msg: `Data sent for parameter '${name}' is not valid.` }),
  behind: { status: 400, code: -1021, msg: "Timestamp for this request is outside of the recvWindow." },
  ahead: { status: 400, code: -1021, msg: "Timestamp for this request was 1000ms ahead of the server's time." },
  invalidAsset: { status: 400, code: -1108, msg: "Invalid asset." },
  tooMany: (limit: number) => ({
    status: 429,
    code: -1003,
    msg: `Too many requests; current limit of IP is ${limit} requests per minute. ` +
      "Please use WebSocket Streams for live updates to avoid polling the API."
  }),
  banned: (ip: string, until: number) => ({
    status: 418,
    code: -1003,
    msg: `Way too many requests; IP(${ip}) banned until ${until}. ` +
      "Please use WebSocket Streams for live updates to avoid bans."
  }),
  // fapi answers unknown paths and wrong methods alike with -5000 "Path ..., Method ... is invalid".
  invalidPath: (status: number, path: string, method: string) => ({
    status,
    code: -5000,
    msg: `Path ${path}, Method ${method} is invalid`
  })
} as const
