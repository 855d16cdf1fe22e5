/**
 * The client's plain options: environments, base URL, numbers and names, checked. No Effect here: durations
 * and schedules are each edition's own.
 */
import { type Market, MARKETS, type Refusal } from "./endpoint.js"

/** The Binance environments and their REST base URLs. */
export const environments = {
  production: "https://fapi.binance.com",
  testnet: "https://testnet.binancefuture.com",
  demo: "https://demo-fapi.binance.com"
} as const

export type Environment = keyof typeof environments

/** COIN-M's REST base URLs, per environment (the official connector's constants). */
export const coinmEnvironments = {
  production: "https://dapi.binance.com",
  testnet: "https://testnet.binancefuture.com",
  demo: "https://demo-dapi.binance.com"
} as const satisfies Record<Environment, string>

/** A market's base URLs, per environment; USDⓈ-M when none is named. */
export const environmentsOf = (market: Market | undefined): Record<Environment, string> =>
  market === "coin-m" ? coinmEnvironments : environments

/** The defaults: recvWindow 5000, 10 s per attempt, 3 retries, wait at most 10 s for a pause, 2400 weight a minute. */
export const DEFAULTS = {
  recvWindow: 5000,
  timeoutMs: 10_000,
  maxRetries: 3,
  maxRetryAfterWaitMs: 10_000,
  weightLimit: 2400
} as const

/** The default retry policy: exponential backoff from 200 ms, factor 2, each delay capped at 5 s (then jittered). */
export const RETRY_BACKOFF = { firstDelayMs: 200, factor: 2, maxDelayMs: 5000 } as const

/** `effect-binance-pm/<version> (Node.js/v22.1.0; linux)`: the default `User-Agent`. */
export const userAgentOf = (version: string): string =>
  `effect-binance-pm/${version} (${
    typeof process !== "undefined" ? `Node.js/${process.version}; ${process.platform}` : "unknown runtime"
  })`

/** The environment variables `BinanceConfig.layerConfig` reads by default, by option; each is optional. */
export const CONFIG_ENV = {
  environment: "BINANCE_ENV",
  baseUrl: "BINANCE_BASE_URL",
  recvWindow: "BINANCE_RECV_WINDOW",
  timeout: "BINANCE_TIMEOUT",
  maxRetries: "BINANCE_MAX_RETRIES",
  maxRetryAfterWait: "BINANCE_MAX_RETRY_AFTER_WAIT",
  weightLimit: "BINANCE_WEIGHT_LIMIT",
  egress: "BINANCE_EGRESS",
  market: "BINANCE_MARKET"
} as const

/** The environments' names, for a config that reads one. */
export const ENVIRONMENTS = ["production", "testnet", "demo"] as const satisfies ReadonlyArray<Environment>

/**
 * The default reading of `BinanceConfig.layerConfig`: each option from its variable of `CONFIG_ENV`, by the
 * edition's reader of its kind (each optional: `undefined` when unset).
 */
export const configsOf = <Env, Text, Integer, Duration, MarketName>(read: {
  readonly environment: (name: string) => Env
  readonly text: (name: string) => Text
  readonly integer: (name: string) => Integer
  readonly duration: (name: string) => Duration
  readonly market: (name: string) => MarketName
}) => ({
  environment: read.environment(CONFIG_ENV.environment),
  baseUrl: read.text(CONFIG_ENV.baseUrl),
  recvWindow: read.integer(CONFIG_ENV.recvWindow),
  timeout: read.duration(CONFIG_ENV.timeout),
  maxRetries: read.integer(CONFIG_ENV.maxRetries),
  maxRetryAfterWait: read.duration(CONFIG_ENV.maxRetryAfterWait),
  weightLimit: read.integer(CONFIG_ENV.weightLimit),
  egress: read.text(CONFIG_ENV.egress),
  market: read.market(CONFIG_ENV.market)
})

/** Whether a URL's hostname is this machine's loopback, where plain `http:` (or `ws:`) is allowed. */
export const isLoopbackHost = (hostname: string): boolean =>
  hostname === "localhost" || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)

/**
 * An origin of the `secure` scheme (or of the `plain` one to loopback only), no credentials, path, query or
 * fragment: a REST base URL (`https:`/`http:`) or a WebSocket one (`wss:`/`ws:`). `field` names it in a refusal.
 */
export const checkOrigin = (
  input: unknown,
  field: string,
  secure: "https:" | "wss:" = "https:",
  plain: "http:" | "ws:" = "http:"
): string | Refusal => {
  const refuse = (reason: string): Refusal => ({ field, reason })
  if (typeof input !== "string" || input.trim() === "") return refuse("must be a non-empty URL string")
  let url: URL
  try {
    url = new URL(input)
  } catch {
    return refuse("is not a valid URL")
  }
  if (url.protocol !== secure && !(url.protocol === plain && isLoopbackHost(url.hostname))) {
    return refuse(
      `must use ${secure} (${plain} is allowed only for loopback hosts), got "${url.protocol}//${url.host}"`
    )
  }
  if (url.username !== "" || url.password !== "") return refuse("must not contain credentials")
  if (url.pathname !== "/" && url.pathname !== "") return refuse("must be an origin without a path")
  if (url.search !== "" || input.includes("?")) return refuse("must not contain a query string")
  if (url.hash !== "" || input.includes("#")) return refuse("must not contain a fragment")
  return url.origin
}

/** A REST base URL: `https:` (or `http:` to loopback only), an origin. */
export const checkBaseUrl = (input: unknown): string | Refusal => checkOrigin(input, "baseUrl")

/** The options that are plain values: any subset of the settings, plus an `environment` shortcut for `baseUrl`. */
export interface PlainOptions {
  readonly environment?: Environment | undefined
  readonly baseUrl?: string | undefined
  readonly recvWindow?: number | undefined
  readonly maxRetries?: number | undefined
  readonly weightLimit?: number | undefined
  readonly userAgent?: string | undefined
  readonly egress?: string | undefined
  /** `usds-m` (default) or `coin-m`. */
  readonly market?: Market | undefined
}

/** The resolved settings that are plain values (durations and the retry schedule are each edition's own). */
export interface Settings {
  /** Origin of the REST API, without a trailing slash. */
  readonly baseUrl: string
  /** `recvWindow` sent with every call that does not set its own, in ms (1..60000). */
  readonly recvWindow: number
  /**
   * Retries after the first attempt for transient failures and acceptable rate-limit pauses; 0 disables
   * retrying. One call sends at most `maxRetries + 1` requests, plus one re-send after healing a -1021, plus at
   * most one `GET /fapi/v1/time`.
   */
  readonly maxRetries: number
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
   * URL an `environment` names. Present only when the options named one.
   */
  readonly market?: Market | undefined
}

/** The settings when no option is given: production, and the defaults. */
export const defaultSettings = (userAgent: string): Settings => ({
  baseUrl: environments.production,
  recvWindow: DEFAULTS.recvWindow,
  maxRetries: DEFAULTS.maxRetries,
  weightLimit: DEFAULTS.weightLimit,
  userAgent
})

const isInt = (u: unknown, min: number, max: number): u is number =>
  typeof u === "number" && Number.isInteger(u) && u >= min && u <= max

/** Checks the plain options, filling in the defaults. */
export const checkOptions = (options: PlainOptions, defaultUserAgent: string): Settings | Refusal => {
  if (options.environment !== undefined && !Object.hasOwn(environments, options.environment)) {
    return { field: "environment", reason: `must be one of ${Object.keys(environments).join(", ")}` }
  }
  if (options.environment !== undefined && options.baseUrl !== undefined) {
    return { field: "environment", reason: "give either environment or baseUrl, not both" }
  }
  const market = options.market
  if (market !== undefined && !MARKETS.includes(market)) {
    return { field: "market", reason: `must be one of ${MARKETS.join(", ")}` }
  }
  const baseUrl = checkBaseUrl(options.baseUrl ?? environmentsOf(market)[options.environment ?? "production"])
  if (typeof baseUrl !== "string") return baseUrl
  const recvWindow = options.recvWindow ?? DEFAULTS.recvWindow
  if (!isInt(recvWindow, 1, 60000)) return { field: "recvWindow", reason: "must be an integer from 1 to 60000 ms" }
  const maxRetries = options.maxRetries ?? DEFAULTS.maxRetries
  if (!isInt(maxRetries, 0, 100)) return { field: "maxRetries", reason: "must be an integer from 0 to 100" }
  const weightLimit = options.weightLimit ?? DEFAULTS.weightLimit
  if (!isInt(weightLimit, 5, 1_000_000)) return { field: "weightLimit", reason: "must be an integer of at least 5" }
  const userAgent = options.userAgent ?? defaultUserAgent
  if (typeof userAgent !== "string" || !/^[\x20-\x7e]+$/.test(userAgent)) {
    return { field: "userAgent", reason: "must be printable ASCII" }
  }
  const egress = options.egress
  if (egress !== undefined && (typeof egress !== "string" || !/^[\x21-\x7e]{1,200}$/.test(egress))) {
    return { field: "egress", reason: "must be 1 to 200 printable ASCII characters without spaces" }
  }
  return {
    baseUrl,
    recvWindow,
    maxRetries,
    weightLimit,
    userAgent,
    ...(egress === undefined ? {} : { egress }),
    ...(market === undefined ? {} : { market })
  }
}

/** What a duration option that is not one is told. */
export const notADuration = (field: string): Refusal => ({
  field,
  reason: "must be a duration (ms number or \"10 seconds\")"
})

/** A duration option, once read as ms: finite, not negative, and not zero unless zero is allowed. */
export const checkDurationMs = (field: string, ms: number, allowZero: boolean): Refusal | undefined =>
  Number.isFinite(ms) && ms >= 0 && (allowZero || ms !== 0)
    ? undefined
    : { field, reason: `must be a finite ${allowZero ? "non-negative" : "positive"} duration` }

/** The resolved settings, with an edition's `Duration` and retry `Schedule`. */
export interface ResolvedSettings<Duration, Schedule> extends Settings {
  /** Timeout of one attempt (one HTTP exchange). */
  readonly timeout: Duration
  /** Delays between retries. Its input is the failure; `maxRetries` bounds it. */
  readonly retrySchedule: Schedule
  /**
   * Longest rate-limit or firewall pause worth waiting for; a longer one fails at once with `RateLimited` or
   * `WafBlocked`, sending nothing.
   */
  readonly maxRetryAfterWait: Duration
}

/** What `BinanceConfig.layer` and `make` accept: any subset of the settings, plus an `environment` shortcut. */
export interface Options<DurationInput, Schedule> extends PlainOptions {
  readonly timeout?: DurationInput | undefined
  readonly retrySchedule?: Schedule | undefined
  readonly maxRetryAfterWait?: DurationInput | undefined
}

/** How an edition's durations and schedules read, for {@link resolve}. */
export interface Dialect<Duration, DurationInput> {
  /** `millis(ms)`: a duration of that many ms. */
  readonly millis: (ms: number) => Duration
  /** The duration an input names, or `undefined` when it names none (never a throw). */
  readonly decode: (input: DurationInput) => Duration | undefined
  readonly toMillis: (duration: Duration) => number
  readonly isSchedule: (u: unknown) => boolean
}

/** The settings when no option is given, in an edition's durations: production, and the defaults. */
export const resolvedDefaults = <Duration, Schedule>(
  userAgent: string,
  retrySchedule: Schedule,
  dialect: Pick<Dialect<Duration, unknown>, "millis">
): ResolvedSettings<Duration, Schedule> => ({
  ...defaultSettings(userAgent),
  timeout: dialect.millis(DEFAULTS.timeoutMs),
  retrySchedule,
  maxRetryAfterWait: dialect.millis(DEFAULTS.maxRetryAfterWaitMs)
})

/**
 * Resolves options over the defaults, or the first refusal: the options must be an object, then the plain ones
 * (see {@link checkOptions}), the retry schedule, `timeout` (positive) and `maxRetryAfterWait` (may be zero).
 */
export const resolve = <Duration, DurationInput, Schedule>(
  options: Options<DurationInput, Schedule>,
  defaults: ResolvedSettings<Duration, Schedule>,
  dialect: Dialect<Duration, DurationInput>
): ResolvedSettings<Duration, Schedule> | Refusal => {
  if (options === null || typeof options !== "object") return { field: "options", reason: "must be an object" }
  const plain = checkOptions(options, defaults.userAgent)
  if ("field" in plain) return plain
  if (options.retrySchedule !== undefined && !dialect.isSchedule(options.retrySchedule)) {
    return { field: "retrySchedule", reason: "must be a Schedule" }
  }
  const duration = (field: "timeout" | "maxRetryAfterWait", allowZero: boolean): { value: Duration } | Refusal => {
    const input = options[field]
    if (input === undefined) return { value: defaults[field] }
    const decoded = dialect.decode(input)
    if (decoded === undefined) return notADuration(field)
    return checkDurationMs(field, dialect.toMillis(decoded), allowZero) ?? { value: decoded }
  }
  const timeout = duration("timeout", false)
  if ("field" in timeout) return timeout
  const maxRetryAfterWait = duration("maxRetryAfterWait", true)
  if ("field" in maxRetryAfterWait) return maxRetryAfterWait
  return {
    ...plain,
    timeout: timeout.value,
    retrySchedule: options.retrySchedule ?? defaults.retrySchedule,
    maxRetryAfterWait: maxRetryAfterWait.value
  }
}

/** The budget a request counts against: its base URL, and the egress it leaves from when one is named. */
export const budgetKey = (options: { readonly baseUrl: string; readonly egress?: string | undefined }): string =>
  options.egress === undefined ? options.baseUrl : `${options.egress} ${options.baseUrl}`

/** A forward proxy, checked: where to connect, and the `Proxy-Authorization` value when the URL had credentials. */
export interface Proxy {
  readonly hostname: string
  readonly port: number
  /** `host:port`, without credentials: safe to log, and the egress of the clients that use it. */
  readonly host: string
  /** `Basic base64(user:pass)`, or undefined. A secret: never log it. */
  readonly authorization: string | undefined
}

/**
 * Checks a proxy URL `http://[user:pass@]host[:port]` (port 80 by default). The refusal never quotes the
 * input: it may hold credentials.
 */
export const checkProxyUrl = (input: unknown): Proxy | Refusal => {
  const refuse = (reason: string): Refusal => ({ field: "proxy", reason })
  if (typeof input !== "string" || input.trim() === "") return refuse("must be a non-empty URL string")
  let url: URL
  try {
    url = new URL(input)
  } catch {
    return refuse("is not a valid URL (expected http://[user:password@]host:port)")
  }
  if (url.protocol !== "http:") {
    // Name the scheme only when it is one: in "user:password@host" without a scheme, "user:" reads as one.
    const scheme = /^(https|socks[45]?h?):$/.test(url.protocol) ? `, got "${url.protocol}"` : ""
    return refuse(`must be an http: proxy URL such as http://host:port${scheme}`)
  }
  if ((url.pathname !== "/" && url.pathname !== "") || url.search !== "" || url.hash !== "") {
    return refuse("must be http://[user:password@]host:port, without a path, query or fragment")
  }
  const port = url.port === "" ? 80 : Number(url.port)
  const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname
  let authorization: string | undefined
  if (url.username !== "" || url.password !== "") {
    let user: string
    let password: string
    try {
      user = decodeURIComponent(url.username)
      password = decodeURIComponent(url.password)
    } catch {
      return refuse("has credentials that are not valid percent-encoding")
    }
    authorization = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`
  }
  return { hostname, port, host: `${url.hostname}:${port}`, authorization }
}

/** The egress of a client that leaves through `proxy`: its host and port, without credentials. */
export const proxyEgress = (proxy: Proxy): string => `proxy ${proxy.host}`

/**
 * Whether a target host bypasses the proxy under `NO_PROXY` (comma- or space-separated: `*`, host names,
 * `.suffix` or `suffix` domains, optional `:port`).
 */
export const bypassesProxy = (noProxy: string | undefined, hostname: string, port: string): boolean => {
  if (noProxy === undefined || noProxy.trim() === "") return false
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "")
  return noProxy.split(/[\s,]+/).some((raw) => {
    const entry = raw.trim().toLowerCase()
    if (entry === "") return false
    if (entry === "*") return true
    const [name, entryPort] = entry.startsWith("[")
      ? [entry.slice(1, entry.indexOf("]")), entry.slice(entry.indexOf("]") + 2) || undefined]
      : entry.split(":") as [string, string | undefined]
    if (entryPort !== undefined && entryPort !== port) return false
    const bare = name!.replace(/^\*?\./, "")
    return host === bare || host.endsWith(`.${bare}`)
  })
}

const hosts = new Map<string, string>()

/** The `host` of a base URL (the `binance.used_weight` metric's tag), worked out once per base URL. */
export const hostOf = (baseUrl: string): string => {
  let host = hosts.get(baseUrl)
  if (host === undefined) {
    try {
      host = new URL(baseUrl).host
    } catch {
      host = "unknown"
    }
    hosts.set(baseUrl, host)
  }
  return host
}
