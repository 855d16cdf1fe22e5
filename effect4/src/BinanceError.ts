/**
 * The typed errors of `pmAccountInfo`. Every error is a `Schema.TaggedError`, so it is an `Error`, can be
 * matched with `Effect.catchTag(s)`, and serialises without secrets: no error holds a key, a secret, a
 * signature or a signed URL — only status codes, Binance codes and messages, and short body excerpts.
 *
 * @since 1.0.0
 */
// Declared once for both editions in internal/wiring/api/BinanceError.ts; here with this edition's version tags.

/**
 * @since 1.0.0
 * @category Type Ids
 */
export { TypeId } from "./internal/wiring/api/BinanceError.js"

/**
 * @since 1.0.0
 * @category Guards
 */
export { isBinanceError } from "./internal/wiring/api/BinanceError.js"

/**
 * @since 1.0.0
 * @category Errors
 */
export { InvalidParameters } from "./internal/wiring/api/BinanceError.js"

/**
 * @since 1.0.0
 * @category Errors
 */
export { InvalidConfiguration } from "./internal/wiring/api/BinanceError.js"

/**
 * @since 1.0.0
 * @category Errors
 */
export { InvalidTimestamp } from "./internal/wiring/api/BinanceError.js"

/**
 * @since 1.0.0
 * @category Errors
 */
export { InvalidSignature } from "./internal/wiring/api/BinanceError.js"

/**
 * @since 1.0.0
 * @category Errors
 */
export { Unauthorized } from "./internal/wiring/api/BinanceError.js"

/**
 * @since 1.0.0
 * @category Errors
 */
export { RateLimited } from "./internal/wiring/api/BinanceError.js"

/**
 * @since 1.0.0
 * @category Errors
 */
export { IpBanned } from "./internal/wiring/api/BinanceError.js"

/**
 * @since 1.0.0
 * @category Errors
 */
export { WafBlocked } from "./internal/wiring/api/BinanceError.js"

/**
 * @since 1.0.0
 * @category Errors
 */
export { ClientClosed } from "./internal/wiring/api/BinanceError.js"

/**
 * @since 1.0.0
 * @category Errors
 */
export { ServerError } from "./internal/wiring/api/BinanceError.js"

/**
 * @since 1.0.0
 * @category Errors
 */
export { BinanceApiError } from "./internal/wiring/api/BinanceError.js"

/**
 * @since 1.0.0
 * @category Errors
 */
export { Timeout } from "./internal/wiring/api/BinanceError.js"

/**
 * @since 1.0.0
 * @category Errors
 */
export { TransportError } from "./internal/wiring/api/BinanceError.js"

/**
 * @since 1.0.0
 * @category Errors
 */
export { ResponseDecodeError } from "./internal/wiring/api/BinanceError.js"

/**
 * @since 1.0.0
 * @category Errors
 */
export { PmAccountInfoError } from "./internal/wiring/api/BinanceError.js"

/**
 * @since 1.0.0
 * @category Guards
 */
export { isTransient } from "./internal/wiring/api/BinanceError.js"
