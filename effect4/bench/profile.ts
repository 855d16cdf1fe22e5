// One Effect 4 row, N sequential calls after a warm-up, for `node --cpu-prof` (docs/performance.md):
//   node bench/server.mjs 18999 &
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx effect4/bench/profile.ts effect4-node \
//     http://127.0.0.1:18999 [calls]
import { EFFECT4_ROWS } from "./rows.js"

const [id, baseUrl, callsArg] = process.argv.slice(2)
const spec = EFFECT4_ROWS.find((s) => s.id === id)
if (spec === undefined || baseUrl === undefined) {
  process.stderr.write(`usage: profile.ts <${EFFECT4_ROWS.map((s) => s.id).join("|")}> <baseUrl> [calls]\n`)
  process.exit(2)
}
const row = await spec.make({
  baseUrl,
  apiKey: "bench-api-key",
  secretKey: "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9"
})
for (let i = 0; i < 1_000; i++) await row.call()
const calls = Number(callsArg ?? 10_000)
const start = process.cpuUsage()
for (let i = 0; i < calls; i++) await row.call()
const used = process.cpuUsage(start)
process.stderr.write(`${id}: ${((used.user + used.system) / calls).toFixed(1)} µs CPU per call\n`)
await row.close()
