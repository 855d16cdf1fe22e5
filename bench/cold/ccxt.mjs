// Cold start, ccxt, loaded from node_modules as its users load it.
import ccxt from "ccxt"

const exchange = new ccxt.binanceusdm({ apiKey: "bench-key", secret: "bench-secret", enableRateLimit: false })
exchange.urls.api.fapiPrivate = `${process.argv[2]}/fapi/v1`
const info = await exchange.fapiPrivateGetPmAccountInfo({ asset: "BTC" })
const firstResultMs = performance.now()
const cpu = process.cpuUsage()
process.stdout.write(`${JSON.stringify({ firstResultMs, cpuMs: (cpu.user + cpu.system) / 1000, asset: info.asset })}\n`)
process.exit(0)
