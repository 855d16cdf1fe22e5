/**
 * The fake exchange's plain data: what it answers, its errors, the requests it reads and the faults it can be
 * scripted with. No Effect here: both editions' `FakeBinance` re-export these.
 */

/** What `pmAccountInfo` answers for one asset. The strings are returned exactly as given. */
export interface AssetAmounts {
  readonly maxWithdrawAmount: string
  readonly maxWithdrawAmountUSD: string
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
