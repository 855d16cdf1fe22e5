// One Effect 4 row in a process of its own, driven by bench/run.ts over IPC (bench/rows/remote.ts, bench/serveRow.ts).
// bench/rows/remote.ts runs it compiled to JavaScript (bench/rows/compiled.ts: no tsx in the measured process); by hand:
//   node --import tsx effect4/bench/worker.ts <row id> <base URL> <api key> <secret key>
import { floor } from "../../bench/rows/floor.js"
import { ccxtRow } from "../../bench/rows/peers.js"
import { serveRow } from "../../bench/serveRow.js"
import { EFFECT4_ROWS } from "./rows.js"

// Controls: the floor and ccxt (no Effect in either) measured the same way, in a process of their own, so an
// Effect 4 row's fresh, small heap is compared with theirs as well as with the shared process's rows.
const CONTROLS = [
  { ...floor, id: "floor-proc", label: "control: the floor, in a process of its own" },
  { ...ccxtRow, id: "ccxt-proc", label: "control: ccxt, in a process of its own" }
]

serveRow([...EFFECT4_ROWS, ...CONTROLS], process.argv.slice(2), "effect4/bench/worker.ts")
