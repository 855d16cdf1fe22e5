/**
 * @since 0.1.0
 */
export * as BinanceClock from "./BinanceClock.js"

/**
 * @since 0.1.0
 */
export * as BinanceConfig from "./BinanceConfig.js"

/**
 * @since 0.1.0
 */
export * as BinanceError from "./BinanceError.js"

/**
 * @since 0.1.0
 */
export * as Credentials from "./Credentials.js"

/**
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
