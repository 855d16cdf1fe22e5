// The metrics' plain rules (src/internal/core/metrics.ts), shared by both editions: names and buckets, the tag
// values a request is recorded under, and the memo that keeps recording allocation-free.
import { describe, expect, it } from "@effect/vitest"
import * as Metrics from "../src/internal/core/metrics.js"

describe("metric names", () => {
  it("are the documented ones, each with a description", () => {
    expect(Object.values(Metrics.METRICS).map((m) => m.name)).toEqual([
      "binance.requests",
      "binance.request.duration",
      "binance.retries",
      "binance.used_weight",
      "binance.gate.wait",
      "binance.gate.pauses"
    ])
    for (const m of Object.values(Metrics.METRICS)) expect(m.description.length).toBeGreaterThan(20)
    expect(Metrics.UNIT).toEqual({ key: "unit", value: "ms" })
    expect(Metrics.MILLISECOND_BUCKETS).toEqual({ start: 1, factor: 2, count: 16 })
  })
})

describe("statusTag", () => {
  it("is the HTTP status, or none when no response arrived", () => {
    expect(Metrics.statusTag(undefined)).toBe("none")
    expect(Metrics.statusTag(200)).toBe("200")
    expect(Metrics.statusTag(0)).toBe("0")
  })
})

describe("pauseReason", () => {
  it("is the status of an answer that paused (429, 403) or banned (418) the budget", () => {
    expect(Metrics.pauseReason(429)).toBe("429")
    expect(Metrics.pauseReason(418)).toBe("418")
    expect(Metrics.pauseReason(403)).toBe("403")
  })

  it("is nothing for any other status, or none", () => {
    for (const status of [undefined, 0, 200, 400, 401, 402, 404, 417, 419, 428, 430, 500, 503]) {
      expect(Metrics.pauseReason(status)).toBeUndefined()
    }
  })
})

describe("memoByKey", () => {
  it("builds once per key and hands back the same value after", () => {
    const memo = Metrics.memoByKey<{ readonly key: string }>()
    let built = 0
    const build = (key: string) => () => {
      built++
      return { key }
    }
    const a = memo("a", build("a"))
    expect(memo("a", build("other"))).toBe(a)
    expect(a.key).toBe("a")
    const b = memo("b", build("b"))
    expect(b).not.toBe(a)
    expect(b.key).toBe("b")
    expect(built).toBe(2)
  })

  it("keeps each memo's values apart", () => {
    const one = Metrics.memoByKey<number>()
    const two = Metrics.memoByKey<number>()
    expect(one("k", () => 1)).toBe(1)
    expect(two("k", () => 2)).toBe(2)
  })
})
