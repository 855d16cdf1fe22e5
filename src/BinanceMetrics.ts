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
 * - `binance.watch.reads` (counter): the reads watchers sent (`Watch`); tags `reason` (`routine`, `fresh`,
 *   `stream`) and `outcome` (`ok` or the error's tag).
 * - `binance.watch.asset_age` (gauge, ms): how old each watched asset's figure is (-1 before its first read); tag
 *   `asset`.
 * - `binance.watch.stream_up` (gauge): 1 while a watcher's user-data stream is connected, 0 while it is down.
 *
 * Effect 3's `Metric` has no unit field: the two histograms and `binance.watch.asset_age` carry the tag
 * `unit: "ms"`, which the OpenTelemetry exporter takes as the instrument's unit (`# UNIT binance_request_duration
 * ms` in Prometheus' text format; the tag is also a label of the series), as the Effect 4 edition's `unit`
 * attribute does.
 *
 * Recording is plain code on values the call already has (no extra Effect steps).
 *
 * @since 0.2.0
 */
import type * as Metric from "effect/Metric"
import type * as MetricBoundaries from "effect/MetricBoundaries"
import * as Base from "./internal/metrics.js"
import * as WatchMetrics from "./internal/watch/metrics.js"

/**
 * Milliseconds from 1 to about 33 s, doubling: a loopback call, a Tokyo round trip and a `Retry-After` wait
 * each land in a bucket of their own.
 *
 * @since 0.2.0
 * @category Models
 */
export const millisecondBoundaries: MetricBoundaries.MetricBoundaries = Base.millisecondBoundaries

/**
 * @since 0.2.0
 * @category Metrics
 */
export const requests: Metric.Metric.Counter<number> = Base.requests

/**
 * @since 0.2.0
 * @category Metrics
 */
export const requestDuration: Metric.Metric.Histogram<number> = Base.withUnit(Base.requestDuration)

/**
 * @since 0.2.0
 * @category Metrics
 */
export const retries: Metric.Metric.Counter<number> = Base.retries

/**
 * @since 0.2.0
 * @category Metrics
 */
export const usedWeight: Metric.Metric.Gauge<number> = Base.usedWeight

/**
 * @since 0.2.0
 * @category Metrics
 */
export const gateWait: Metric.Metric.Histogram<number> = Base.withUnit(Base.gateWait)

/**
 * @since 0.2.0
 * @category Metrics
 */
export const gatePauses: Metric.Metric.Counter<number> = Base.gatePauses

/**
 * `binance.watch.reads`, the same metric as `Watch.reads`.
 *
 * @since 0.2.0
 * @category Metrics
 */
export const watchReads: Metric.Metric.Counter<number> = WatchMetrics.reads

/**
 * `binance.watch.asset_age`, the same metric as `Watch.assetAge`.
 *
 * @since 0.2.0
 * @category Metrics
 */
export const watchAssetAge: Metric.Metric.Gauge<number> = WatchMetrics.assetAge

/**
 * `binance.watch.stream_up`, the same metric as `Watch.streamUp`.
 *
 * @since 0.2.0
 * @category Metrics
 */
export const watchStreamUp: Metric.Metric.Gauge<number> = WatchMetrics.streamUp
