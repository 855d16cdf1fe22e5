/**
 * The client's plain options: environments, base URL, numbers and names, checked. No Effect here: durations
 * and schedules are each edition's own.
 */
import type { Refusal } from "./endpoint.js"

/** The Binance environments and their REST base URLs. */
export const environments = {
  production: "https://fapi.binance.com",
  testnet: "https://testnet.binancefuture.com",
  demo: "https://demo-fapi.binance.com"
} as const

export type Environment = keyof typeof environments

export const DEFAULTS = { recvWindow: 5000, maxRetries: 3, weightLimit: 2400 } as const

const isLoopbackHost = (hostname: string): boolean =>
  hostname === "localhost" || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)

/** An origin: `https:` (or `http:` to loopback only), no credentials, path, query or fragment. */
export const checkBaseUrl = (input: unknown): string | Refusal => {
  const refuse = (reason: string): Refusal => ({ field: "baseUrl", reason })
  if (typeof input !== "string" || input.trim() === "") return refuse("must be a non-empty URL string")
  let url: URL
  try {
    url = new URL(input)
  } catch {
    return refuse("is not a valid URL")
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
    return refuse(`must use https: (http: is allowed only for loopback hosts), got "${url.protocol}//${url.host}"`)
  }
  if (url.username !== "" || url.password !== "") return refuse("must not contain credentials")
  if (url.pathname !== "/" && url.pathname !== "") return refuse("must be an origin without a path")
  if (url.search !== "" || input.includes("?")) return refuse("must not contain a query string")
  if (url.hash !== "" || input.includes("#")) return refuse("must not contain a fragment")
  return url.origin
}

export interface PlainOptions {
  readonly environment?: Environment | undefined
  readonly baseUrl?: string | undefined
  readonly recvWindow?: number | undefined
  readonly maxRetries?: number | undefined
  readonly weightLimit?: number | undefined
  readonly userAgent?: string | undefined
  readonly egress?: string | undefined
}

export interface Checked {
  readonly baseUrl: string
  readonly recvWindow: number
  readonly maxRetries: number
  readonly weightLimit: number
  readonly userAgent: string
  readonly egress?: string
}

const isInt = (u: unknown, min: number, max: number): u is number =>
  typeof u === "number" && Number.isInteger(u) && u >= min && u <= max

/** Checks the plain options, filling in the defaults. */
export const checkOptions = (options: PlainOptions, defaultUserAgent: string): Checked | Refusal => {
  if (options.environment !== undefined && !Object.hasOwn(environments, options.environment)) {
    return { field: "environment", reason: `must be one of ${Object.keys(environments).join(", ")}` }
  }
  if (options.environment !== undefined && options.baseUrl !== undefined) {
    return { field: "environment", reason: "give either environment or baseUrl, not both" }
  }
  const baseUrl = checkBaseUrl(options.baseUrl ?? environments[options.environment ?? "production"])
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
  return { baseUrl, recvWindow, maxRetries, weightLimit, userAgent, ...(egress === undefined ? {} : { egress }) }
}

/** The budget a request counts against: its base URL, and the egress it leaves from when one is named. */
export const budgetKey = (options: { readonly baseUrl: string; readonly egress?: string | undefined }): string =>
  options.egress === undefined ? options.baseUrl : `${options.egress} ${options.baseUrl}`
