// Cold start, Promise API: the package as its users install it (bench/run.ts runs this file from a folder whose
// node_modules is an edition's packed tarball installed next to its Effect peers, scripts/packed.mjs).
import { createClient } from "effect-binance-pm/promise"

const client = createClient({ apiKey: "bench-key", secretKey: "bench-secret", baseUrl: process.argv[2] })
const info = await client.pmAccountInfo({ asset: "BTC" })
const firstResultMs = performance.now()
const cpu = process.cpuUsage()
process.stdout.write(`${JSON.stringify({ firstResultMs, cpuMs: (cpu.user + cpu.system) / 1000, asset: info.asset })}\n`)
process.exit(0)
