/**
 * The watcher's metrics as Effect `Metric`s (names from core/watch/metrics.ts), and recording them.
 */
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as Metrics from "../core/metrics.js"
import { readTags, WATCH_METRICS } from "../core/watch/metrics.js"
import type * as ScheduleRules from "../core/watch/schedule.js"

/** @internal */
export const reads = Metric.counter(WATCH_METRICS.reads.name, {
  description: WATCH_METRICS.reads.description,
  incremental: true
})

/** @internal */
export const assetAge = Metric.gauge(WATCH_METRICS.assetAge.name, { description: WATCH_METRICS.assetAge.description })
  .pipe(Metric.tagged(Metrics.UNIT.key, Metrics.UNIT.value))

/** @internal */
export const streamUp = Metric.gauge(WATCH_METRICS.streamUp.name, { description: WATCH_METRICS.streamUp.description })

/** @internal */
export const recordRead = (reason: ScheduleRules.Reason, outcome: string): Effect.Effect<void> =>
  Metric.increment(readTags(reason, outcome).reduce((metric, [key, value]) => Metric.tagged(metric, key, value), reads))

/**
 * Records each asset's age; `ages` are in the order of `assets`, whose gauges are tagged once, not at every wake.
 *
 * @internal
 */
export const ageRecorder = (
  assets: ReadonlyArray<string>
): (ages: ReadonlyArray<ScheduleRules.Age>) => Effect.Effect<void> => {
  const gauges = assets.map((asset) => Metric.tagged(assetAge, "asset", asset))
  return (ages) => Effect.forEach(ages, (age, index) => Metric.set(gauges[index]!, age.ageMs ?? -1), { discard: true })
}

/** @internal */
export const recordStream = (up: boolean): Effect.Effect<void> => Metric.set(streamUp, up ? 1 : 0)
