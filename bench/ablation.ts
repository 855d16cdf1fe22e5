// Side-by-side study of proposed source changes: the Effect- and Promise-API rows of this checkout and of
// other checkouts (each a copy of the repo with a change applied, sharing this node_modules), against one
// loopback server, interleaved round by round so machine noise hits all alike.
//   node --import tsx bench/ablation.ts --variant=timeout:/tmp/p1 --variant=all:/tmp/p123 [--rounds=7]
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { type ChildProcess, spawn } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import type * as ThisBinanceHttpClient from "../src/BinanceHttpClient.js"
import type * as Index from "../src/index.js"
import type * as Promise_ from "../src/promise.js"
import { concurrent, median, sequential } from "./measure.js"
import { floor } from "./rows/floor.js"
import { ccxtRow } from "./rows/peers.js"
import type { Row, RowContext } from "./rows/types.js"

const ROOT = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const args = process.argv.slice(2)
const option = (name: string, fallback: number) => {
  const found = args.find((a) => a.startsWith(`--${name}=`))
  return found === undefined ? fallback : Number(found.slice(name.length + 3))
}
const variants: Array<{ readonly name: string; readonly root: string }> = [
  { name: "this checkout", root: ROOT },
  ...args.filter((a) => a.startsWith("--variant=")).map((a) => {
    const [name, root] = a.slice(10).split(":")
    return { name: name!, root: Path.resolve(root!) }
  })
]
const settings = { rounds: option("rounds", 7), seq: option("seq", 2_000), par: option("par", 4_000), inFlight: 64 }

/** The same rows as bench/rows/{effect,promise}.ts, loaded from another checkout's src. */
const rowsOf = async (variant: { readonly name: string; readonly root: string }, context: RowContext) => {
  // Another checkout's modules have this checkout's shapes (they are copies with small changes).
  const src = (file: string): Promise<unknown> => import(pathToFileURL(Path.join(variant.root, "src", file)).href)
  const { BinanceClock, BinanceConfig, Credentials, PortfolioMargin, RateLimit } =
    (await src("index.ts")) as typeof Index
  const BinanceHttpClient = (await src("BinanceHttpClient.ts")) as typeof ThisBinanceHttpClient
  const { createClient } = (await src("promise.ts")) as typeof Promise_
  const runtime = ManagedRuntime.make(Layer.mergeAll(
    Credentials.layerHmac({ apiKey: context.apiKey, secretKey: context.secretKey }),
    BinanceConfig.layer({ baseUrl: context.baseUrl, weightLimit: 1_000_000 }),
    BinanceClock.layer,
    RateLimit.layer,
    BinanceHttpClient.layer()
  ))
  const client = createClient({
    apiKey: context.apiKey,
    secretKey: context.secretKey,
    baseUrl: context.baseUrl,
    weightLimit: 1_000_000
  })
  const effect: Row = {
    id: `${variant.name}/effect`,
    label: `${variant.name}: Effect API + BinanceHttpClient`,
    call: () => runtime.runPromise(PortfolioMargin.pmAccountInfo({ asset: "BTC" })),
    close: () => runtime.dispose()
  }
  const promise: Row = {
    id: `${variant.name}/promise`,
    label: `${variant.name}: Promise API`,
    call: () => client.pmAccountInfo({ asset: "BTC" }),
    close: () => client.close()
  }
  return [effect, promise]
}

const startServer = () =>
  new Promise<{ readonly baseUrl: string; readonly child: ChildProcess }>((resolve) => {
    const child = spawn(process.execPath, [Path.join(ROOT, "bench/server.mjs")], { stdio: ["pipe", "pipe", "inherit"] })
    child.stdout!.on("data", (data: Buffer) => {
      const match = /listening (\d+)/.exec(data.toString())
      if (match !== null) resolve({ baseUrl: `http://127.0.0.1:${match[1]}`, child })
    })
  })

const main = async () => {
  const { baseUrl, child } = await startServer()
  const context = { baseUrl, apiKey: "bench-api-key", secretKey: "bench-secret" }
  const rows: Array<Row> = [await floor.make(context)]
  for (const variant of variants) rows.push(...(await rowsOf(variant, context)))
  rows.push(await ccxtRow.make(context))
  for (const row of rows) {
    for (let i = 0; i < 1_000; i++) await row.call()
  }
  const samples = new Map(
    rows.map((r) => [r.id, { cpu: [] as Array<number>, seq: [] as Array<number>, par: [] as Array<number> }])
  )
  for (let round = 0; round < settings.rounds; round++) {
    for (let i = 0; i < rows.length; i++) {
      const row = rows[(i + round) % rows.length]!
      const seq = await sequential(row.call, settings.seq)
      const par = await concurrent(row.call, settings.par, settings.inFlight)
      const s = samples.get(row.id)!
      s.cpu.push(seq.cpuUsPerCall)
      s.seq.push(seq.callsPerSec)
      s.par.push(par.callsPerSec)
    }
    process.stderr.write(`round ${round + 1}/${settings.rounds}\n`)
  }
  const floorCpu = median(samples.get("floor")!.cpu)
  const lines = ["| row | CPU µs/call | ×floor | calls/s seq | calls/s @64 |", "|---|--:|--:|--:|--:|"]
  for (const row of rows) {
    const s = samples.get(row.id)!
    const cpu = median(s.cpu)
    lines.push(
      `| ${row.label} | ${cpu.toFixed(1)} | ${(cpu / floorCpu).toFixed(2)}× | ${Math.round(median(s.seq))} | ${
        Math.round(median(s.par))
      } |`
    )
  }
  process.stdout.write(`${lines.join("\n")}\n`)
  for (const row of rows) await row.close()
  child.kill()
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
