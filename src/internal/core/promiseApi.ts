/**
 * The Promise API's shapes and the checks of its options that need no Effect, for both editions' `promise`
 * module: what a client takes, resolves and is, and the refusals `createClient` throws before it builds anything.
 */
import type { Market, PmAccountInfoResponse, Refusal } from "./endpoint.js"
import type { Environment } from "./options.js"
import * as StateFile from "./stateFile.js"
import type { AssetEvent, WatchEvent } from "./watch/events.js"

/** The options of `createClient`. */
export interface ClientOptions {
  readonly apiKey: string
  /** HMAC secret. Give exactly one of `secretKey` and `privateKey`. */
  readonly secretKey?: string | undefined
  /** PEM private key, RSA or Ed25519, PKCS#8 or PKCS#1. */
  readonly privateKey?: string | undefined
  readonly privateKeyPassphrase?: string | undefined
  readonly baseUrl?: string | undefined
  readonly environment?: Environment | undefined
  readonly recvWindow?: number | undefined
  /** Timeout of one attempt, in ms (default 10000). */
  readonly timeoutMs?: number | undefined
  /**
   * Retries after the first attempt (default 3). One call sends at most `maxRetries + 1` requests, plus one
   * re-send after healing a -1021, plus at most one `GET /fapi/v1/time`: `maxRetries: 2` makes at most 4
   * pmAccountInfo requests and 1 time request.
   */
  readonly maxRetries?: number | undefined
  /** Longest rate-limit or firewall pause worth waiting for, in ms (default 10000). */
  readonly maxRetryAfterWaitMs?: number | undefined
  /** The IP's weight limit per minute (default 2400). */
  readonly weightLimit?: number | undefined
  /**
   * Names the IP this client leaves from when it is not the host's own (a proxy, another local address).
   * Binance limits and bans per IP, so by default every client and Effect program in the process shares one
   * budget per base URL; clients with the same `egress` share one of their own.
   */
  readonly egress?: string | undefined
  /**
   * `usds-m` (default: `GET /fapi/v1/pmAccountInfo` on `https://fapi.binance.com`) or `coin-m`
   * (`GET /dapi/v1/pmAccountInfo` on `https://dapi.binance.com`, a budget of its own).
   */
  readonly market?: Market | undefined
  /**
   * A forward proxy, `http://[user:password@]host:port`: `http:` targets are forwarded, `https:` ones tunnelled
   * with `CONNECT`. Its credentials are sent only as `Proxy-Authorization` and never appear in an error. The
   * client's budget is then the proxy's (`egress` defaults to `proxy host:port`).
   */
  readonly proxy?: string | undefined
  /**
   * A directory where bans (418), `Retry-After` pauses (429) and firewall pauses (403) outlive the process
   * (`<stateDir>/gate-state.json`): a client created while one runs rejects at once with `IpBanned` /
   * `RateLimited` / `WafBlocked` and the remaining `retryAfterMs`, sending nothing. Off by default.
   */
  readonly stateDir?: string | undefined
  /**
   * The user-data stream's origin for `watch` (default `wss://fstream.binance.com`; `ws:` to loopback only, for a
   * served fake).
   */
  readonly wsBaseUrl?: string | undefined
}

/** The options of `client.watch`. */
export interface WatchOptions {
  /** 1 to 200 assets, such as `["BTC", "ETH"]`. */
  readonly assets: ReadonlyArray<string>
  /** Each asset is re-read before its figure is this old, where the share allows (default 60 000). */
  readonly maxAgeMs?: number | undefined
  /** Fraction of the weight budget per minute the routine reads may spend, spread evenly (default 0.1). */
  readonly weightShare?: number | undefined
  /** `false` watches by polling alone (default `true`: the user-data stream says when to re-read). */
  readonly stream?: boolean | undefined
  /** A move of the account's `vmw` by more than this fraction re-reads every asset (default 0.01). */
  readonly vmwThreshold?: number | undefined
  /** Aborting it closes the watcher. */
  readonly signal?: AbortSignal | undefined
}

/** A running watcher: iterate it for its events. */
export interface Watcher<E = unknown> extends AsyncIterable<WatchEvent<E>> {
  /** The asset's last figure, or `undefined` before its first read. */
  readonly latest: (asset: string) => AssetEvent | undefined
  /** A read of the asset now, ahead of the routine reads, joined with a read of it already under way. */
  readonly fresh: (asset: string) => Promise<AssetEvent>
  /** Closes the stream, deletes the listenKey and ends the iteration; nothing is left open. */
  readonly close: () => Promise<void>
}

/** The account information with Binance's own decimal strings: the answer's body as Binance sends it. */
export type PmAccountInfo = PmAccountInfoResponse

/** The account information with what it took to get it. */
export interface PmAccountInfoResult {
  /** Binance's own strings, as `pmAccountInfo` resolves them. */
  readonly info: PmAccountInfo
  /** `X-MBX-USED-WEIGHT-1M` of the successful response: the IP's weight used this minute. */
  readonly usedWeight: number | undefined
  /** `pmAccountInfo` requests sent for this call, retries included (a clock re-sync's time request is not). */
  readonly attempts: number
}

/** The options of one call. */
export interface CallOptions {
  /** Aborting it aborts the request in flight and rejects with an `AbortError`. */
  readonly signal?: AbortSignal | undefined
}

/** A client of the Promise API; `E` is the edition's union of call errors (its watchers' `read-failed` events). */
export interface Client<E = unknown> {
  readonly pmAccountInfo: (
    params: { readonly asset: string; readonly recvWindow?: number | undefined },
    options?: CallOptions
  ) => Promise<PmAccountInfo>
  /** Like `pmAccountInfo`, with the used weight and the number of attempts. */
  readonly pmAccountInfoResult: (
    params: { readonly asset: string; readonly recvWindow?: number | undefined },
    options?: CallOptions
  ) => Promise<PmAccountInfoResult>
  /**
   * Watches `assets`: an `AsyncIterable` of `WatchEvent`s with `latest(asset)`, `fresh(asset)` and `close()`.
   * Throws `InvalidConfiguration` for bad options, `ClientClosed` on a closed client.
   */
  readonly watch: (options: WatchOptions) => Watcher<E>
  /**
   * Releases everything the client holds: its watchers are closed, calls still running are cancelled (they
   * reject with `ClientClosed`), then sockets are closed. Later calls reject with `ClientClosed` too.
   */
  readonly close: () => Promise<void>
}

/** The rejection when a call's `signal` is aborted. */
export class AbortError extends Error {
  readonly _tag = "Aborted" as const
  override readonly name = "AbortError"
  constructor(cause: unknown) {
    super("The call was aborted", { cause })
  }
}

/** A guard of what a client rejects with: one of the edition's tagged errors (`isError`), or an `AbortError`. */
export const isClientError = <E>(isError: (u: unknown) => u is E) => (u: unknown): u is E | AbortError =>
  isError(u) || u instanceof AbortError

const KNOWN_OPTIONS: ReadonlySet<string> = new Set<keyof ClientOptions>([
  "apiKey",
  "secretKey",
  "privateKey",
  "privateKeyPassphrase",
  "baseUrl",
  "environment",
  "recvWindow",
  "timeoutMs",
  "maxRetries",
  "maxRetryAfterWaitMs",
  "weightLimit",
  "egress",
  "market",
  "proxy",
  "stateDir",
  "wsBaseUrl"
])

/** Which key the options give, once their shape is right. */
export type Key =
  | { readonly _tag: "Hmac"; readonly secretKey: string }
  | { readonly _tag: "PrivateKey"; readonly privateKey: string; readonly passphrase: string | undefined }

/** An object of known options, with exactly one key. */
export const checkShape = (options: unknown): Key | Refusal => {
  if (typeof options !== "object" || options === null) return { field: "options", reason: "must be an object" }
  for (const name of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(name)) return { field: name, reason: "is not a known option" }
  }
  const { privateKey, privateKeyPassphrase, secretKey } = options as ClientOptions
  if ((secretKey !== undefined) === (privateKey !== undefined)) {
    return {
      field: "secretKey",
      reason: secretKey !== undefined
        ? "give secretKey or privateKey, not both"
        : "give secretKey (HMAC) or privateKey (RSA/Ed25519)"
    }
  }
  if (secretKey !== undefined) {
    return privateKeyPassphrase === undefined
      ? { _tag: "Hmac", secretKey }
      : { field: "privateKeyPassphrase", reason: "only applies to privateKey" }
  }
  return { _tag: "PrivateKey", privateKey: privateKey!, passphrase: privateKeyPassphrase }
}

/** The key's refusal, under the name of the option the caller wrote. */
export const keyRefusal = (refusal: Refusal): Refusal =>
  refusal.field === "passphrase" ? { field: "privateKeyPassphrase", reason: refusal.reason } : refusal

/** A duration option in ms: `timeoutMs` must be positive, `maxRetryAfterWaitMs` may be 0. */
export const milliseconds = (field: string, value: unknown, allowZero: boolean): number | undefined | Refusal => {
  if (value === undefined) return undefined
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    return { field, reason: "must be a finite, non-negative number of milliseconds" }
  }
  return value === 0 && !allowZero ? { field, reason: "must be positive" } : value
}

/** `proxy`, when given, is a URL string (its checks are `checkProxyUrl`'s). */
export const proxyRefusal = (proxy: unknown): Refusal | undefined =>
  proxy === undefined || typeof proxy === "string"
    ? undefined
    : { field: "proxy", reason: "must be a URL string such as http://host:port" }

/** `stateDir`, when given, is a non-empty path. */
export const stateDirRefusal = (stateDir: unknown): Refusal | undefined =>
  stateDir === undefined ? undefined : StateFile.checkDirectory("stateDir", stateDir)

const KNOWN_WATCH_OPTIONS: ReadonlySet<string> = new Set<keyof WatchOptions>([
  "assets",
  "maxAgeMs",
  "weightShare",
  "stream",
  "vmwThreshold",
  "signal"
])

/** `watch`'s options that the core's `checkWatchOptions` does not check: unknown names and the signal. */
export const watchShapeRefusal = (options: unknown): Refusal | undefined => {
  if (typeof options !== "object" || options === null) return undefined // checkWatchOptions says so
  for (const name of Object.keys(options)) {
    if (!KNOWN_WATCH_OPTIONS.has(name)) return { field: name, reason: "is not a known option of watch" }
  }
  const signal = (options as WatchOptions).signal
  return signal === undefined || (typeof signal === "object" && signal !== null && "aborted" in signal)
    ? undefined
    : { field: "signal", reason: "must be an AbortSignal" }
}
