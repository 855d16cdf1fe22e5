// Cold start, Promise API from CommonJS: as promise.mjs, through `require`.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS consumer, as users write one
const { createClient } = require("effect-binance-pm/promise")

const client = createClient({ apiKey: "bench-key", secretKey: "bench-secret", baseUrl: process.argv[2] })
client.pmAccountInfo({ asset: "BTC" }).then((info) => {
  const firstResultMs = performance.now()
  const cpu = process.cpuUsage()
  process.stdout.write(
    `${JSON.stringify({ firstResultMs, cpuMs: (cpu.user + cpu.system) / 1000, asset: info.asset })}\n`
  )
  process.exit(0)
})
