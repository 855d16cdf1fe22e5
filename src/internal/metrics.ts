/**
 * The metrics of `BinanceMetrics`, and recording them: plain code, no Effect steps. The histograms are recorded
 * untagged here, with label arrays that start with their `unit` tag: the same series as the public, `unit`-tagged
 * metrics address, without `Metric.tagged`'s new array (and so its metric-hook lookup) on every update.
 */
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import * as MetricLabel from "effect/MetricLabel"
import * as PlainOptions from "./core/options.js"

/** @internal */
export const millisecondBoundaries: MetricBoundaries.MetricBoundaries = MetricBoundaries.exponential({
  start: 1,
  factor: 2,
  count: 16
})

/** @internal */
export const requests = Metric.counter("binance.requests", {
  description: "Requests sent to Binance, by endpoint and outcome (ok or the error tag)",
  incremental: true
})

/** Untagged: `BinanceMetrics.requestDuration` is this with `unit: "ms"`. @internal */
export const requestDuration = Metric.histogram(
  "binance.request.duration",
  millisecondBoundaries,
  "Duration of each request to Binance in milliseconds, by endpoint and HTTP status"
)

/** @internal */
export const retries = Metric.counter("binance.retries", {
  description: "Requests sent again within one call (retries, and the re-send after a -1021)",
  incremental: true
})

/** @internal */
export const usedWeight = Metric.gauge("binance.used_weight", {
  description: "The last X-MBX-USED-WEIGHT-1M Binance reported, by host"
})

/** Untagged: `BinanceMetrics.gateWait` is this with `unit: "ms"`. @internal */
export const gateWait = Metric.histogram(
  "binance.gate.wait",
  millisecondBoundaries,
  "Milliseconds each request waited at the rate-limit gate"
)

/** @internal */
export const gatePauses = Metric.counter("binance.gate.pauses", {
  description: "Answers that paused (429, 403) or banned (418) the rate-limit budget, by reason",
  incremental: true
})

const UNIT_MS = MetricLabel.make("unit", "ms")

// Label arrays are built once per distinct value and reused: recording allocates nothing on the hot path.
const labelCache = new Map<string, ReadonlyArray<MetricLabel.MetricLabel>>()
const labels = (key: string, build: () => ReadonlyArray<MetricLabel.MetricLabel>) => {
  let cached = labelCache.get(key)
  if (cached === undefined) {
    cached = build()
    labelCache.set(key, cached)
  }
  return cached
}

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
  const statusText = status === undefined ? "none" : String(status)
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
  if (status === 429 || status === 418 || status === 403) {
    const reason = String(status)
    gatePauses.unsafeUpdate(1, labels(`p\0${reason}`, () => [MetricLabel.make("reason", reason)]))
  }
}

const NO_LABELS: ReadonlyArray<MetricLabel.MetricLabel> = []

export const unsafeRecordRetry = (): void => retries.unsafeUpdate(1, NO_LABELS)

const GATE_WAIT_LABELS: ReadonlyArray<MetricLabel.MetricLabel> = [UNIT_MS]

export const unsafeRecordGateWait = (ms: number): void => gateWait.unsafeUpdate(ms, GATE_WAIT_LABELS)
