/**
 * The fake exchange's plain data: what it answers, its errors, the requests it reads and the faults it can be
 * scripted with. No Effect here: both editions' `FakeBinance` re-export these or declare the same shapes.
 */
import type { KeyObject } from "node:crypto"

/** What `pmAccountInfo` answers for one asset. The strings are returned exactly as given. */
export interface AssetAmounts {
  readonly maxWithdrawAmount: string
  readonly maxWithdrawAmountUSD: string
}

/** An API key and how its requests are signed: exactly one of `hmacSecret` and `publicKey`. */
export interface Account {
  readonly apiKey: string
  readonly hmacSecret?: string | undefined
  readonly publicKey?: string | KeyObject | undefined
  readonly assets?: Readonly<Record<string, AssetAmounts>> | undefined
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

/** The fake's construction options (the public `FakeBinance.Options` documents each). */
export interface Options {
  readonly accounts?: ReadonlyArray<Account> | undefined
  readonly weightLimit?: number | undefined
  readonly serverSkewMillis?: number | undefined
  readonly ip?: string | undefined
  readonly errors?: {
    readonly unknownAsset?: ErrorReply | undefined
    readonly notPortfolioMargin?: ErrorReply | undefined
  } | undefined
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
 * One line of the request log. `Secret` is how an edition keeps the signature and API key out of sight
 * (`Redacted<string>` in both); `query` and `headers` already read `<redacted>` in their place.
 */
export interface LogEntry<Secret> {
  readonly method: string
  readonly path: string
  readonly query: string
  readonly signature: Secret | undefined
  readonly headers: Readonly<Record<string, string>>
  readonly apiKey: Secret | undefined
  readonly time: number
  readonly status: number
  readonly code?: number | undefined
  readonly verdict: string
  readonly fault: Fault["_tag"] | undefined
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
