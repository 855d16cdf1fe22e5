/**
 * Endpoint, timing, retry and rate-limit settings, declared once for both editions (each edition's `BinanceConfig`
 * module re-exports them with its own version tags, and declares its own `BinanceConfig` reference and layers).
 */
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import type * as Endpoint from "../../core/endpoint.js"
import * as PlainOptions from "../../core/options.js"
import * as Dialect from "../../dialect.js"
import { version } from "../../version.js"
import { InvalidConfiguration } from "./BinanceError.js"

/** The Binance environments and their REST base URLs. */
export const environments: typeof PlainOptions.environments = PlainOptions.environments

/** A Binance environment: `production`, `testnet` or `demo`. */
export type Environment = PlainOptions.Environment

/**
 * The futures market: `usds-m` (USDⓈ-M, `GET /fapi/v1/pmAccountInfo` on `https://fapi.binance.com`, the
 * default) or `coin-m` (COIN-M, `GET /dapi/v1/pmAccountInfo` on `https://dapi.binance.com`).
 */
export type Market = Endpoint.Market

/** COIN-M's REST base URLs, per environment. */
export const coinmEnvironments: typeof PlainOptions.coinmEnvironments = PlainOptions.coinmEnvironments

/**
 * The default retry policy: exponential backoff from 200 ms, factor 2, each delay capped at 5 s, jittered.
 * `maxRetries` bounds how many times it recurs.
 */
export const defaultRetrySchedule: Schedule.Schedule<unknown> = Schedule.jittered(
  Dialect.scheduleUnion(
    Schedule.exponential(Duration.millis(PlainOptions.RETRY_BACKOFF.firstDelayMs), PlainOptions.RETRY_BACKOFF.factor),
    Schedule.spaced(Duration.millis(PlainOptions.RETRY_BACKOFF.maxDelayMs))
  )
)

/**
 * The resolved settings: the plain ones (`baseUrl`, `recvWindow`, `maxRetries`, `weightLimit`, `userAgent`,
 * `egress`, `market`), `timeout` (of one attempt), `retrySchedule` and `maxRetryAfterWait` (the longest pause
 * worth waiting for).
 */
export type Service = PlainOptions.ResolvedSettings<Duration.Duration, Schedule.Schedule<unknown, unknown>>

/** What `layer` and `make` accept: any subset of the settings, plus an `environment` shortcut for `baseUrl`. */
export type Options = PlainOptions.Options<Dialect.DurationInput, Schedule.Schedule<unknown, unknown>>

/** The `User-Agent` sent with every request. */
export const defaultUserAgent: string = PlainOptions.userAgentOf(version)

// This edition's durations and schedules, as the core's rules read them.
const durations: PlainOptions.Dialect<Duration.Duration, Dialect.DurationInput> = {
  millis: Duration.millis,
  decode: (input) => Option.getOrUndefined(Dialect.durationFromInput(input)),
  toMillis: Duration.toMillis,
  isSchedule: Schedule.isSchedule
}

/**
 * The defaults: production, recvWindow 5000, 10 s per attempt, 3 retries, wait at most 10 s for
 * `Retry-After`, 2400 weight per minute.
 */
export const defaults: Service = PlainOptions.resolvedDefaults(defaultUserAgent, defaultRetrySchedule, durations)

/**
 * Validates a base URL: `https:` (or `http:` to a loopback host), an origin only — no path, query,
 * fragment or credentials. Returns the origin without a trailing slash.
 */
export const validateBaseUrl = (input: unknown): Dialect.Result<string, InvalidConfiguration> => {
  const checked = PlainOptions.checkBaseUrl(input)
  return typeof checked === "string"
    ? Dialect.resultSucceed(checked)
    : Dialect.resultFail(new InvalidConfiguration(checked))
}

/** Resolves and validates options over the defaults. */
export const make = (options: Options = {}): Dialect.Result<Service, InvalidConfiguration> => {
  const resolved = PlainOptions.resolve(options, defaults, durations)
  return "field" in resolved ? Dialect.resultFail(new InvalidConfiguration(resolved)) : Dialect.resultSucceed(resolved)
}
