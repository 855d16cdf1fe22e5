// One Effect 4 row in a process of its own, driven by bench/run.ts over IPC (bench/rows/remote.ts): the
// parent says what to run (warm-up, n sequential calls, n calls with k in flight) and this process measures
// it with the same primitives (bench/measure.ts), its own process.cpuUsage.
//   node --import tsx effect4/bench/worker.ts <row id> <base URL> <api key> <secret key>
import { concurrent, sequential } from "../../bench/measure.js"
import { floor } from "../../bench/rows/floor.js"
import { ccxtRow } from "../../bench/rows/peers.js"
import { EFFECT4_ROWS } from "./rows.js"

export type Command =
  | { readonly op: "warmup"; readonly n: number; readonly par: number; readonly inFlight: number }
  | { readonly op: "sequential"; readonly n: number }
  | { readonly op: "concurrent"; readonly total: number; readonly inFlight: number }
  | { readonly op: "close" }

// Controls: the floor and ccxt (no Effect in either) measured the same way, in a process of their own, so an
// Effect 4 row's fresh, small heap is compared with theirs as well as with the shared process's rows.
const CONTROLS = [
  { ...floor, id: "floor-proc", label: "control: the floor, in a process of its own" },
  { ...ccxtRow, id: "ccxt-proc", label: "control: ccxt, in a process of its own" }
]
const ROWS = [...EFFECT4_ROWS, ...CONTROLS]

const [id, baseUrl, apiKey, secretKey] = process.argv.slice(2)
const spec = ROWS.find((s) => s.id === id)
if (spec === undefined || baseUrl === undefined || apiKey === undefined || secretKey === undefined) {
  process.stderr.write(`usage: worker.ts <${ROWS.map((s) => s.id).join("|")}> <baseUrl> <apiKey> <secret>\n`)
  process.exit(2)
}
const send = (message: unknown) => process.send!(message)

const main = async () => {
  const row = await spec.make({ baseUrl, apiKey, secretKey })
  send({ ready: { id: spec.id, label: spec.label } })
  process.on("message", (command: Command) => {
    const run = async (): Promise<unknown> => {
      switch (command.op) {
        case "warmup":
          for (let i = 0; i < command.n; i++) await row.call()
          await concurrent(row.call, command.par, command.inFlight)
          return null
        case "sequential":
          return sequential(row.call, command.n)
        case "concurrent":
          return concurrent(row.call, command.total, command.inFlight)
        case "close":
          await row.close()
          return null
      }
    }
    run().then(
      (result) => {
        send({ result })
        if (command.op === "close") process.disconnect()
      },
      (error: unknown) => send({ error: error instanceof Error ? error.stack ?? error.message : String(error) })
    )
  })
}

main().catch((error: unknown) => {
  send({ error: error instanceof Error ? error.stack ?? error.message : String(error) })
  process.exit(1)
})
