/**
 * The library's metrics with no Effect: their names, descriptions, unit and buckets, and the tag values a request
 * is recorded under. Each edition builds its `Metric`s from these, in its own dialect.
 */

/** Each metric's name and description. */
export const METRICS = {
  requests: {
    name: "binance.requests",
    description: "Requests sent to Binance, by endpoint and outcome (ok or the error tag)"
  },
  requestDuration: {
    name: "binance.request.duration",
    description: "Duration of each request to Binance in milliseconds, by endpoint and HTTP status"
  },
  retries: {
    name: "binance.retries",
    description: "Requests sent again within one call (retries, and the re-send after a -1021)"
  },
  usedWeight: {
    name: "binance.used_weight",
    description: "The last X-MBX-USED-WEIGHT-1M Binance reported, by host"
  },
  gateWait: {
    name: "binance.gate.wait",
    description: "Milliseconds each request waited at the rate-limit gate"
  },
  gatePauses: {
    name: "binance.gate.pauses",
    description: "Answers that paused (429, 403) or banned (418) the rate-limit budget, by reason"
  }
} as const

/** The histograms' unit, carried as the tag (attribute) `unit`: neither edition's `Metric` has a unit field. */
export const UNIT = { key: "unit", value: "ms" } as const

/**
 * The histograms' buckets: milliseconds from 1 to about 33 s, doubling, so a loopback call, a Tokyo round trip and
 * a `Retry-After` wait each land in a bucket of their own.
 */
export const MILLISECOND_BUCKETS = { start: 1, factor: 2, count: 16 } as const

/** The `status` tag of a request's duration: its HTTP status, or `none` when no response arrived. */
export const statusTag = (status: number | undefined): string => status === undefined ? "none" : String(status)

/** The `reason` tag of `binance.gate.pauses` when this status paused (429, 403) or banned (418) the budget. */
export const pauseReason = (status: number | undefined): string | undefined =>
  status === 429 || status === 418 || status === 403 ? String(status) : undefined

/**
 * A builder memoised by key: recording builds each distinct tag set's labels (or series) once and reuses them,
 * so the hot path allocates nothing.
 */
export const memoByKey = <A>(): (key: string, build: () => A) => A => {
  const cache = new Map<string, A>()
  return (key, build) => {
    let cached = cache.get(key)
    if (cached === undefined) {
      cached = build()
      cache.set(key, cached)
    }
    return cached
  }
}
