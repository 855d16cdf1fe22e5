// The watcher's metrics with no Effect (src/internal/core/watch/metrics.ts): the documented names, and the tags a
// read is recorded under.
import { describe, expect, it } from "@effect/vitest"
import * as WatchMetrics from "../src/internal/core/watch/metrics.js"

describe("core/watch/metrics", () => {
  it("the documented names, each with a description", () => {
    expect(Object.values(WatchMetrics.WATCH_METRICS).map((m) => m.name)).toEqual([
      "binance.watch.reads",
      "binance.watch.asset_age",
      "binance.watch.stream_up"
    ])
    for (const metric of Object.values(WatchMetrics.WATCH_METRICS)) {
      expect(metric.description.length).toBeGreaterThan(20)
    }
  })

  it("a read is tagged with why it was sent and how it ended, in that order", () => {
    expect(WatchMetrics.readTags("fresh", "RateLimited")).toEqual([["reason", "fresh"], ["outcome", "RateLimited"]])
    expect(WatchMetrics.readTags("stream", "ok")).toEqual([["reason", "stream"], ["outcome", "ok"]])
  })
})
