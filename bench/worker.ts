// One Effect 3 row in a process of its own, as the Effect 4 rows run (bench/rows/remote.ts, bench/serveRow.ts): the
// bench's own process also holds ccxt's and the official SDK's code and garbage (and the official SDK's axios drives
// the same node:http this library sends with), which an app calling only this library does not.
//   node --import tsx bench/worker.ts <row id> <base URL> <api key> <secret key>
import { effectNode } from "./rows/effect.js"
import { promiseApi } from "./rows/promise.js"
import { serveRow } from "./serveRow.js"

serveRow([effectNode, promiseApi], process.argv.slice(2), "bench/worker.ts")
