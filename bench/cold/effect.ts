// Cold start, Effect API: bundled (our code only; effect and @effect/platform load from node_modules).
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as BinanceHttpClient from "../../src/BinanceHttpClient.js"
import { BinanceClock, BinanceConfig, Credentials, PortfolioMargin, RateLimit } from "../../src/index.js"

const runtime = ManagedRuntime.make(Layer.mergeAll(
  Credentials.layerHmac({ apiKey: "bench-key", secretKey: "bench-secret" }),
  BinanceConfig.layer({ baseUrl: process.argv[2]! }),
  BinanceClock.layer,
  RateLimit.layer,
  BinanceHttpClient.layer()
))
const info = await runtime.runPromise(PortfolioMargin.pmAccountInfo({ asset: "BTC" }))
const firstResultMs = performance.now()
process.stdout.write(`${JSON.stringify({ firstResultMs, asset: info.asset })}\n`)
process.exit(0)
