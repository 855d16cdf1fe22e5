/**
 * Endpoint, timing, retry and rate-limit settings. `BinanceConfig` is a `Context.Reference`: its defaults
 * apply without any wiring, and `layer` / `layerConfig` override some or all of them.
 *
 * @since 1.0.0
 */
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { InvalidConfiguration } from "./BinanceError.js"
import { fromConfigError } from "./internal/config.js"
import * as Endpoint from "./internal/core/endpoint.js"
import * as PlainOptions from "./internal/core/options.js"
import * as Api from "./internal/wiring/api/BinanceConfig.js"

// Declared once for both editions in internal/wiring/api/BinanceConfig.ts; here with this edition's version tags.

/**
 * @since 1.0.0
 * @category Models
 */
export { environments } from "./internal/wiring/api/BinanceConfig.js"

/**
 * @since 1.0.0
 * @category Models
 */
export { type Environment } from "./internal/wiring/api/BinanceConfig.js"

/**
 * @since 1.0.0
 * @category Models
 */
export { type Market } from "./internal/wiring/api/BinanceConfig.js"

/**
 * @since 1.0.0
 * @category Models
 */
export { coinmEnvironments } from "./internal/wiring/api/BinanceConfig.js"

/**
 * @since 1.0.0
 * @category Constructors
 */
export { defaultRetrySchedule } from "./internal/wiring/api/BinanceConfig.js"

/**
 * @since 1.0.0
 * @category Models
 */
export { type Service } from "./internal/wiring/api/BinanceConfig.js"

/**
 * @since 1.0.0
 * @category Models
 */
export { type Options } from "./internal/wiring/api/BinanceConfig.js"

/**
 * @since 1.0.0
 * @category Constructors
 */
export { defaultUserAgent } from "./internal/wiring/api/BinanceConfig.js"

/**
 * @since 1.0.0
 * @category Constructors
 */
export { defaults } from "./internal/wiring/api/BinanceConfig.js"

/**
 * @since 1.0.0
 * @category Validation
 */
export { validateBaseUrl } from "./internal/wiring/api/BinanceConfig.js"

/**
 * @since 1.0.0
 * @category Constructors
 */
export { make } from "./internal/wiring/api/BinanceConfig.js"

/**
 * The settings in context; `defaults` when none were provided.
 *
 * @since 1.0.0
 * @category Context
 */
export const BinanceConfig: Context.Reference<Api.Service> = Context.Reference<Api.Service>(
  "effect-binance-pm/BinanceConfig",
  { defaultValue: () => Api.defaults }
)

/**
 * Overrides the defaults. Invalid options fail the layer with `InvalidConfiguration`.
 *
 * @since 1.0.0
 * @category Layers
 */
export const layer = (options: Api.Options): Layer.Layer<never, InvalidConfiguration> =>
  Layer.effect(BinanceConfig, Effect.fromResult(Api.make(options)))

const optional = <A>(config: Config.Config<A>): Config.Config<A | undefined> =>
  Config.map(Config.option(config), Option.getOrUndefined)

/**
 * The environment variables `layerConfig` reads by default: `BINANCE_ENV`, `BINANCE_BASE_URL`,
 * `BINANCE_RECV_WINDOW`, `BINANCE_TIMEOUT`, `BINANCE_MAX_RETRIES`, `BINANCE_MAX_RETRY_AFTER_WAIT`,
 * `BINANCE_WEIGHT_LIMIT`, `BINANCE_EGRESS`, `BINANCE_MARKET` (`usds-m` or `coin-m`), each optional.
 *
 * @since 1.0.0
 * @category Constructors
 */
export const defaultConfigs: Config.Config<Api.Options> = Config.all(PlainOptions.configsOf({
  environment: (name) => optional(Config.Literals(PlainOptions.ENVIRONMENTS, name)),
  text: (name) => optional(Config.String(name)),
  integer: (name) => optional(Config.Int(name)),
  duration: (name) => optional(Config.Duration(name)),
  market: (name) => optional(Config.Literals(Endpoint.MARKETS, name))
}))

/**
 * Reads overrides from `Config` (by default the environment; see `defaultConfigs`).
 *
 * @since 1.0.0
 * @category Layers
 */
export const layerConfig = (
  configs: Config.Config<Api.Options> = defaultConfigs
): Layer.Layer<never, InvalidConfiguration> =>
  Layer.effect(
    BinanceConfig,
    Effect.flatMap(Effect.mapError(configs, (error) => fromConfigError(error)), (options) =>
      Effect.fromResult(Api.make(options)))
  )
