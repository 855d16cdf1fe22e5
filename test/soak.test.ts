// The fault-injection soak at CI size: a few thousand calls through both APIs against misbehaving fakes, with
// a weight limit low enough that the gate holds calls back for the next minute. Every figure that must be zero
// is asserted; the rest proves the faults really happened. `npm run soak` runs the full size.
import { describe, expect, it } from "@effect/vitest"
import { runSoak, type SoakReport } from "../scripts/soak/run.js"
import { table, zeros } from "../scripts/soak/table.js"

const FAULTS = [
  "fault:respond 500",
  "fault:html502",
  "fault:serviceUnavailable",
  "fault:reset",
  "fault:truncate",
  "fault:delay",
  "fault:nonJson200",
  "fault:wrongSchema200",
  "fault:respond 429"
]

describe("soak: 3,000 calls, two APIs, faults at ~10% of requests", () => {
  let report: SoakReport

  it("runs to the end, every call accounted for", async () => {
    report = await runSoak({ calls: 3_000, weightLimit: 6_000, skewEveryMs: 8_000 })
    // The table goes to the output, so a red run says everything at once.
    console.info(table(report))
    for (const api of [report.effect, report.promise]) {
      expect(api.calls).toBe(1_500)
      const failed = Object.values(api.failures).reduce((a, b) => a + b, 0)
      expect(api.successes + failed + api.defects).toBe(api.calls)
      // Not vacuous: most calls got through the faults. (Calls held for a minute by the gate while the server's
      // clock moves twice can fail -1021 again after their one re-sync: typed, and counted above.)
      expect(api.successes).toBeGreaterThan(0.5 * api.calls)
    }
  }, 150_000)

  it("the faults were real: every kind was injected, clocks moved and were healed", () => {
    for (const fault of FAULTS) expect(report.verdicts[fault] ?? 0, fault).toBeGreaterThan(0)
    expect(report.skewChanges).toBeGreaterThan(0)
    const healed = (report.verdicts["-1021 timestamp-behind"] ?? 0) + (report.verdicts["-1021 timestamp-ahead"] ?? 0)
    expect(healed).toBeGreaterThan(0)
    expect(report.effect.rateLimited + report.promise.rateLimited).toBeGreaterThan(0)
  })

  it("zero defects, unhandled rejections, requests through a closed gate, 418s, over-limit 429s, leaks, open sockets", () => {
    expect(zeros(report)).toEqual({
      defects: 0,
      unhandledRejections: 0,
      sentWhileClosed: 0,
      bans418: 0,
      overLimit429: 0,
      secretLeaks: 0,
      socketsAfterClose: 0
    })
    // Everything was scanned: every error several ways and every log line.
    expect(report.scannedTexts).toBeGreaterThan(report.logLines)
  })
})
