// One Effect 3 row in a process of its own, as the Effect 4 rows run (bench/rows/remote.ts, bench/serveRow.ts): the
// bench's own process also holds ccxt's and the official SDK's code and garbage (and the official SDK's axios drives
// the same node:http this library sends with), which an app calling only this library does not.
// bench/rows/remote.ts runs it compiled to JavaScript (bench/rows/compiled.ts: no tsx in the measured process); by hand:
//   node --import tsx bench/worker.ts <row id> <base URL> <api key> <secret key>
import type { RowSpec } from "./rows/types.js"
import { serveRow } from "./serveRow.js"

// Only the row served is loaded: a Promise API caller's process holds no Effect API program, nor its platform layers.
const ROWS: Record<string, () => Promise<RowSpec>> = {
  "effect-node": async () => (await import("./rows/effect.js")).effectNode,
  promise: async () => (await import("./rows/promise.js")).promiseApi
}
const load = ROWS[process.argv[2] ?? ""]
if (load === undefined) {
  process.stderr.write(`usage: bench/worker.ts <${Object.keys(ROWS).join("|")}> <baseUrl> <apiKey> <secret>\n`)
  process.exit(2)
}
serveRow([await load()], process.argv.slice(2), "bench/worker.ts")
