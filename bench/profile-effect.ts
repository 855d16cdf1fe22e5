// Where the Effect 3 API's per-call CPU goes (issue 21): the same call in one process, alternating variants.
//   node --import tsx bench/profile-effect.ts [--calls=2000] [--rounds=4]
// Variants (rotated each round): the bench row (runtime.runPromise of the traced entry per call); the traced entry
// forked with Runtime.runFork (no Promise); the Promise API; the untraced Call.run via runPromise; 64 calls in one
// program (Effect.forEach, sequential: an Effect 3 app composing calls in its own fiber), traced or not, with or
// without the model. CPU µs per call, medians over rounds; the machine may be loaded, so compare ratios.
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Runtime from "effect/Runtime"
import { spawn } from "node:child_process"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import * as BinanceHttpClient from "../src/BinanceHttpClient.js"
import { BinanceClock, BinanceConfig, Credentials, PortfolioMargin, RateLimit } from "../src/index.js"
import * as Call from "../src/internal/call.js"
import * as Endpoint from "../src/internal/core/endpoint.js"
import { createClient } from "../src/promise.js"

const ROOT = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const args = process.argv.slice(2)
const calls = Number(args.find((a) => a.startsWith("--calls="))?.slice(8) ?? 2_000)
const rounds = Number(args.find((a) => a.startsWith("--rounds="))?.slice(9) ?? 4)

const server = await new Promise<{ baseUrl: string; kill: () => void }>((resolve) => {
  const child = spawn(process.execPath, [Path.join(ROOT, "bench/server.mjs")], { stdio: ["pipe", "pipe", "inherit"] })
  child.stdout!.on("data", (data: Buffer) => {
    const match = /listening (\d+)/.exec(data.toString())
    if (match !== null) resolve({ baseUrl: `http://127.0.0.1:${match[1]}`, kill: () => child.kill() })
  })
})

const runtime = ManagedRuntime.make(Layer.mergeAll(
  Credentials.layerHmac({ apiKey: "bench-key", secretKey: "bench-secret" }),
  BinanceConfig.layer({ baseUrl: server.baseUrl, weightLimit: 1_000_000 }),
  BinanceClock.layer,
  RateLimit.layer,
  BinanceHttpClient.layer()
))
const rt = await runtime.runtime()
const traced = () => PortfolioMargin.pmAccountInfo({ asset: "BTC" })
const untraced = () => Call.run({ asset: "BTC" }, () => undefined)
const toInfo = (success: { body: Endpoint.PmAccountInfoResponse }) =>
  new PortfolioMargin.PmAccountInfo(Endpoint.readAmounts(success.body, BigDecimal.unsafeFromString), {
    disableValidation: true
  })
const untracedModel = () => Call.run({ asset: "BTC" }, toInfo)
const tracedNoModel = Call.traced("X.noModel", () => Call.run({ asset: "BTC" }, () => undefined))

const promiseClient = createClient({
  apiKey: "bench-key",
  secretKey: "bench-secret",
  baseUrl: server.baseUrl,
  weightLimit: 1_000_000
})
const variants: Record<string, () => Promise<unknown>> = {
  "runPromise(traced) [bench row]": () => runtime.runPromise(traced()),
  "runFork(traced) on the runtime": () =>
    new Promise((resolve, reject) => {
      Runtime.runFork(rt)(traced()).addObserver((exit) => Exit.isSuccess(exit) ? resolve(exit.value) : reject(exit))
    }),
  "Promise API": () => promiseClient.pmAccountInfo({ asset: "BTC" }),
  "runPromise(Call.run) untraced": () => runtime.runPromise(untraced()),
  "64 traced in one program": () => runtime.runPromise(Effect.forEach(Array.from({ length: 64 }), traced)),
  "64 untraced+model in one program": () =>
    runtime.runPromise(Effect.forEach(Array.from({ length: 64 }), untracedModel)),
  "64 traced, no model in one program": () =>
    runtime.runPromise(Effect.forEach(Array.from({ length: 64 }), tracedNoModel)),
  "64 untraced in one program": () => runtime.runPromise(Effect.forEach(Array.from({ length: 64 }), untraced))
}
const only = args.find((a) => a.startsWith("--only="))?.slice(7)
if (only !== undefined) { for (const name of Object.keys(variants)) if (!name.includes(only)) delete variants[name] }
const batch = (name: string) => name.startsWith("64") ? 64 : 1

const measure = async (name: string, n: number) => {
  const run = variants[name]!
  const k = Math.max(1, Math.round(n / batch(name)))
  const start = process.cpuUsage()
  for (let i = 0; i < k; i++) await run()
  const used = process.cpuUsage(start)
  return (used.user + used.system) / (k * batch(name))
}

for (const name of Object.keys(variants)) await measure(name, 500)
const results: Record<string, Array<number>> = {}
for (let r = 0; r < rounds; r++) {
  // Each round starts at another variant: the first measured in a round pays the previous one's garbage.
  const names = Object.keys(variants)
  for (const name of [...names.slice(r % names.length), ...names.slice(0, r % names.length)]) {
    ;(results[name] ??= []).push(await measure(name, calls))
  }
}
const base = Object.values(results)[0]!.slice().sort((a, b) => a - b)[Math.floor(rounds / 2)]!
for (const [name, xs] of Object.entries(results)) {
  const med = xs.slice().sort((a, b) => a - b)[Math.floor(rounds / 2)]!
  console.log(
    `${name.padEnd(34)} ${med.toFixed(1).padStart(7)} µs/call  ×${(med / base).toFixed(2)}  [${
      xs.map((x) => x.toFixed(0)).join(" ")
    }]`
  )
}
await runtime.dispose()
await promiseClient.close()
server.kill()
