// One Effect 4 row in a process of its own, driven by bench/run.ts over IPC (bench/rows/remote.ts): the
// parent says what to run (warm-up, n sequential calls, n calls with k in flight) and this process measures
// it with the same primitives (bench/measure.ts), its own process.cpuUsage.
//   node --import tsx effect4/bench/worker.ts <row id> <base URL> <api key> <secret key>
import { concurrent, sequential } from "../../bench/measure.js"
import { EFFECT4_ROWS } from "./rows.js"

export type Command =
  | { readonly op: "warmup"; readonly n: number; readonly par: number; readonly inFlight: number }
  | { readonly op: "sequential"; readonly n: number }
  | { readonly op: "concurrent"; readonly total: number; readonly inFlight: number }
  | { readonly op: "close" }

const [id, baseUrl, apiKey, secretKey] = process.argv.slice(2)
const spec = EFFECT4_ROWS.find((s) => s.id === id)
if (spec === undefined || baseUrl === undefined || apiKey === undefined || secretKey === undefined) {
  process.stderr.write(`usage: worker.ts <${EFFECT4_ROWS.map((s) => s.id).join("|")}> <baseUrl> <apiKey> <secret>\n`)
  process.exit(2)
}
const send = (message: unknown) => process.send!(message)

const main = async () => {
  const row = await spec.make({ baseUrl, apiKey, secretKey })
  send({ ready: { id: row.id, label: row.label } })
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
