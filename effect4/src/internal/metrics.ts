/**
 * The metrics of `BinanceMetrics`, and recording them: plain code, no Effect steps. Names, descriptions, unit and
 * buckets are the core's (`core/metrics.ts`), the same as the Effect 3 edition's.
 */
import type * as Context from "effect/Context"
import * as Metric from "effect/Metric"
import * as Metrics from "./core/metrics.js"
import * as PlainOptions from "./core/options.js"

const { METRICS } = Metrics

/** @internal */
export const millisecondBoundaries: ReadonlyArray<number> = Metric.exponentialBoundaries(Metrics.MILLISECOND_BUCKETS)

/** @internal */
export const unitMs: Metric.Metric.AttributeSet = { [Metrics.UNIT.key]: Metrics.UNIT.value }

/** @internal */
export const requests: Metric.Counter<number> = Metric.counter(METRICS.requests.name, {
  description: METRICS.requests.description,
  incremental: true
})

/** @internal */
export const requestDuration: Metric.Histogram<number> = Metric.histogram(METRICS.requestDuration.name, {
  description: METRICS.requestDuration.description,
  boundaries: millisecondBoundaries,
  attributes: unitMs
})

/** @internal */
export const retries: Metric.Counter<number> = Metric.counter(METRICS.retries.name, {
  description: METRICS.retries.description,
  incremental: true
})

/** @internal */
export const usedWeight: Metric.Gauge<number> = Metric.gauge(METRICS.usedWeight.name, {
  description: METRICS.usedWeight.description
})

/** @internal */
export const gateWait: Metric.Histogram<number> = Metric.histogram(METRICS.gateWait.name, {
  description: METRICS.gateWait.description,
  boundaries: millisecondBoundaries,
  attributes: unitMs
})

/** @internal */
export const gatePauses: Metric.Counter<number> = Metric.counter(METRICS.gatePauses.name, {
  description: METRICS.gatePauses.description,
  incremental: true
})

// One metric per distinct attribute set, built once and reused: each keeps its registry key cached, so recording
// allocates nothing on the hot path (`Metric.withAttributes` would add a context per update). They share the
// public metric's name, description and kind, so they are the same series as `withAttributes` would address.
const series = Metrics.memoByKey<Metric.Metric<number, unknown>>()

const counter = (base: Metric.Counter<number>, attributes: Metric.Metric.AttributeSet) =>
  Metric.counter(base.id, { description: base.description, incremental: true, attributes })

const histogram = (base: Metric.Histogram<number>, attributes: Metric.Metric.AttributeSet) =>
  Metric.histogram(base.id, {
    description: base.description,
    boundaries: millisecondBoundaries,
    attributes: { ...base.attributes, ...attributes }
  })

/** Records one request that was sent: its outcome, duration and, when the answer carried it, the used weight. */
export const recordRequestUnsafe = (
  context: Context.Context<never>,
  endpoint: string,
  outcome: string,
  status: number | undefined,
  durationMs: number,
  baseUrl: string,
  used: number | undefined
): void => {
  series(`r\0${endpoint}\0${outcome}`, () => counter(requests, { endpoint, outcome })).updateUnsafe(1, context)
  const statusText = Metrics.statusTag(status)
  series(`d\0${endpoint}\0${statusText}`, () => histogram(requestDuration, { endpoint, status: statusText }))
    .updateUnsafe(durationMs, context)
  if (used !== undefined) {
    const host = PlainOptions.hostOf(baseUrl)
    series(
      `w\0${host}`,
      () => Metric.gauge(usedWeight.id, { description: usedWeight.description, attributes: { host } })
    ).updateUnsafe(used, context)
  }
  const reason = Metrics.pauseReason(status)
  if (reason !== undefined) {
    series(`p\0${reason}`, () => counter(gatePauses, { reason })).updateUnsafe(1, context)
  }
}

/** Records one request sent again within a call. */
export const recordRetryUnsafe = (context: Context.Context<never>): void => retries.updateUnsafe(1, context)

/** Records how long one request was held at the gate before it was let through or refused. */
export const recordGateWaitUnsafe = (context: Context.Context<never>, ms: number): void =>
  gateWait.updateUnsafe(ms, context)
