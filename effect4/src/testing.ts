/**
 * Test support for users of effect-binance-pm: a faithful fake of Binance USDⓈ-M Futures.
 *
 * @since 1.0.0
 */

/**
 * @since 1.0.0
 * @category Modules
 */
export * as FakeBinance from "./FakeBinance.js"
