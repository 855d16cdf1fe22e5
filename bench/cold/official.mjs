// Cold start, official SDK, loaded from node_modules as its users load it.
import { DerivativesTradingUsdsFutures } from "@binance/derivatives-trading-usds-futures"

const client = new DerivativesTradingUsdsFutures({
  configurationRestAPI: { apiKey: "bench-key", apiSecret: "bench-secret", basePath: process.argv[2] }
})
const response = await client.restAPI.classicPortfolioMarginAccountInformation({ asset: "BTC" })
const info = await response.data()
const firstResultMs = performance.now()
const cpu = process.cpuUsage()
process.stdout.write(`${JSON.stringify({ firstResultMs, cpuMs: (cpu.user + cpu.system) / 1000, asset: info.asset })}\n`)
process.exit(0)
