/**
 * The Promise API, for callers who don't use Effect: `createClient(options)` validates everything at once,
 * and `client.pmAccountInfo` resolves to Binance's exact decimal strings or rejects with a tagged `Error`.
 *
 * @since 0.1.0
 */

/**
 * The Promise API's shapes: `createClient`'s options, a `Client`, a call's options, and what a call resolves.
 *
 * @since 0.1.0
 * @category Models
 */
export {
  type CallOptions,
  type ClientOptions,
  type PmAccountInfo,
  type PmAccountInfoResult,
  type WatchOptions
} from "./internal/core/promiseApi.js"

/**
 * @since 0.1.0
 * @category Models
 */
export { type Client } from "./internal/wiring/api/promise.js"

/**
 * @since 0.2.0
 * @category Models
 */
export { type Watcher } from "./internal/wiring/api/promise.js"

/**
 * @since 0.2.0
 * @category Models
 */
export { type WatchEvent } from "./internal/wiring/api/promise.js"

/**
 * @since 0.2.0
 * @category Models
 */
export { type AssetEvent } from "./internal/wiring/api/promise.js"

/**
 * The rejection when a call's `signal` is aborted.
 *
 * @since 0.1.0
 * @category Errors
 */
export { AbortError } from "./internal/core/promiseApi.js"

/**
 * @since 0.1.0
 * @category Errors
 */
export { type ClientError } from "./internal/wiring/api/promise.js"

/**
 * @since 0.1.0
 * @category Errors
 */
export { isClientError } from "./internal/wiring/api/promise.js"

/**
 * @since 0.1.0
 * @category Constructors
 */
export { createClient } from "./internal/wiring/api/promise.js"
