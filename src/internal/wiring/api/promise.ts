/**
 * The public `promise` module's declarations, written once for both editions: each edition's `promise.ts`
 * re-exports them under its own `@since`.
 */
import { type ClientClosed, isBinanceError, type PmAccountInfoError } from "../../../BinanceError.js"
import * as Api from "../../core/promiseApi.js"
import type * as Events from "../../core/watch/events.js"
import * as PromiseWire from "../promise.js"

/** A client: `pmAccountInfo`, `pmAccountInfoResult`, `watch` and `close` (which closes its watchers too). */
export type Client = Api.Client<PmAccountInfoError>

/** A running watcher of the Promise API. */
export type Watcher = Api.Watcher<PmAccountInfoError>

/**
 * What a watcher tells: an asset's figures (`asset`), the account's (`account`), a risk level change (`risk`),
 * the stream going up or down (`stream`), or a failed read (`read-failed`, with its typed `error`).
 */
export type WatchEvent = Events.WatchEvent<PmAccountInfoError>

/** One asset's figures as `pmAccountInfo` answered them; `at` is when the answer arrived (epoch ms). */
export type AssetEvent = Events.AssetEvent

/**
 * What `pmAccountInfo` rejects with (and `createClient` throws): one of the library's tagged errors, or
 * `AbortError`.
 */
export type ClientError = PmAccountInfoError | ClientClosed | Api.AbortError

/**
 * Narrows a caught value to a `ClientError`, to read its `_tag` (and `status`, `code`, `retryAfterMs` where
 * they apply).
 */
export const isClientError: (u: unknown) => u is ClientError = Api.isClientError(isBinanceError)

/**
 * Creates a client. Throws `InvalidConfiguration` (an `Error` with `_tag`) synchronously for bad options.
 * Each client has its own clock offset and sockets; every client of the process shares one rate-limit budget
 * per base URL (Binance limits per IP), unless it names another `egress`. Create one per API key and reuse it.
 */
export const createClient: (options: Api.ClientOptions) => Client = PromiseWire.createClient
