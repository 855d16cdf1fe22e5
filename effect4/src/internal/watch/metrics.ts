/**
 * The watcher's metrics as Effect `Metric`s (names from core/watch/metrics.ts), and recording them.
 */
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as Metrics from "../core/metrics.js"
import { readTags, WATCH_METRICS } from "../core/watch/metrics.js"
import type * as ScheduleRules from "../core/watch/schedule.js"

/** @internal */
export const reads: Metric.Counter<number> = Metric.counter(WATCH_METRICS.reads.name, {
  description: WATCH_METRICS.reads.description,
  incremental: true
})

/** @internal */
export const assetAge: Metric.Gauge<number> = Metric.gauge(WATCH_METRICS.assetAge.name, {
  description: WATCH_METRICS.assetAge.description,
  attributes: { [Metrics.UNIT.key]: Metrics.UNIT.value }
})

/** @internal */
export const streamUp: Metric.Gauge<number> = Metric.gauge(WATCH_METRICS.streamUp.name, {
  description: WATCH_METRICS.streamUp.description
})

// One series per attribute set, built once: a read's reason and outcome take a handful of values.
const readSeries = new Map<string, Metric.Counter<number>>()

/** @internal */
export const recordRead = (reason: ScheduleRules.Reason, outcome: string): Effect.Effect<void> =>
  Effect.suspend(() => {
    const key = `${reason}\u0000${outcome}`
    let series = readSeries.get(key)
    if (series === undefined) {
      series = Metric.withAttributes(reads, Object.fromEntries(readTags(reason, outcome)))
      readSeries.set(key, series)
    }
    return Metric.update(series, 1)
  })

/**
 * Records each asset's age; `ages` are in the order of `assets`, whose gauges are tagged once, not at every wake.
 *
 * @internal
 */
export const ageRecorder = (
  assets: ReadonlyArray<string>
): (ages: ReadonlyArray<ScheduleRules.Age>) => Effect.Effect<void> => {
  const gauges = assets.map((asset) => Metric.withAttributes(assetAge, { asset }))
  return (ages) =>
    Effect.forEach(ages, (age, index) => Metric.update(gauges[index]!, age.ageMs ?? -1), { discard: true })
}

/** @internal */
export const recordStream = (up: boolean): Effect.Effect<void> => Metric.update(streamUp, up ? 1 : 0)
