/**
 * Amounts as Binance writes them: exact `BigDecimal`s, and plain notation.
 *
 * @since 1.0.0
 * @category Modules
 */
export * as Amount from "./Amount.js"

/**
 * The server-clock estimate that stamps signed requests, self-healing on -1021.
 *
 * @since 1.0.0
 * @category Modules
 */
export * as BinanceClock from "./BinanceClock.js"

/**
 * Endpoint, timing, retry and rate-limit settings.
 *
 * @since 1.0.0
 * @category Modules
 */
export * as BinanceConfig from "./BinanceConfig.js"

/**
 * The typed errors.
 *
 * @since 1.0.0
 * @category Modules
 */
export * as BinanceError from "./BinanceError.js"

/**
 * The library's metrics (`binance.requests`, `binance.request.duration`, `binance.retries`,
 * `binance.used_weight`, `binance.gate.wait`, `binance.gate.pauses`) as Effect `Metric`s.
 *
 * @since 1.0.0
 * @category Modules
 */
export * as BinanceMetrics from "./BinanceMetrics.js"

/**
 * This package's own `HttpClient` over `node:http`.
 *
 * @since 1.0.0
 * @category Modules
 */
export * as BinanceHttpClient from "./BinanceHttpClient.js"

/**
 * API credentials and request signing.
 *
 * @since 1.0.0
 * @category Modules
 */
export * as Credentials from "./Credentials.js"

/**
 * `GET /fapi/v1/pmAccountInfo`.
 *
 * @since 1.0.0
 * @category Modules
 */
export * as PortfolioMargin from "./PortfolioMargin.js"

/**
 * The rate-limit gate, one budget per IP.
 *
 * @since 1.0.0
 * @category Modules
 */
export * as RateLimit from "./RateLimit.js"

/**
 * The desk watcher: every asset's withdrawable amounts kept current within a share of the weight budget, re-read
 * when the Portfolio Margin Pro user-data stream says the account moved.
 *
 * @since 1.0.0
 * @category Modules
 */
export * as Watch from "./Watch.js"
