/**
 * Endpoint, timing, retry and rate-limit settings. `BinanceConfig` is a `Context.Reference`: its defaults
 * apply without any wiring, and `layer` / `layerConfig` override some or all of them.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { InvalidConfiguration } from "./BinanceError.js"
import { fromConfigError } from "./internal/config.js"
import * as Endpoint from "./internal/core/endpoint.js"
import * as PlainOptions from "./internal/core/options.js"
import * as Api from "./internal/wiring/api/BinanceConfig.js"

// Declared once for both editions in internal/wiring/api/BinanceConfig.ts; here with this edition's version tags.

/**
 * @since 0.1.0
 * @category Models
 */
export { environments } from "./internal/wiring/api/BinanceConfig.js"

/**
 * @since 0.1.0
 * @category Models
 */
export { type Environment } from "./internal/wiring/api/BinanceConfig.js"

/**
 * @since 0.2.0
 * @category Models
 */
export { type Market } from "./internal/wiring/api/BinanceConfig.js"

/**
 * @since 0.2.0
 * @category Models
 */
export { coinmEnvironments } from "./internal/wiring/api/BinanceConfig.js"

/**
 * @since 0.1.0
 * @category Constructors
 */
export { defaultRetrySchedule } from "./internal/wiring/api/BinanceConfig.js"

/**
 * @since 0.1.0
 * @category Models
 */
export { type Service } from "./internal/wiring/api/BinanceConfig.js"

/**
 * @since 0.1.0
 * @category Models
 */
export { type Options } from "./internal/wiring/api/BinanceConfig.js"

/**
 * @since 0.1.0
 * @category Constructors
 */
export { defaultUserAgent } from "./internal/wiring/api/BinanceConfig.js"

/**
 * @since 0.1.0
 * @category Constructors
 */
export { defaults } from "./internal/wiring/api/BinanceConfig.js"

/**
 * @since 0.1.0
 * @category Validation
 */
export { validateBaseUrl } from "./internal/wiring/api/BinanceConfig.js"

/**
 * @since 0.1.0
 * @category Constructors
 */
export { make } from "./internal/wiring/api/BinanceConfig.js"

/**
 * @since 0.1.0
 * @category Context
 */
export class BinanceConfig extends Context.Reference<BinanceConfig>()("effect-binance-pm/BinanceConfig", {
  defaultValue: (): Api.Service => Api.defaults
}) {}

/**
 * Overrides the defaults. Invalid options fail the layer with `InvalidConfiguration`.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layer = (options: Api.Options): Layer.Layer<BinanceConfig, InvalidConfiguration> =>
  Layer.effect(BinanceConfig, Api.make(options))

/**
 * Reads overrides from `Config` (by default the environment): `BINANCE_ENV`, `BINANCE_BASE_URL`,
 * `BINANCE_RECV_WINDOW`, `BINANCE_TIMEOUT`, `BINANCE_MAX_RETRIES`, `BINANCE_MAX_RETRY_AFTER_WAIT`,
 * `BINANCE_WEIGHT_LIMIT`, `BINANCE_EGRESS`, `BINANCE_MARKET` (`usds-m` or `coin-m`), each optional.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerConfig = (
  configs: Config.Config<Api.Options> = defaultConfigs
): Layer.Layer<BinanceConfig, InvalidConfiguration> =>
  Layer.effect(BinanceConfig, Effect.flatMap(Effect.mapError(configs, fromConfigError), (options) => Api.make(options)))

const optional = <A>(config: Config.Config<A>) =>
  Config.map(Config.option(config), (o) => o._tag === "Some" ? o.value : undefined)

const defaultConfigs: Config.Config<Api.Options> = Config.all(PlainOptions.configsOf({
  environment: (name) => optional(Config.literal(...PlainOptions.ENVIRONMENTS)(name)),
  text: (name) => optional(Config.string(name)),
  integer: (name) => optional(Config.integer(name)),
  duration: (name) => optional(Config.duration(name)),
  market: (name) => optional(Config.literal(...Endpoint.MARKETS)(name))
}))
