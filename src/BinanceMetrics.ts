/**
 * The library's metrics, as Effect `Metric`s in the global metric registry: every call records them, whatever
 * exports them (`@effect/opentelemetry`'s `Metrics` layer, `Metric.snapshot`, or nothing at all). Tags hold
 * only the endpoint, an outcome tag, an HTTP status, a host or a pause reason: never a key, a signature, a URL
 * with its query, or proxy credentials.
 *
 * - `binance.requests` (counter): one per request sent; tags `endpoint` (`GET /fapi/v1/pmAccountInfo`) and
 *   `outcome` (`ok`, or the error's tag: `RateLimited`, `Timeout`, `TransportError`, …).
 * - `binance.request.duration` (histogram, ms): one per request sent; tags `endpoint` and `status` (the HTTP
 *   status, or `none` when no response arrived).
 * - `binance.retries` (counter): requests sent again within one call (retries and the re-send after a -1021).
 * - `binance.used_weight` (gauge): the last `X-MBX-USED-WEIGHT-1M`; tag `host` (`fapi.binance.com`).
 * - `binance.gate.wait` (histogram, ms): time each request spent held back at the rate-limit gate (0 when it
 *   went straight through).
 * - `binance.gate.pauses` (counter): answers that paused or banned the budget; tag `reason` (`429`, `418`,
 *   `403`).
 *
 * Recording is plain code on values the call already has (no extra Effect steps).
 *
 * @since 0.2.0
 */
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"

/**
 * Milliseconds from 1 to about 33 s, doubling: a loopback call, a Tokyo round trip and a `Retry-After` wait
 * each land in a bucket of their own.
 *
 * @since 0.2.0
 * @category Models
 */
export const millisecondBoundaries: MetricBoundaries.MetricBoundaries = MetricBoundaries.exponential({
  start: 1,
  factor: 2,
  count: 16
})

/**
 * @since 0.2.0
 * @category Metrics
 */
export const requests = Metric.counter("binance.requests", {
  description: "Requests sent to Binance, by endpoint and outcome (ok or the error tag)",
  incremental: true
})

/**
 * @since 0.2.0
 * @category Metrics
 */
export const requestDuration = Metric.histogram(
  "binance.request.duration",
  millisecondBoundaries,
  "Duration of each request to Binance in milliseconds, by endpoint and HTTP status"
)

/**
 * @since 0.2.0
 * @category Metrics
 */
export const retries = Metric.counter("binance.retries", {
  description: "Requests sent again within one call (retries, and the re-send after a -1021)",
  incremental: true
})

/**
 * @since 0.2.0
 * @category Metrics
 */
export const usedWeight = Metric.gauge("binance.used_weight", {
  description: "The last X-MBX-USED-WEIGHT-1M Binance reported, by host"
})

/**
 * @since 0.2.0
 * @category Metrics
 */
export const gateWait = Metric.histogram(
  "binance.gate.wait",
  millisecondBoundaries,
  "Milliseconds each request waited at the rate-limit gate"
)

/**
 * @since 0.2.0
 * @category Metrics
 */
export const gatePauses = Metric.counter("binance.gate.pauses", {
  description: "Answers that paused (429, 403) or banned (418) the rate-limit budget, by reason",
  incremental: true
})
