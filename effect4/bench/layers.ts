// What each layer of the Effect 4 edition's Effect API costs at 64 in flight, on one runtime, interleaved round by
// round so machine noise hits all alike (docs/performance.md). It loads effect4/src (the call without its span is
// internal, so not in dist's types):
//   node --import tsx effect4/bench/layers.ts [--rounds=7] [--calls=10000]
// Rows, each one more layer than the one before:
// - call: the call without its span or its model (what the Promise API runs), through `ManagedRuntime.runPromise`;
// - span: inside an `Effect.fn` whose call-site capture is skipped (`Error.stackTraceLimit` 0 for its rounds);
// - fn: inside `Effect.fn` as it is;
// - pmAccountInfo: the public function (`Effect.fn`, and the result built as `PmAccountInfo`).
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { spawn } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { concurrent, median } from "../../bench/measure.js"
import {
  BinanceClock,
  BinanceConfig,
  BinanceHttpClient,
  Credentials,
  PortfolioMargin,
  RateLimit
} from "../src/index.js"
import * as Call from "../src/internal/call.js"

const args = process.argv.slice(2)
const option = (name: string, fallback: number) => {
  const found = args.find((a) => a.startsWith(`--${name}=`))
  return found === undefined ? fallback : Number(found.slice(name.length + 3))
}
const rounds = option("rounds", 7)
const calls = option("calls", 10_000)

const server = spawn(process.execPath, [
  Path.join(Path.dirname(fileURLToPath(import.meta.url)), "../../bench/server.mjs")
], {
  stdio: ["pipe", "pipe", "inherit"]
})
const baseUrl = await new Promise<string>((resolve) =>
  server.stdout!.on("data", (data: Buffer) => {
    const match = /listening (\d+)/.exec(data.toString())
    if (match !== null) resolve(`http://127.0.0.1:${match[1]}`)
  })
)

const runtime = ManagedRuntime.make(Layer.mergeAll(
  Credentials.layerHmac({
    apiKey: "bench-api-key",
    secretKey: "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9"
  }),
  BinanceConfig.layer({ baseUrl, weightLimit: 1_000_000 }),
  BinanceClock.layer,
  RateLimit.layer,
  BinanceHttpClient.layer()
))
const params = { asset: "BTC" }
const raw = (result: Call.RawResult) => result
const traced = Effect.fn("PortfolioMargin.pmAccountInfo")((p: typeof params) => Call.run(p, raw))
const rows: ReadonlyArray<
  { readonly id: string; readonly stackTraceLimit?: number; readonly call: () => Promise<unknown> }
> = [
  { id: "call", call: () => runtime.runPromise(Call.run(params, raw)) },
  { id: "span", stackTraceLimit: 0, call: () => runtime.runPromise(traced(params)) },
  { id: "fn", call: () => runtime.runPromise(traced(params)) },
  { id: "pmAccountInfo", call: () => runtime.runPromise(PortfolioMargin.pmAccountInfo(params)) }
]

const results = new Map(rows.map((row) => [row.id, [] as Array<{ cpu: number; rate: number }>]))
for (const row of rows) await concurrent(row.call, 3_000, 64)
for (let round = 0; round < rounds; round++) {
  for (const row of rows) {
    const limit = Error.stackTraceLimit
    if (row.stackTraceLimit !== undefined) Error.stackTraceLimit = row.stackTraceLimit
    const measured = await concurrent(row.call, calls, 64)
    Error.stackTraceLimit = limit
    results.get(row.id)!.push({ cpu: measured.cpuUsPerCall, rate: measured.callsPerSec })
  }
}
const lines = ["| row | CPU µs/call @64 | calls/s @64 |", "|---|--:|--:|"]
for (const row of rows) {
  const measured = results.get(row.id)!
  lines.push(
    `| ${row.id} | ${median(measured.map((m) => m.cpu)).toFixed(1)} | ${
      Math.round(median(measured.map((m) => m.rate))).toLocaleString("en-US")
    } |`
  )
}
process.stdout.write(`${lines.join("\n")}\n`)
await runtime.dispose()
server.kill()
