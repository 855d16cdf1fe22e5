// `node --import tsx bench/metrics.ts`: what recording the metrics costs per call, in ns. A call records one
// request (counter, histogram, gauge), one gate wait, and nothing more unless it retries.
import * as Metrics from "../src/internal/metrics.js"

const N = 1_000_000
const endpoint = "GET /fapi/v1/pmAccountInfo"
const run = () => {
  const start = process.hrtime.bigint()
  for (let i = 0; i < N; i++) {
    Metrics.unsafeRecordGateWait(0)
    Metrics.unsafeRecordRequest(endpoint, "ok", 200, 3, "https://fapi.binance.com", 5)
  }
  return Number(process.hrtime.bigint() - start) / N
}
run() // warm-up
const samples = [run(), run(), run()].sort((a, b) => a - b)
process.stdout.write(
  `metrics recording per call: median ${samples[1]!.toFixed(0)} ns (runs: ${
    samples.map((s) => s.toFixed(0)).join(", ")
  })\n`
)
