// One Effect 3 row in a process of its own, as the Effect 4 rows run (bench/rows/remote.ts, bench/serveRow.ts): the
// shared process also holds ccxt's and the official SDK's code and garbage, which an app calling only this library
// does not.
//   node --import tsx bench/worker.ts <row id> <base URL> <api key> <secret key>
import { effectNode } from "./rows/effect.js"
import { promiseApi } from "./rows/promise.js"
import { serveRow } from "./serveRow.js"

serveRow(
  [
    { ...effectNode, id: "effect-node-proc", label: `${effectNode.label}, in a process of its own` },
    { ...promiseApi, id: "promise-proc", label: `${promiseApi.label}, in a process of its own` }
  ],
  process.argv.slice(2),
  "bench/worker.ts"
)
