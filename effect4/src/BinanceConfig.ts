/**
 * Endpoint, timing, retry and rate-limit settings. `BinanceConfig` is a `Context.Reference`: its defaults
 * apply without any wiring, and `layer` / `layerConfig` override some or all of them.
 *
 * @since 1.0.0
 */
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import { InvalidConfiguration } from "./BinanceError.js"
import { fromConfigError } from "./internal/config.js"
import * as Endpoint from "./internal/core/endpoint.js"
import * as PlainOptions from "./internal/core/options.js"
import { version } from "./internal/version.js"

/**
 * The Binance environments and their REST base URLs.
 *
 * @since 1.0.0
 * @category Models
 */
export const environments: typeof PlainOptions.environments = PlainOptions.environments

/**
 * @since 1.0.0
 * @category Models
 */
export type Environment = PlainOptions.Environment

/**
 * The futures market: `usds-m` (USDⓈ-M, `GET /fapi/v1/pmAccountInfo` on `https://fapi.binance.com`, the
 * default) or `coin-m` (COIN-M, `GET /dapi/v1/pmAccountInfo` on `https://dapi.binance.com`).
 *
 * @since 1.0.0
 * @category Models
 */
export type Market = Endpoint.Market

/**
 * COIN-M's REST base URLs, per environment.
 *
 * @since 1.0.0
 * @category Models
 */
export const coinmEnvironments: typeof PlainOptions.coinmEnvironments = PlainOptions.coinmEnvironments

/**
 * The default retry policy: exponential backoff from 200 ms, factor 2, each delay capped at 5 s, jittered.
 * `maxRetries` bounds how many times it recurs.
 *
 * @since 1.0.0
 * @category Constructors
 */
export const defaultRetrySchedule: Schedule.Schedule<unknown> = Schedule.jittered(
  // Effect 3's `Schedule.union`: recur while either does, with the smaller delay.
  Schedule.min([
    Schedule.exponential(Duration.millis(PlainOptions.RETRY_BACKOFF.firstDelayMs), PlainOptions.RETRY_BACKOFF.factor),
    Schedule.spaced(Duration.millis(PlainOptions.RETRY_BACKOFF.maxDelayMs))
  ])
)

/**
 * The resolved settings: the plain ones (`baseUrl`, `recvWindow`, `maxRetries`, `weightLimit`, `userAgent`,
 * `egress`, `market`), `timeout` (of one attempt), `retrySchedule` and `maxRetryAfterWait` (the longest pause
 * worth waiting for).
 *
 * @since 1.0.0
 * @category Models
 */
export type Service = PlainOptions.ResolvedSettings<Duration.Duration, Schedule.Schedule<unknown, unknown>>

/**
 * What `layer` and `make` accept: any subset of the settings, plus an `environment` shortcut for `baseUrl`.
 *
 * @since 1.0.0
 * @category Models
 */
export type Options = PlainOptions.Options<Duration.Input, Schedule.Schedule<unknown, unknown>>

/**
 * @since 1.0.0
 * @category Constructors
 */
export const defaultUserAgent: string = PlainOptions.userAgentOf(version)

// This edition's durations and schedules, as the core's rules read them.
const dialect: PlainOptions.Dialect<Duration.Duration, Duration.Input> = {
  millis: Duration.millis,
  decode: (input) => Option.getOrUndefined(Duration.fromInput(input)),
  toMillis: Duration.toMillis,
  isSchedule: Schedule.isSchedule
}

/**
 * The defaults: production, recvWindow 5000, 10 s per attempt, 3 retries, wait at most 10 s for
 * `Retry-After`, 2400 weight per minute.
 *
 * @since 1.0.0
 * @category Constructors
 */
export const defaults: Service = PlainOptions.resolvedDefaults(defaultUserAgent, defaultRetrySchedule, dialect)

/**
 * The settings in context; `defaults` when none were provided.
 *
 * @since 1.0.0
 * @category Context
 */
export const BinanceConfig: Context.Reference<Service> = Context.Reference<Service>(
  "effect-binance-pm/BinanceConfig",
  { defaultValue: () => defaults }
)

/**
 * Validates a base URL: `https:` (or `http:` to a loopback host), an origin only — no path, query,
 * fragment or credentials. Returns the origin without a trailing slash.
 *
 * @since 1.0.0
 * @category Validation
 */
export const validateBaseUrl = (input: unknown): Result.Result<string, InvalidConfiguration> => {
  const checked = PlainOptions.checkBaseUrl(input)
  return typeof checked === "string" ? Result.succeed(checked) : Result.fail(new InvalidConfiguration(checked))
}

/**
 * Resolves and validates options over the defaults.
 *
 * @since 1.0.0
 * @category Constructors
 */
export const make = (options: Options = {}): Result.Result<Service, InvalidConfiguration> => {
  const resolved = PlainOptions.resolve(options, defaults, dialect)
  return "field" in resolved ? Result.fail(new InvalidConfiguration(resolved)) : Result.succeed(resolved)
}

/**
 * Overrides the defaults. Invalid options fail the layer with `InvalidConfiguration`.
 *
 * @since 1.0.0
 * @category Layers
 */
export const layer = (options: Options): Layer.Layer<never, InvalidConfiguration> =>
  Layer.effect(BinanceConfig, Effect.fromResult(make(options)))

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
export const defaultConfigs: Config.Config<Options> = Config.all(PlainOptions.configsOf({
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
  configs: Config.Config<Options> = defaultConfigs
): Layer.Layer<never, InvalidConfiguration> =>
  Layer.effect(
    BinanceConfig,
    Effect.flatMap(Effect.mapError(configs, (error) => fromConfigError(error)), (options) =>
      Effect.fromResult(make(options)))
  )
