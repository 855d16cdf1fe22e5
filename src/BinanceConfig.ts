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
import { version } from "./internal/version.js"

/**
 * The Binance environments and their REST base URLs.
 *
 * @since 0.1.0
 * @category Models
 */
export const environments = {
  production: "https://fapi.binance.com",
  testnet: "https://testnet.binancefuture.com",
  demo: "https://demo-fapi.binance.com"
} as const

/**
 * @since 0.1.0
 * @category Models
 */
export type Environment = keyof typeof environments

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
   * every client of the process shares one budget per base URL.
   */
  readonly egress?: string | undefined
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
  recvWindow: 5000,
  timeout: Duration.seconds(10),
  maxRetries: 3,
  retrySchedule: defaultRetrySchedule,
  maxRetryAfterWait: Duration.seconds(10),
  weightLimit: 2400,
  userAgent: defaultUserAgent
}

/**
 * @since 0.1.0
 * @category Context
 */
export class BinanceConfig extends Context.Reference<BinanceConfig>()("effect-binance-pm/BinanceConfig", {
  defaultValue: (): Service => defaults
}) {}

const isLoopbackHost = (hostname: string): boolean =>
  hostname === "localhost" || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)

/**
 * Validates a base URL: `https:` (or `http:` to a loopback host), an origin only — no path, query,
 * fragment or credentials. Returns the origin without a trailing slash.
 *
 * @since 0.1.0
 * @category Validation
 */
export const validateBaseUrl = (input: unknown): Either.Either<string, InvalidConfiguration> => {
  const fail = (reason: string) => Either.left(new InvalidConfiguration({ field: "baseUrl", reason }))
  if (typeof input !== "string" || input.trim() === "") return fail("must be a non-empty URL string")
  let url: URL
  try {
    url = new URL(input)
  } catch {
    return fail("is not a valid URL")
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
    return fail(`must use https: (http: is allowed only for loopback hosts), got "${url.protocol}//${url.host}"`)
  }
  if (url.username !== "" || url.password !== "") return fail("must not contain credentials")
  if (url.pathname !== "/" && url.pathname !== "") return fail("must be an origin without a path")
  if (url.search !== "" || input.includes("?")) return fail("must not contain a query string")
  if (url.hash !== "" || input.includes("#")) return fail("must not contain a fragment")
  return Either.right(url.origin)
}

const isInt = (u: unknown, min: number, max: number): u is number =>
  typeof u === "number" && Number.isInteger(u) && u >= min && u <= max

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
    const invalid = (field: string, reason: string) => Either.left(new InvalidConfiguration({ field, reason }))
    if (options.environment !== undefined && !Object.hasOwn(environments, options.environment)) {
      return yield* invalid("environment", `must be one of ${Object.keys(environments).join(", ")}`)
    }
    if (options.environment !== undefined && options.baseUrl !== undefined) {
      return yield* invalid("environment", "give either environment or baseUrl, not both")
    }
    const baseUrl = yield* validateBaseUrl(
      options.baseUrl ?? environments[options.environment ?? "production"]
    )
    const recvWindow = options.recvWindow ?? defaults.recvWindow
    if (!isInt(recvWindow, 1, 60000)) return yield* invalid("recvWindow", "must be an integer from 1 to 60000 ms")
    const maxRetries = options.maxRetries ?? defaults.maxRetries
    if (!isInt(maxRetries, 0, 100)) return yield* invalid("maxRetries", "must be an integer from 0 to 100")
    const weightLimit = options.weightLimit ?? defaults.weightLimit
    if (!isInt(weightLimit, 5, 1_000_000)) return yield* invalid("weightLimit", "must be an integer of at least 5")
    const userAgent = options.userAgent ?? defaults.userAgent
    if (typeof userAgent !== "string" || !/^[\x20-\x7e]+$/.test(userAgent)) {
      return yield* invalid("userAgent", "must be printable ASCII")
    }
    if (options.retrySchedule !== undefined && !Schedule.isSchedule(options.retrySchedule)) {
      return yield* invalid("retrySchedule", "must be a Schedule")
    }
    const egress = options.egress
    if (egress !== undefined && (typeof egress !== "string" || !/^[\x21-\x7e]{1,200}$/.test(egress))) {
      return yield* invalid("egress", "must be 1 to 200 printable ASCII characters without spaces")
    }
    return {
      baseUrl,
      recvWindow,
      timeout: options.timeout === undefined ? defaults.timeout : yield* toDuration("timeout", options.timeout, false),
      maxRetries,
      retrySchedule: options.retrySchedule ?? defaults.retrySchedule,
      maxRetryAfterWait: options.maxRetryAfterWait === undefined
        ? defaults.maxRetryAfterWait
        : yield* toDuration("maxRetryAfterWait", options.maxRetryAfterWait, true),
      weightLimit,
      userAgent,
      ...(egress === undefined ? {} : { egress })
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
 * `BINANCE_WEIGHT_LIMIT`, `BINANCE_EGRESS`, each optional.
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
  egress: optional(Config.string("BINANCE_EGRESS"))
})
