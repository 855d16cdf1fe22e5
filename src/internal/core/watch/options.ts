/**
 * A watcher's options, checked, with their defaults. No Effect here: each edition turns a refusal into its
 * `InvalidConfiguration`, before anything is read or connected.
 */
import { checkParams, type Refusal } from "../endpoint.js"
import { checkOrigin } from "../options.js"

export const DEFAULTS = {
  /** An asset's figure is re-read before it is a minute old; the stream says sooner when it moved. */
  maxAgeMs: 60_000,
  /** Paced reads spend at most a tenth of the budget's weight per minute. */
  weightShare: 0.1,
  /** A `vmw` move of more than 1 % re-reads every asset. */
  vmwThreshold: 0.01,
  stream: true,
  wsBaseUrl: "wss://fstream.binance.com"
} as const

export const MAX_ASSETS = 200
/** A figure older than a day is no figure: the bound of `maxAgeMs`. */
export const MAX_AGE_LIMIT_MS = 86_400_000

export interface WatchOptions {
  readonly assets: ReadonlyArray<string>
  readonly maxAgeMs?: number | undefined
  readonly weightShare?: number | undefined
  /** `false` watches by polling alone. */
  readonly stream?: boolean | undefined
  readonly vmwThreshold?: number | undefined
}

export interface Checked {
  /** Without repeats, in the order given. */
  readonly assets: ReadonlyArray<string>
  readonly maxAgeMs: number
  readonly weightShare: number
  readonly stream: boolean
  readonly vmwThreshold: number
}

/** Checks a watcher's options (other fields, such as an edition's `signal`, are left to the edition). */
export const checkWatchOptions = (input: unknown): Checked | Refusal => {
  if (typeof input !== "object" || input === null) {
    return { field: "options", reason: "must be an object like { assets: [\"BTC\"] }" }
  }
  const options = input as Record<string, unknown>
  const assets = options.assets
  if (!Array.isArray(assets) || assets.length === 0 || assets.length > MAX_ASSETS) {
    return { field: "assets", reason: `must be an array of 1 to ${MAX_ASSETS} assets, such as ["BTC", "ETH"]` }
  }
  for (const [index, asset] of assets.entries()) {
    const checked = checkParams({ asset }, 5000)
    if ("field" in checked) return { field: `assets[${index}]`, reason: checked.reason }
  }
  const maxAgeMs = options.maxAgeMs ?? DEFAULTS.maxAgeMs
  if (typeof maxAgeMs !== "number" || !Number.isInteger(maxAgeMs) || maxAgeMs < 1000 || maxAgeMs > MAX_AGE_LIMIT_MS) {
    return { field: "maxAgeMs", reason: `must be an integer from 1000 to ${MAX_AGE_LIMIT_MS} ms` }
  }
  const weightShare = options.weightShare ?? DEFAULTS.weightShare
  if (typeof weightShare !== "number" || !(weightShare > 0 && weightShare <= 1)) {
    return {
      field: "weightShare",
      reason: "must be a fraction of the weight budget above 0 and at most 1, such as 0.1"
    }
  }
  const stream = options.stream ?? DEFAULTS.stream
  if (typeof stream !== "boolean") return { field: "stream", reason: "must be true or false" }
  const vmwThreshold = options.vmwThreshold ?? DEFAULTS.vmwThreshold
  if (typeof vmwThreshold !== "number" || !(vmwThreshold >= 0 && vmwThreshold <= 1)) {
    return { field: "vmwThreshold", reason: "must be a fraction from 0 to 1, such as 0.01 for 1 %" }
  }
  return { assets: [...new Set(assets as ReadonlyArray<string>)], maxAgeMs, weightShare, stream, vmwThreshold }
}

/** The WebSocket origin: `wss:` (or `ws:` to loopback only), no credentials, path, query or fragment. */
export const checkWsBaseUrl = (input: unknown): string | Refusal => checkOrigin(input, "wsBaseUrl", "wss:", "ws:")
