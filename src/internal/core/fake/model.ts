/**
 * The fake exchange's plain data: what it answers, its errors, the requests it reads and the faults it can be
 * scripted with. No Effect here: both editions' `FakeBinance` re-export these or declare the same shapes.
 */
// Kept in the emitted .d.ts: a consumer's TypeScript 7 loads no @types by itself, and this file's types name `node:*`.
/// <reference types="node" preserve="true" />
import type { KeyObject } from "node:crypto"

/** What `pmAccountInfo` answers for one asset. The strings are returned exactly as given. */
export interface AssetAmounts {
  readonly maxWithdrawAmount: string
  readonly maxWithdrawAmountUSD: string
}

/**
 * An API key and how its requests are signed: `hmacSecret` for HMAC-SHA256 keys, or `publicKey`
 * (PEM or `KeyObject`, RSA or Ed25519; a private key is accepted and its public half used).
 */
export interface Account {
  readonly apiKey: string
  readonly hmacSecret?: string | undefined
  readonly publicKey?: string | KeyObject | undefined
  readonly assets?: Readonly<Record<string, AssetAmounts>> | undefined
  /** Classic Portfolio Margin enrolment; `false` makes `pmAccountInfo` answer `errors.notPortfolioMargin`. */
  readonly portfolioMargin?: boolean | undefined
}

/** A Binance error reply: HTTP status and the `{code,msg}` body. */
export interface ErrorReply {
  readonly status: number
  readonly code: number
  readonly msg: string
}

/**
 * A request as either transport sees it. `url` is a `URL`, an absolute URL string, or a raw `path?query`
 * string; the query is used byte for byte (never re-encoded).
 */
export interface FakeRequest {
  readonly method: string
  readonly url: string | URL
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
}

/** How a fake exchange starts. */
export interface Options {
  readonly accounts?: ReadonlyArray<Account> | undefined
  /** REQUEST_WEIGHT per minute for the one IP this fake models. Default 2400. */
  readonly weightLimit?: number | undefined
  /** Server clock = Effect `Clock` + this many milliseconds (may be negative). Default 0. */
  readonly serverSkewMillis?: number | undefined
  /** The IP quoted in 418 messages. Default `127.0.0.1`. */
  readonly ip?: string | undefined
  readonly errors?: {
    /** Default 400 -1108 "Invalid asset." */
    readonly unknownAsset?: ErrorReply | undefined
    /** Default 401 -2015 "Invalid API-key, IP, or permissions for action." (the real code is unconfirmed). */
    readonly notPortfolioMargin?: ErrorReply | undefined
  } | undefined
}

/** How a served fake starts: {@link Options} and the port (default 0: a free one). */
export interface ServeOptions extends Options {
  readonly port?: number | undefined
}

/**
 * What the exchange decided. Header names are lower-case. `Truncate` carries the full body and the byte offset
 * where transports cut it; `Reset` means: close the connection, send nothing.
 */
export type FakeResponse =
  | {
    readonly _tag: "Reply"
    readonly status: number
    readonly headers: Readonly<Record<string, string>>
    readonly body: string
  }
  | {
    readonly _tag: "Truncate"
    readonly status: number
    readonly headers: Readonly<Record<string, string>>
    readonly body: string
    readonly cutAt: number
  }
  | { readonly _tag: "Reset" }

/**
 * One line of the request log. Secrets stay out of it: the signature value in `query` and the `x-mbx-apikey`
 * header read `<redacted>`; the originals are kept in `Secret` fields (`Redacted<string>` in both editions).
 */
export interface LogEntry<Secret> {
  readonly method: string
  readonly path: string
  readonly query: string
  readonly signature: Secret | undefined
  readonly headers: Readonly<Record<string, string>>
  readonly apiKey: Secret | undefined
  /** Server time (Clock + skew) when the request arrived, in ms. */
  readonly time: number
  /** HTTP status; 0 for a reset connection. */
  readonly status: number
  readonly code?: number | undefined
  /** `"ok"`, `"-1022 signature"`, `"fault:reset"`, ... */
  readonly verdict: string
  /** The fault applied to this request, if any. */
  readonly fault: Fault["_tag"] | undefined
  /** Used weight of the current window after this request. */
  readonly usedWeight: number
}

/** A scripted misbehaviour of the network, the CDN or the exchange. */
export type Fault =
  | {
    readonly _tag: "Respond"
    readonly status: number
    readonly body: string
    readonly headers: Readonly<Record<string, string>>
  }
  | { readonly _tag: "Html502" }
  | { readonly _tag: "ServiceUnavailable"; readonly variant: "unknown" | "unavailable" | "internal" }
  | { readonly _tag: "Delay"; readonly millis: number }
  | { readonly _tag: "Reset" }
  | { readonly _tag: "Truncate" }
  | { readonly _tag: "NonJson200" }
  | { readonly _tag: "WrongSchema200" }
  | { readonly _tag: "RateLimited"; readonly retryAfterSeconds: number }
  | { readonly _tag: "RateLimitedBare"; readonly body: "json" | "empty" | "html" }
  | { readonly _tag: "WafBlocked" }
  | { readonly _tag: "Banned"; readonly retryAfterSeconds: number }

/**
 * Fault constructors, for both editions' `FakeBinance.Fault` (which take an Effect `Duration` for `delay`).
 * "Edge" faults answer before the exchange sees the request (no weight, no checks); `delay` and `truncate` let
 * the exchange process the request, then slow down or cut the answer.
 */
export const builders: {
  /** Any status, body (a string is sent as is, anything else as JSON) and headers. */
  readonly respond: (
    options: { readonly status: number; readonly body?: unknown; readonly headers?: Record<string, string> }
  ) => Fault
  /** A CDN "502 Bad Gateway" HTML page. */
  readonly html502: Fault
  /** The three documented 503s: unknown (-1000), unavailable (-1001), internal (-1001). */
  readonly serviceUnavailable: (variant: "unknown" | "unavailable" | "internal") => Fault
  /** Process normally, answer after this many milliseconds (interruptible). */
  readonly delay: (millis: number) => Fault
  /** Connection reset before any response byte. */
  readonly reset: Fault
  /** Process normally, then send the headers and only half the body before closing the connection. */
  readonly truncate: Fault
  /** A 200 whose body is not JSON. */
  readonly nonJson200: Fault
  /** A 200 with JSON of the wrong shape (numbers instead of strings, a field missing). */
  readonly wrongSchema200: Fault
  /** A 429 -1003 with `Retry-After`; it also starts a back-off, as a real 429 does. */
  readonly rateLimited: (retryAfterSeconds: number) => Fault
  /**
   * A 429 without `Retry-After`, as a proxy or CDN in front of the exchange may send it: with the -1003 JSON
   * body (`"json"`, the default), an empty body (`"empty"`) or an nginx HTML page (`"html"`). It starts no
   * back-off on the fake: what the client does after it is for the caller to measure.
   */
  readonly rateLimitedBare: (body?: "json" | "empty" | "html") => Fault
  /**
   * A 403 from the web application firewall in front of fapi: CloudFront's "Request blocked" HTML page, no
   * `Retry-After`. It starts no block on the fake.
   */
  readonly wafBlocked: Fault
  /**
   * A 418 -1003 "Way too many requests; IP(…) banned until <ms>" with `Retry-After`, that also bans the fake's IP
   * for that many seconds, as a real 418 does: every request during the ban gets 418. It does not count towards
   * the escalation of the fake's own bans.
   */
  readonly banned: (retryAfterSeconds: number) => Fault
} = {
  respond: ({ body, headers, status }) => ({
    _tag: "Respond",
    status,
    body: body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body),
    headers: { ...headers }
  }),
  html502: { _tag: "Html502" },
  serviceUnavailable: (variant) => ({ _tag: "ServiceUnavailable", variant }),
  delay: (millis) => ({ _tag: "Delay", millis }),
  reset: { _tag: "Reset" },
  truncate: { _tag: "Truncate" },
  nonJson200: { _tag: "NonJson200" },
  wrongSchema200: { _tag: "WrongSchema200" },
  rateLimited: (retryAfterSeconds) => ({ _tag: "RateLimited", retryAfterSeconds }),
  rateLimitedBare: (body = "json") => ({ _tag: "RateLimitedBare", body }),
  wafBlocked: { _tag: "WafBlocked" },
  banned: (retryAfterSeconds) => ({ _tag: "Banned", retryAfterSeconds })
}

/** {@link builders} with a `delay` that takes the edition's duration (an Effect `Duration` input in both editions). */
export type Builders<Duration> = Omit<typeof builders, "delay"> & {
  /** Process normally, answer after this long (interruptible). */
  readonly delay: (duration: Duration) => Fault
}

/** Both editions' `FakeBinance.Fault`: {@link builders}, `delay` reading the duration with `toMillis`. */
export const buildersFor = <Duration>(toMillis: (duration: Duration) => number): Builders<Duration> => ({
  ...builders,
  delay: (duration) => builders.delay(toMillis(duration))
})

/**
 * The fake's service, the scripting calls and what they do, for both editions' `FakeBinance.Service`: each edition
 * fills in its own effect types, `Step` (a scripting call that may fail with the edition's `FakeBinanceError`),
 * `Done` (one that cannot fail), `Log` (the request log), `Count` (a number read) and `Handled` (what `handle`
 * answers).
 */
export interface ServiceShape<Step, Done, Log, Count, Handled> extends UserStreamShape<Step, Count> {
  /** `http://127.0.0.1:<port>` when served over loopback; `undefined` for the in-memory client. */
  readonly baseUrl: string | undefined
  /** The exchange itself; both transports call this. */
  readonly handle: (request: FakeRequest) => Handled
  readonly addAccount: (account: Account) => Step
  readonly setAsset: (apiKey: string, asset: string, amounts: AssetAmounts) => Step
  readonly setPortfolioMargin: (apiKey: string, enabled: boolean) => Step
  readonly setServerSkew: (millis: number) => Step
  readonly setWeightLimit: (limit: number) => Step
  /** The next `count` (default 1) requests to `path` (default any) get this fault. */
  readonly enqueueFault: (
    fault: Fault,
    options?: { readonly path?: string | undefined; readonly count?: number | undefined }
  ) => Step
  /**
   * Each request to `path` (default any) gets this fault with probability `rate`; rate 0 removes it.
   * With `seed`, draws come from a private mulberry32 stream; without, from Effect's `Random`.
   */
  readonly setFaultRate: (
    fault: Fault,
    rate: number,
    options?: { readonly path?: string | undefined; readonly seed?: number | undefined }
  ) => Step
  readonly clearFaults: Done
  readonly requests: Log
  readonly requestCount: Count
  readonly clearRequests: Done
  /** Used weight of the current one-minute window. */
  readonly usedWeight: Count
  readonly serverTime: Count
  /** Forget weight, back-off, bans, faults and the log; accounts and settings stay. */
  readonly reset: Done
}

/**
 * The user-data stream's scripting calls (`/pm-classic/ws/<listenKey>` of a served fake), for both editions'
 * `FakeBinance.Service`. Each acts at the fake's server time; `apiKey` limits it to that account (all when absent).
 */
export interface UserStreamShape<Step, Count> {
  /**
   * The figures of `PM_PRO_ACCOUNT_UPDATE`, pushed every 5 s to the account's connections; `undefined` stops them.
   * Without figures the fake pushes nothing but a ping every 3 minutes.
   */
  readonly setStreamAccount: (apiKey: string, figures: StreamAccountFigures | undefined) => Step
  /** Pushes one frame now: an object is sent as JSON, a string as is (so a spec can send garbage). */
  readonly pushStreamEvent: (frame: unknown, options?: { readonly apiKey?: string | undefined }) => Step
  /** Cuts the connections now, without a close frame (the client sees 1006). */
  readonly dropStream: (options?: { readonly apiKey?: string | undefined }) => Step
  /** Ends the listenKeys now: `listenKeyExpired`, then the close; a later PUT gets -1125. */
  readonly expireListenKeys: (options?: { readonly apiKey?: string | undefined }) => Step
  /** Open stream connections. */
  readonly streamConnections: Count
}

/** An account's figures as the stream pushes them: decimal strings in USD, sent as written. */
export interface StreamAccountFigures {
  readonly uniMMR: string
  readonly accountEquity: string
  readonly actualEquity: string
  readonly initialMargin: string
  readonly maintenanceMargin: string
  readonly availableBalance: string
  readonly virtualMaxWithdrawUSD: string
}
