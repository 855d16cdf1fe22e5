/**
 * The watcher's metrics with no Effect: names, descriptions and tag values, for each edition to build its `Metric`s
 * from.
 */
import type { Reason } from "./schedule.js"

export const WATCH_METRICS = {
  reads: {
    name: "binance.watch.reads",
    description:
      "pmAccountInfo reads the watcher sent, by reason (routine, fresh, stream) and outcome (ok or the error tag)"
  },
  assetAge: {
    name: "binance.watch.asset_age",
    description: "How old each watched asset's figure is, in milliseconds (-1 before its first read), by asset"
  },
  streamUp: {
    name: "binance.watch.stream_up",
    description: "1 while the user-data stream is connected, 0 while it is down (polling covers the gap)"
  }
} as const

/** The tags of one read: why it was sent, and how it ended. */
export const readTags = (reason: Reason, outcome: string): ReadonlyArray<readonly [string, string]> => [
  ["reason", reason],
  ["outcome", outcome]
]
