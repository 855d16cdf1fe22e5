/** Recording the metrics of `BinanceMetrics`: plain code, no Effect steps. */
import type * as Context from "effect/Context"
import * as Metric from "effect/Metric"
import * as BinanceMetrics from "../BinanceMetrics.js"
import * as PlainOptions from "./core/options.js"

// One metric per distinct attribute set, built once and reused: each keeps its registry key cached, so recording
// allocates nothing on the hot path (`Metric.withAttributes` would add a context per update). They share the
// public metric's name, description and kind, so they are the same series as `withAttributes` would address.
const seriesCache = new Map<string, Metric.Metric<number, unknown>>()
const series = (
  key: string,
  build: () => Metric.Metric<number, unknown>
): Metric.Metric<number, unknown> => {
  let cached = seriesCache.get(key)
  if (cached === undefined) {
    cached = build()
    seriesCache.set(key, cached)
  }
  return cached
}

const counter = (base: Metric.Counter<number>, attributes: Metric.Metric.AttributeSet) =>
  Metric.counter(base.id, { description: base.description, incremental: true, attributes })

const histogram = (base: Metric.Histogram<number>, attributes: Metric.Metric.AttributeSet) =>
  Metric.histogram(base.id, {
    description: base.description,
    boundaries: BinanceMetrics.millisecondBoundaries,
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
  series(`r\0${endpoint}\0${outcome}`, () => counter(BinanceMetrics.requests, { endpoint, outcome }))
    .updateUnsafe(1, context)
  const statusText = status === undefined ? "none" : String(status)
  series(
    `d\0${endpoint}\0${statusText}`,
    () => histogram(BinanceMetrics.requestDuration, { endpoint, status: statusText })
  ).updateUnsafe(durationMs, context)
  if (used !== undefined) {
    const host = PlainOptions.hostOf(baseUrl)
    series(
      `w\0${host}`,
      () =>
        Metric.gauge(BinanceMetrics.usedWeight.id, {
          description: BinanceMetrics.usedWeight.description,
          attributes: { host }
        })
    ).updateUnsafe(used, context)
  }
  if (status === 429 || status === 418 || status === 403) {
    const reason = String(status)
    series(`p\0${reason}`, () => counter(BinanceMetrics.gatePauses, { reason })).updateUnsafe(1, context)
  }
}

/** Records one request sent again within a call. */
export const recordRetryUnsafe = (context: Context.Context<never>): void =>
  BinanceMetrics.retries.updateUnsafe(1, context)

/** Records how long one request was held at the gate before it was let through or refused. */
export const recordGateWaitUnsafe = (context: Context.Context<never>, ms: number): void =>
  BinanceMetrics.gateWait.updateUnsafe(ms, context)
