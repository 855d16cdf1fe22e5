// `node --import tsx effect4/bench/metrics.ts`: what recording the Effect 4 edition's metrics costs per call, in ns
// (bench/metrics.ts measures the Effect 3 edition's the same way). A call records one request (counter, histogram,
// gauge), one gate wait, and nothing more unless it retries; into the process-wide registry, as in an app.
import * as Context from "effect/Context"
import * as Metrics from "../src/internal/metrics.js"

const N = 1_000_000
const endpoint = "GET /fapi/v1/pmAccountInfo"
const context = Context.empty()
const run = () => {
  const start = process.hrtime.bigint()
  for (let i = 0; i < N; i++) {
    Metrics.recordGateWaitUnsafe(context, 0)
    Metrics.recordRequestUnsafe(context, endpoint, "ok", 200, 3, "https://fapi.binance.com", 5)
  }
  return Number(process.hrtime.bigint() - start) / N
}
run() // warm-up
const samples = [run(), run(), run()].sort((a, b) => a - b)
process.stdout.write(
  `Effect 4 metrics recording per call: median ${samples[1]!.toFixed(0)} ns (runs: ${
    samples.map((s) => s.toFixed(0)).join(", ")
  })\n`
)
