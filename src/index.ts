/**
 * Amounts as Binance writes them: exact `BigDecimal`s, and plain notation.
 *
 * @since 0.2.0
 */
export * as Amount from "./Amount.js"

/**
 * @since 0.1.0
 */
export * as BinanceClock from "./BinanceClock.js"

/**
 * This package's own `HttpClient` over `node:http` (not `@effect/platform-node`'s `NodeHttpClient`).
 *
 * @since 0.1.0
 */
export * as BinanceHttpClient from "./BinanceHttpClient.js"

/**
 * @since 0.1.0
 */
export * as BinanceConfig from "./BinanceConfig.js"

/**
 * @since 0.1.0
 */
export * as BinanceError from "./BinanceError.js"

/**
 * The library's metrics (`binance.requests`, `binance.request.duration`, `binance.retries`,
 * `binance.used_weight`, `binance.gate.wait`, `binance.gate.pauses`) as Effect `Metric`s.
 *
 * @since 0.2.0
 */
export * as BinanceMetrics from "./BinanceMetrics.js"

/**
 * @since 0.1.0
 */
export * as Credentials from "./Credentials.js"

/**
 * @deprecated Use `BinanceHttpClient`: this old name clashes with `@effect/platform-node`'s `NodeHttpClient`.
 * @since 0.1.0
 */
export * as NodeHttpClient from "./NodeHttpClient.js"

/**
 * @since 0.1.0
 */
export * as PortfolioMargin from "./PortfolioMargin.js"

/**
 * @since 0.1.0
 */
export * as RateLimit from "./RateLimit.js"

/**
 * The desk watcher: every asset's withdrawable amounts kept current within a share of the weight budget, re-read
 * when the Portfolio Margin Pro user-data stream says the account moved.
 *
 * @since 0.2.0
 */
export * as Watch from "./Watch.js"
