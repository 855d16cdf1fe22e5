/**
 * The metrics of `BinanceMetrics`, and recording them: plain code, no Effect steps. The histograms are recorded
 * untagged here, with label arrays that start with their `unit` tag: the same series as the public, `unit`-tagged
 * metrics address, without `Metric.tagged`'s new array (and so its metric-hook lookup) on every update.
 */
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import * as MetricLabel from "effect/MetricLabel"
import * as Metrics from "./core/metrics.js"
import * as PlainOptions from "./core/options.js"

const { METRICS } = Metrics

/** @internal */
export const millisecondBoundaries: MetricBoundaries.MetricBoundaries = MetricBoundaries.exponential(
  Metrics.MILLISECOND_BUCKETS
)

/** @internal */
export const requests = Metric.counter(METRICS.requests.name, {
  description: METRICS.requests.description,
  incremental: true
})

/** Untagged: `BinanceMetrics.requestDuration` is this with `unit: "ms"`. @internal */
export const requestDuration = Metric.histogram(
  METRICS.requestDuration.name,
  millisecondBoundaries,
  METRICS.requestDuration.description
)

/** @internal */
export const retries = Metric.counter(METRICS.retries.name, {
  description: METRICS.retries.description,
  incremental: true
})

/** @internal */
export const usedWeight = Metric.gauge(METRICS.usedWeight.name, { description: METRICS.usedWeight.description })

/** Untagged: `BinanceMetrics.gateWait` is this with `unit: "ms"`. @internal */
export const gateWait = Metric.histogram(METRICS.gateWait.name, millisecondBoundaries, METRICS.gateWait.description)

/** @internal */
export const gatePauses = Metric.counter(METRICS.gatePauses.name, {
  description: METRICS.gatePauses.description,
  incremental: true
})

/** Adds the `unit: "ms"` tag: what the public histograms are, and what the exporters read as their unit. */
export const withUnit = (histogram: Metric.Metric.Histogram<number>): Metric.Metric.Histogram<number> =>
  histogram.pipe(Metric.tagged(Metrics.UNIT.key, Metrics.UNIT.value))

const UNIT_MS = MetricLabel.make(Metrics.UNIT.key, Metrics.UNIT.value)

const labels = Metrics.memoByKey<ReadonlyArray<MetricLabel.MetricLabel>>()

/** Records one request that was sent: its outcome, duration and, when the answer carried it, the used weight. */
export const unsafeRecordRequest = (
  endpoint: string,
  outcome: string,
  status: number | undefined,
  durationMs: number,
  baseUrl: string,
  used: number | undefined
): void => {
  requests.unsafeUpdate(
    1,
    labels(`r\0${endpoint}\0${outcome}`, () => [
      MetricLabel.make("endpoint", endpoint),
      MetricLabel.make("outcome", outcome)
    ])
  )
  const statusText = Metrics.statusTag(status)
  requestDuration.unsafeUpdate(
    durationMs,
    labels(`d\0${endpoint}\0${statusText}`, () => [
      UNIT_MS,
      MetricLabel.make("endpoint", endpoint),
      MetricLabel.make("status", statusText)
    ])
  )
  if (used !== undefined) {
    const host = PlainOptions.hostOf(baseUrl)
    usedWeight.unsafeUpdate(used, labels(`w\0${host}`, () => [MetricLabel.make("host", host)]))
  }
  const reason = Metrics.pauseReason(status)
  if (reason !== undefined) {
    gatePauses.unsafeUpdate(1, labels(`p\0${reason}`, () => [MetricLabel.make("reason", reason)]))
  }
}

const NO_LABELS: ReadonlyArray<MetricLabel.MetricLabel> = []

export const unsafeRecordRetry = (): void => retries.unsafeUpdate(1, NO_LABELS)

const GATE_WAIT_LABELS: ReadonlyArray<MetricLabel.MetricLabel> = [UNIT_MS]

export const unsafeRecordGateWait = (ms: number): void => gateWait.unsafeUpdate(ms, GATE_WAIT_LABELS)
