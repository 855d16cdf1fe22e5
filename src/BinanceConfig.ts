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
import * as Schedule from "effect/Schedule"
import { InvalidConfiguration } from "./BinanceError.js"
import { fromConfigError } from "./internal/config.js"
import type * as Endpoint from "./internal/core/endpoint.js"
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
export const defaultRetrySchedule: Schedule.Schedule<unknown> = Schedule.exponential("200 millis", 2).pipe(
  Schedule.union(Schedule.spaced("5 seconds")),
  Schedule.jittered
)

/**
 * The resolved settings.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Service {
  /** Origin of the REST API, without a trailing slash. */
  readonly baseUrl: string
  /** `recvWindow` sent with every call that does not set its own, in ms (1..60000). */
  readonly recvWindow: number
  /** Timeout of one attempt (one HTTP exchange). */
  readonly timeout: Duration.Duration
  /**
   * Retries after the first attempt for transient failures and acceptable rate-limit pauses; 0 disables
   * retrying. One call sends at most `maxRetries + 1` requests, plus one re-send after healing a -1021, plus at
   * most one `GET /fapi/v1/time`.
   */
  readonly maxRetries: number
  /** Delays between retries. Its input is the failure; `maxRetries` bounds it. */
  readonly retrySchedule: Schedule.Schedule<unknown, unknown>
  /**
   * Longest rate-limit or firewall pause worth waiting for; a longer one fails at once with `RateLimited` or
   * `WafBlocked`, sending nothing.
   */
  readonly maxRetryAfterWait: Duration.Duration
  /** The IP's request-weight limit per minute. */
  readonly weightLimit: number
  /** Sent as `User-Agent`. */
  readonly userAgent: string
  /**
   * Names the IP this program leaves from, when it is not the host's own (a proxy, another local address).
   * Binance limits and bans per IP, so the gate keeps one budget per egress and base URL: leave it unset and
   * every client of the process shares one budget per base URL. A client built with `BinanceHttpClient`'s
   * `proxy` leaves from the proxy: its budget is the proxy's when this is unset.
   */
  readonly egress?: string | undefined
  /**
   * The futures market (default `usds-m`): which paths are called (`/fapi/...` or `/dapi/...`), and which base
   * URL an `environment` names.
   *
   * @since 0.2.0
   */
  readonly market?: Market | undefined
}

/**
 * What `layer` and `make` accept: any subset of the settings, plus an `environment` shortcut for `baseUrl`.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Options {
  readonly environment?: Environment | undefined
  readonly baseUrl?: string | undefined
  readonly recvWindow?: number | undefined
  readonly timeout?: Duration.DurationInput | undefined
  readonly maxRetries?: number | undefined
  readonly retrySchedule?: Schedule.Schedule<unknown, unknown> | undefined
  readonly maxRetryAfterWait?: Duration.DurationInput | undefined
  readonly weightLimit?: number | undefined
  readonly userAgent?: string | undefined
  readonly egress?: string | undefined
  /** `usds-m` (default) or `coin-m`. @since 0.2.0 */
  readonly market?: Market | undefined
}

/**
 * @since 0.1.0
 * @category Constructors
 */
export const defaultUserAgent: string = `effect-binance-pm/${version} (${
  typeof process !== "undefined" ? `Node.js/${process.version}; ${process.platform}` : "unknown runtime"
})`

/**
 * The defaults: production, recvWindow 5000, 10 s per attempt, 3 retries, wait at most 10 s for
 * `Retry-After`, 2400 weight per minute.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const defaults: Service = {
  baseUrl: environments.production,
  recvWindow: PlainOptions.DEFAULTS.recvWindow,
  timeout: Duration.seconds(10),
  maxRetries: PlainOptions.DEFAULTS.maxRetries,
  retrySchedule: defaultRetrySchedule,
  maxRetryAfterWait: Duration.seconds(10),
  weightLimit: PlainOptions.DEFAULTS.weightLimit,
  userAgent: defaultUserAgent
}

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

const toDuration = (
  field: string,
  input: Duration.DurationInput,
  allowZero: boolean
): Either.Either<Duration.Duration, InvalidConfiguration> => {
  const decoded = Duration.decodeUnknown(input)
  if (decoded._tag === "None") {
    return Either.left(new InvalidConfiguration({ field, reason: "must be a duration (ms number or \"10 seconds\")" }))
  }
  const ms = Duration.toMillis(decoded.value)
  if (!Number.isFinite(ms) || ms < 0 || (!allowZero && ms === 0)) {
    return Either.left(
      new InvalidConfiguration({
        field,
        reason: `must be a finite ${allowZero ? "non-negative" : "positive"} duration`
      })
    )
  }
  return Either.right(decoded.value)
}

/**
 * Resolves and validates options over the defaults.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make = (options: Options = {}): Either.Either<Service, InvalidConfiguration> =>
  Either.gen(function*() {
    const plain = PlainOptions.checkOptions(options, defaults.userAgent)
    if ("field" in plain) return yield* Either.left(new InvalidConfiguration(plain))
    if (options.retrySchedule !== undefined && !Schedule.isSchedule(options.retrySchedule)) {
      return yield* Either.left(new InvalidConfiguration({ field: "retrySchedule", reason: "must be a Schedule" }))
    }
    return {
      ...plain,
      timeout: options.timeout === undefined ? defaults.timeout : yield* toDuration("timeout", options.timeout, false),
      retrySchedule: options.retrySchedule ?? defaults.retrySchedule,
      maxRetryAfterWait: options.maxRetryAfterWait === undefined
        ? defaults.maxRetryAfterWait
        : yield* toDuration("maxRetryAfterWait", options.maxRetryAfterWait, true)
    }
  })

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

const defaultConfigs: Config.Config<Options> = Config.all({
  environment: optional(Config.literal("production", "testnet", "demo")("BINANCE_ENV")),
  baseUrl: optional(Config.string("BINANCE_BASE_URL")),
  recvWindow: optional(Config.integer("BINANCE_RECV_WINDOW")),
  timeout: optional(Config.duration("BINANCE_TIMEOUT")),
  maxRetries: optional(Config.integer("BINANCE_MAX_RETRIES")),
  maxRetryAfterWait: optional(Config.duration("BINANCE_MAX_RETRY_AFTER_WAIT")),
  weightLimit: optional(Config.integer("BINANCE_WEIGHT_LIMIT")),
  egress: optional(Config.string("BINANCE_EGRESS")),
  market: optional(Config.literal("usds-m", "coin-m")("BINANCE_MARKET"))
})
