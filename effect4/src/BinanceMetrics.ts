/**
 * The library's metrics, as Effect `Metric`s: every call records them in the fiber's `Metric.MetricRegistry`
 * (Effect's process-wide one unless you provide another), whatever exports them (`@effect/opentelemetry`'s
 * `OtelMetrics`, `effect/observability`'s `OtlpMetrics` or `PrometheusMetrics`, `Metric.snapshot`, or nothing at
 * all). Attributes hold only the endpoint, an outcome tag, an HTTP status, a host or a pause reason: never a
 * key, a signature, a URL with its query, or proxy credentials.
 *
 * - `binance.requests` (counter): one per request sent; attributes `endpoint` (`GET /fapi/v1/pmAccountInfo`)
 *   and `outcome` (`ok`, or the error's tag: `RateLimited`, `Timeout`, `TransportError`, …).
 * - `binance.request.duration` (histogram, ms): one per request sent; attributes `endpoint` and `status` (the
 *   HTTP status, or `none` when no response arrived).
 * - `binance.retries` (counter): requests sent again within one call (retries and the re-send after a -1021).
 * - `binance.used_weight` (gauge): the last `X-MBX-USED-WEIGHT-1M`; attribute `host` (`fapi.binance.com`).
 * - `binance.gate.wait` (histogram, ms): time each request spent held back at the rate-limit gate (0 when it
 *   went straight through).
 * - `binance.gate.pauses` (counter): answers that paused or banned the budget; attribute `reason` (`429`,
 *   `418`, `403`).
 * - `binance.watch.reads` (counter): the reads watchers sent (`Watch`); attributes `reason` (`routine`,
 *   `fresh`, `stream`) and `outcome` (`ok` or the error's tag).
 * - `binance.watch.asset_age` (gauge, ms): how old each watched asset's figure is (-1 before its first read);
 *   attribute `asset`.
 * - `binance.watch.stream_up` (gauge): 1 while a watcher's user-data stream is connected, 0 while it is down.
 *
 * Effect 4's `Metric` has no unit field: the two histograms and `binance.watch.asset_age` carry the attribute
 * `unit: "ms"`, the convention its exporters read (OTLP and OpenTelemetry take it as the instrument's unit;
 * `PrometheusMetrics` leaves it out of the labels).
 *
 * Recording is plain code on values the call already has (no extra Effect steps).
 *
 * @since 1.0.0
 */
import type * as Metric from "effect/Metric"
import * as Base from "./internal/metrics.js"
import * as WatchMetrics from "./internal/watch/metrics.js"

/**
 * Milliseconds from 1 to about 33 s, doubling: a loopback call, a Tokyo round trip and a `Retry-After` wait
 * each land in a bucket of their own.
 *
 * @since 1.0.0
 * @category Models
 */
export const millisecondBoundaries: ReadonlyArray<number> = Base.millisecondBoundaries

/**
 * The attribute that names the histograms' unit (Effect 4's convention: `Metric` has no unit field).
 *
 * @since 1.0.0
 * @category Models
 */
export const unitMs: Metric.Metric.AttributeSet = Base.unitMs

/**
 * @since 1.0.0
 * @category Metrics
 */
export const requests: Metric.Counter<number> = Base.requests

/**
 * @since 1.0.0
 * @category Metrics
 */
export const requestDuration: Metric.Histogram<number> = Base.requestDuration

/**
 * @since 1.0.0
 * @category Metrics
 */
export const retries: Metric.Counter<number> = Base.retries

/**
 * @since 1.0.0
 * @category Metrics
 */
export const usedWeight: Metric.Gauge<number> = Base.usedWeight

/**
 * @since 1.0.0
 * @category Metrics
 */
export const gateWait: Metric.Histogram<number> = Base.gateWait

/**
 * @since 1.0.0
 * @category Metrics
 */
export const gatePauses: Metric.Counter<number> = Base.gatePauses

/**
 * `binance.watch.reads`, the same metric as `Watch.reads`.
 *
 * @since 1.0.0
 * @category Metrics
 */
export const watchReads: Metric.Counter<number> = WatchMetrics.reads

/**
 * `binance.watch.asset_age`, the same metric as `Watch.assetAge`.
 *
 * @since 1.0.0
 * @category Metrics
 */
export const watchAssetAge: Metric.Gauge<number> = WatchMetrics.assetAge

/**
 * `binance.watch.stream_up`, the same metric as `Watch.streamUp`.
 *
 * @since 1.0.0
 * @category Metrics
 */
export const watchStreamUp: Metric.Gauge<number> = WatchMetrics.streamUp
