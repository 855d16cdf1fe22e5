// One row in a process of its own, driven by bench/run.ts over IPC (bench/rows/remote.ts): the parent says what to
// run (warm-up, n sequential calls, n calls with k in flight) and this process measures it with the same primitives
// (bench/measure.ts), its own process.cpuUsage. Used by bench/worker.ts (Effect 3 rows) and effect4/bench/worker.ts.
import { concurrent, sequential } from "./measure.js"
import type { RowSpec } from "./rows/types.js"

export type Command =
  | { readonly op: "warmup"; readonly n: number; readonly par: number; readonly inFlight: number }
  | { readonly op: "sequential"; readonly n: number }
  | { readonly op: "concurrent"; readonly total: number; readonly inFlight: number }
  | { readonly op: "close" }

/** Serves the row of `argv`'s id (`<row id> <base URL> <api key> <secret key>`) among `rows`. */
export const serveRow = (rows: ReadonlyArray<RowSpec>, argv: ReadonlyArray<string>, usage: string): void => {
  const [id, baseUrl, apiKey, secretKey] = argv
  const spec = rows.find((s) => s.id === id)
  if (spec === undefined || baseUrl === undefined || apiKey === undefined || secretKey === undefined) {
    process.stderr.write(`usage: ${usage} <${rows.map((s) => s.id).join("|")}> <baseUrl> <apiKey> <secret>\n`)
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
}
