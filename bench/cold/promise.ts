// Cold start, Promise API: bundled (our code only; effect and @effect/platform load from node_modules).
import { createClient } from "../../src/promise.js"

const client = createClient({ apiKey: "bench-key", secretKey: "bench-secret", baseUrl: process.argv[2]! })
const info = await client.pmAccountInfo({ asset: "BTC" })
const firstResultMs = performance.now()
process.stdout.write(`${JSON.stringify({ firstResultMs, asset: info.asset })}\n`)
process.exit(0)
