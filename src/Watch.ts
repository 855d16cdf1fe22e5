/**
 * The desk watcher: every watched asset's withdrawable amounts (`pmAccountInfo`) kept current within a share of the
 * IP's weight budget, re-read at once when the Portfolio Margin Pro user-data stream says the account moved.
 *
 * Routine reads are paced to spend at most `weightShare` of the budget per minute, spread evenly; each asset is
 * re-read before it is `maxAgeMs` old where the share allows. The stream (`POST /fapi/v1/listenKey`, then
 * `wss://fstream.binance.com/pm-classic/ws/<listenKey>`) pushes the account's figures every 5 s at no weight; a
 * move of `vmw` beyond `vmwThreshold`, or a risk level change, re-reads every asset. `fresh(asset)` reads ahead of
 * everything and joins a read of that asset already pending or in flight (another watcher's of the same key,
 * market and asset too). The watchers on one `RateLimit` gate space their routine reads out together, so that
 * they spend the share between them. Every request goes through the gate. The rules are the shared core's
 * (`internal/core/watch`); this module only wires them.
 *
 * The stream's WebSocket is the `Socket.WebSocketConstructor` in context, else the global `WebSocket`, else the
 * optional `ws` package (Node 20 has no global `WebSocket`). Through a `BinanceHttpClient` with a proxy, the stream
 * goes through that proxy too, over `ws`. With `RateLimitRedis`, the watchers of every process on one budget share
 * one pace.
 *
 * @since 0.2.0
 */

/**
 * @since 0.2.0
 * @category Models
 */
export { type AssetEvent } from "./internal/wiring/api/Watch.js"

/**
 * @since 0.2.0
 * @category Models
 */
export { type AccountEvent } from "./internal/wiring/api/Watch.js"

/**
 * @since 0.2.0
 * @category Models
 */
export { type RiskEvent } from "./internal/wiring/api/Watch.js"

/**
 * @since 0.2.0
 * @category Models
 */
export { type StreamEvent } from "./internal/wiring/api/Watch.js"

/**
 * @since 0.2.0
 * @category Models
 */
export { type ReadFailedEvent } from "./internal/wiring/api/Watch.js"

/**
 * @since 0.2.0
 * @category Models
 */
export { type WatchEvent } from "./internal/wiring/api/Watch.js"

/**
 * @since 0.2.0
 * @category Models
 */
export { type Snapshot } from "./internal/wiring/api/Watch.js"

/**
 * @since 0.2.0
 * @category Models
 */
export { type Age } from "./internal/wiring/api/Watch.js"

/**
 * @since 0.2.0
 * @category Models
 */
export { type Plan } from "./internal/wiring/api/Watch.js"

/**
 * @since 0.2.0
 * @category Models
 */
export { type Options } from "./internal/wiring/api/Watch.js"

/**
 * @since 0.2.0
 * @category Models
 */
export { type Watcher } from "./internal/wiring/api/Watch.js"

/**
 * @since 0.2.0
 * @category Models
 */
export { type Requirements } from "./internal/wiring/api/Watch.js"

/**
 * @since 0.2.0
 * @category Constructors
 */
export { make } from "./internal/wiring/api/Watch.js"

/**
 * @since 0.2.0
 * @category Constructors
 */
export { stream } from "./internal/wiring/api/Watch.js"

/**
 * @since 0.2.0
 * @category Metrics
 */
export { reads } from "./internal/wiring/api/Watch.js"

/**
 * @since 0.2.0
 * @category Metrics
 */
export { assetAge } from "./internal/wiring/api/Watch.js"

/**
 * @since 0.2.0
 * @category Metrics
 */
export { streamUp } from "./internal/wiring/api/Watch.js"
