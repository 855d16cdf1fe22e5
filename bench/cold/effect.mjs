// Cold start, Effect API: the package as its users install it (see promise.mjs), with its own HttpClient layer.
// The same program for both editions: the names below are the same in 0.x and 1.x.
import {
  BinanceClock,
  BinanceConfig,
  BinanceHttpClient,
  Credentials,
  PortfolioMargin,
  RateLimit
} from "effect-binance-pm"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"

const runtime = ManagedRuntime.make(Layer.mergeAll(
  Credentials.layerHmac({ apiKey: "bench-key", secretKey: "bench-secret" }),
  BinanceConfig.layer({ baseUrl: process.argv[2] }),
  BinanceClock.layer,
  RateLimit.layer,
  BinanceHttpClient.layer()
))
const info = await runtime.runPromise(PortfolioMargin.pmAccountInfo({ asset: "BTC" }))
const firstResultMs = performance.now()
const cpu = process.cpuUsage()
process.stdout.write(`${JSON.stringify({ firstResultMs, cpuMs: (cpu.user + cpu.system) / 1000, asset: info.asset })}\n`)
process.exit(0)
