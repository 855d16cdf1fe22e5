/**
 * Endpoint, timing, retry and rate-limit settings. `BinanceConfig` is a `Context.Reference`: its defaults
 * apply without any wiring, and `layer` / `layerConfig` override some or all of them.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import { InvalidConfiguration } from "./BinanceError.js"
import { fromConfigError } from "./internal/config.js"
import * as Endpoint from "./internal/core/endpoint.js"
import * as PlainOptions from "./internal/core/options.js"
import { version } from "./internal/version.js"

/**
 * The Binance environments and their REST base URLs.
 *
 * @since 0.1.0
 * @category Models
 */
export const environments: typeof PlainOptions.environments = PlainOptions.environments

/**
 * @since 0.1.0
 * @category Models
 */
export type Environment = PlainOptions.Environment

/**
 * The futures market: `usds-m` (USDⓈ-M, `GET /fapi/v1/pmAccountInfo` on `https://fapi.binance.com`, the
 * default) or `coin-m` (COIN-M, `GET /dapi/v1/pmAccountInfo` on `https://dapi.binance.com`).
 *
 * @since 0.2.0
 * @category Models
 */
export type Market = Endpoint.Market

/**
 * COIN-M's REST base URLs, per environment.
 *
 * @since 0.2.0
 * @category Models
 */
export const coinmEnvironments: typeof PlainOptions.coinmEnvironments = PlainOptions.coinmEnvironments

/**
 * The default retry policy: exponential backoff from 200 ms, factor 2, each delay capped at 5 s, jittered.
 * `maxRetries` bounds how many times it recurs.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const defaultRetrySchedule: Schedule.Schedule<unknown> = Schedule.exponential(
  Duration.millis(PlainOptions.RETRY_BACKOFF.firstDelayMs),
  PlainOptions.RETRY_BACKOFF.factor
).pipe(
  Schedule.union(Schedule.spaced(Duration.millis(PlainOptions.RETRY_BACKOFF.maxDelayMs))),
  Schedule.jittered
)

/**
 * The resolved settings: the plain ones (`baseUrl`, `recvWindow`, `maxRetries`, `weightLimit`, `userAgent`,
 * `egress`, `market`), `timeout` (of one attempt), `retrySchedule` and `maxRetryAfterWait` (the longest pause
 * worth waiting for).
 *
 * @since 0.1.0
 * @category Models
 */
export type Service = PlainOptions.ResolvedSettings<Duration.Duration, Schedule.Schedule<unknown, unknown>>

/**
 * What `layer` and `make` accept: any subset of the settings, plus an `environment` shortcut for `baseUrl`.
 *
 * @since 0.1.0
 * @category Models
 */
export type Options = PlainOptions.Options<Duration.DurationInput, Schedule.Schedule<unknown, unknown>>

/**
 * @since 0.1.0
 * @category Constructors
 */
export const defaultUserAgent: string = PlainOptions.userAgentOf(version)

// This edition's durations and schedules, as the core's rules read them.
const dialect: PlainOptions.Dialect<Duration.Duration, Duration.DurationInput> = {
  millis: Duration.millis,
  decode: (input) => Option.getOrUndefined(Duration.decodeUnknown(input)),
  toMillis: Duration.toMillis,
  isSchedule: Schedule.isSchedule
}

/**
 * The defaults: production, recvWindow 5000, 10 s per attempt, 3 retries, wait at most 10 s for
 * `Retry-After`, 2400 weight per minute.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const defaults: Service = PlainOptions.resolvedDefaults(defaultUserAgent, defaultRetrySchedule, dialect)

/**
 * @since 0.1.0
 * @category Context
 */
export class BinanceConfig extends Context.Reference<BinanceConfig>()("effect-binance-pm/BinanceConfig", {
  defaultValue: (): Service => defaults
}) {}

/**
 * Validates a base URL: `https:` (or `http:` to a loopback host), an origin only — no path, query,
 * fragment or credentials. Returns the origin without a trailing slash.
 *
 * @since 0.1.0
 * @category Validation
 */
export const validateBaseUrl = (input: unknown): Either.Either<string, InvalidConfiguration> => {
  const checked = PlainOptions.checkBaseUrl(input)
  return typeof checked === "string" ? Either.right(checked) : Either.left(new InvalidConfiguration(checked))
}

/**
 * Resolves and validates options over the defaults.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make = (options: Options = {}): Either.Either<Service, InvalidConfiguration> => {
  const resolved = PlainOptions.resolve(options, defaults, dialect)
  return "field" in resolved ? Either.left(new InvalidConfiguration(resolved)) : Either.right(resolved)
}

/**
 * Overrides the defaults. Invalid options fail the layer with `InvalidConfiguration`.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layer = (options: Options): Layer.Layer<BinanceConfig, InvalidConfiguration> =>
  Layer.effect(BinanceConfig, make(options))

/**
 * Reads overrides from `Config` (by default the environment): `BINANCE_ENV`, `BINANCE_BASE_URL`,
 * `BINANCE_RECV_WINDOW`, `BINANCE_TIMEOUT`, `BINANCE_MAX_RETRIES`, `BINANCE_MAX_RETRY_AFTER_WAIT`,
 * `BINANCE_WEIGHT_LIMIT`, `BINANCE_EGRESS`, `BINANCE_MARKET` (`usds-m` or `coin-m`), each optional.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerConfig = (
  configs: Config.Config<Options> = defaultConfigs
): Layer.Layer<BinanceConfig, InvalidConfiguration> =>
  Layer.effect(BinanceConfig, Effect.flatMap(Effect.mapError(configs, fromConfigError), (options) => make(options)))

const optional = <A>(config: Config.Config<A>) =>
  Config.map(Config.option(config), (o) => o._tag === "Some" ? o.value : undefined)

const defaultConfigs: Config.Config<Options> = Config.all(PlainOptions.configsOf({
  environment: (name) => optional(Config.literal(...PlainOptions.ENVIRONMENTS)(name)),
  text: (name) => optional(Config.string(name)),
  integer: (name) => optional(Config.integer(name)),
  duration: (name) => optional(Config.duration(name)),
  market: (name) => optional(Config.literal(...Endpoint.MARKETS)(name))
}))
