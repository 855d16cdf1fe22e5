// Rows each run in a Node process of its own: the Effect 4 edition's (effect4/bench/rows.ts, effect4/bench/worker.ts:
// effect 4 and the root's effect 3 must never share a process), the Effect 3 edition's two APIs (bench/worker.ts) and
// two controls. The child builds its row and measures what this process asks for, with bench/measure.ts and its own
// process.cpuUsage; rounds stay interleaved with the in-process rows (this process waits, idle, while the child
// measures).
import { type ChildProcess, spawn } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import type { Concurrent, Sequential } from "../measure.js"
import { assertBuilt } from "./built.js"
import { compiledWorker } from "./compiled.js"
import { effectNode } from "./effect.js"
import { promiseApi } from "./promise.js"
import type { Row, RowContext, RowSpec } from "./types.js"

const ROOT = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")
const EFFECT4_WORKER = Path.join(ROOT, "effect4/bench/worker.ts")
const EFFECT3_WORKER = Path.join(ROOT, "bench/worker.ts")

type Reply = { readonly ready: { id: string; label: string } } | { readonly result: unknown } | {
  readonly error: string
}

const remoteRow = (id: string, label: string, worker = EFFECT4_WORKER): RowSpec => ({
  id,
  label,
  make: (context: RowContext) =>
    compiledWorker(worker).then((compiled) =>
      new Promise<Row>((resolve, reject) => {
        // Each worker's rows load their edition's build.
        assertBuilt(worker === EFFECT4_WORKER ? "effect4" : ".")
        const child: ChildProcess = spawn(
          process.execPath,
          [...(context.nodeOptions ?? []), compiled, id, context.baseUrl, context.apiKey, context.secretKey],
          { cwd: ROOT, stdio: ["ignore", "inherit", "inherit", "ipc"] }
        )
        let pending: { resolve: (value: unknown) => void; reject: (error: Error) => void } | undefined
        const ask = (command: unknown) =>
          new Promise<unknown>((ok, fail) => {
            pending = { resolve: ok, reject: fail }
            child.send(command as never)
          })
        child.once("exit", (code) => {
          const error = new Error(`${id}: worker exited with ${code}`)
          pending?.reject(error)
          reject(error)
        })
        child.on("message", (reply: Reply) => {
          if ("ready" in reply) {
            resolve({
              id,
              label,
              call: () => Promise.reject(new Error(`${id} runs in its own process: measure it through remote`)),
              close: async () => {
                await ask({ op: "close" })
                child.kill()
              },
              remote: {
                warmup: async (n, par, inFlight) => {
                  await ask({ op: "warmup", n, par, inFlight })
                },
                sequential: (n) => ask({ op: "sequential", n }) as Promise<Sequential>,
                concurrent: (total, inFlight) => ask({ op: "concurrent", total, inFlight }) as Promise<Concurrent>
              }
            })
            return
          }
          const waiting = pending
          pending = undefined
          if ("error" in reply) {
            const error = new Error(`${id}: ${reply.error}`)
            if (waiting === undefined) reject(error)
            else waiting.reject(error)
          } else waiting?.resolve(reply.result)
        })
      })
    )
})

export const effect4Node = remoteRow(
  "effect4-node",
  "effect-binance-pm@1 (Effect 4), Effect API, BinanceHttpClient.layer()"
)
export const effect4NodeUntraced = remoteRow(
  "effect4-node-untraced",
  "effect-binance-pm@1 (Effect 4), Effect API, BinanceHttpClient.layer(), tracer off"
)
export const effect4Fetch = remoteRow(
  "effect4-fetch",
  "effect-binance-pm@1 (Effect 4), Effect API, FetchHttpClient.layer"
)
export const effect4Promise = remoteRow(
  "effect4-promise",
  "effect-binance-pm@1 (Effect 4), Promise API (createClient)"
)

// Controls (see effect4/bench/worker.ts): the floor and ccxt, each in a process of its own like the rows above.
export const floorOwnProcess = remoteRow("floor-proc", "control: the floor, in a process of its own")
export const ccxtOwnProcess = remoteRow("ccxt-proc", "control: ccxt, in a process of its own")

// The Effect 3 edition's Effect API and Promise API, each in a process of its own (bench/worker.ts), as the Effect 4
// edition's run.
export const effectNodeOwnProcess = remoteRow("effect-node", effectNode.label, EFFECT3_WORKER)
export const promiseOwnProcess = remoteRow("promise", promiseApi.label, EFFECT3_WORKER)
