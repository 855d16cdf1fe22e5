/**
 * The Promise API, for callers who don't use Effect: `createClient(options)` validates everything at once,
 * and `client.pmAccountInfo` resolves to Binance's exact decimal strings or rejects with a tagged `Error`.
 *
 * @since 1.0.0
 */
import { type ClientClosed, isBinanceError, type PmAccountInfoError } from "./BinanceError.js"
import * as Api from "./internal/core/promiseApi.js"
import type * as Events from "./internal/core/watch/events.js"
import * as PromiseWire from "./internal/wiring/promise.js"

/**
 * The Promise API's shapes: `createClient`'s options, a `Client`, a call's options, and what a call resolves.
 *
 * @since 1.0.0
 * @category Models
 */
export type {
  CallOptions,
  ClientOptions,
  PmAccountInfo,
  PmAccountInfoResult,
  WatchOptions
} from "./internal/core/promiseApi.js"

/**
 * A client: `pmAccountInfo`, `pmAccountInfoResult`, `watch` and `close` (which closes its watchers too).
 *
 * @since 1.0.0
 * @category Models
 */
export type Client = Api.Client<PmAccountInfoError>

/**
 * A running watcher of the Promise API.
 *
 * @since 1.0.0
 * @category Models
 */
export type Watcher = Api.Watcher<PmAccountInfoError>

/**
 * What a watcher tells: an asset's figures (`asset`), the account's (`account`), a risk level change (`risk`),
 * the stream going up or down (`stream`), or a failed read (`read-failed`, with its typed `error`).
 *
 * @since 1.0.0
 * @category Models
 */
export type WatchEvent = Events.WatchEvent<PmAccountInfoError>

/**
 * One asset's figures as `pmAccountInfo` answered them; `at` is when the answer arrived (epoch ms).
 *
 * @since 1.0.0
 * @category Models
 */
export type AssetEvent = Events.AssetEvent

/**
 * The rejection when a call's `signal` is aborted.
 *
 * @since 1.0.0
 * @category Errors
 */
export { AbortError } from "./internal/core/promiseApi.js"

/**
 * What `pmAccountInfo` rejects with (and `createClient` throws): one of the library's tagged errors, or
 * `AbortError`.
 *
 * @since 1.0.0
 * @category Errors
 */
export type ClientError = PmAccountInfoError | ClientClosed | Api.AbortError

/**
 * Narrows a caught value to a `ClientError`, to read its `_tag` (and `status`, `code`, `retryAfterMs` where
 * they apply).
 *
 * @since 1.0.0
 * @category Errors
 */
export const isClientError: (u: unknown) => u is ClientError = Api.isClientError(isBinanceError)

/**
 * Creates a client. Throws `InvalidConfiguration` (an `Error` with `_tag`) synchronously for bad options.
 * Each client has its own clock offset and sockets; every client of the process shares one rate-limit budget
 * per base URL (Binance limits per IP), unless it names another `egress`. Create one per API key and reuse it.
 *
 * @since 1.0.0
 * @category Constructors
 */
export const createClient: (options: Api.ClientOptions) => Client = PromiseWire.createClient
