// docs/observability.md, Effect 4: the desk's metrics setup (test/examples/observability.ts: @effect/opentelemetry's
// OtelMetrics and a Prometheus endpoint), and a spec that calls a fake Binance over HTTP, scrapes /metrics over
// loopback and finds the series.
import { expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as BinanceClock from "../src/BinanceClock.js"
import * as BinanceConfig from "../src/BinanceConfig.js"
import * as BinanceHttpClient from "../src/BinanceHttpClient.js"
import * as Credentials from "../src/Credentials.js"
import * as FakeBinance from "../src/FakeBinance.js"
import * as PortfolioMargin from "../src/PortfolioMargin.js"
import * as RateLimit from "../src/RateLimit.js"
import { makeObservability } from "./examples/observability.js"

const scrape = (port: number) =>
  Effect.promise(() => fetch(`http://127.0.0.1:${port}/metrics`).then((response) => response.text()))

// The value of one series in Prometheus' text format, found by its name and labels.
const series = (text: string, name: string, labels: Record<string, string>): number | undefined => {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue
    if (Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) {
      return Number(line.slice(line.lastIndexOf(" ") + 1))
    }
  }
  return undefined
}

it.live("the library's metrics reach a Prometheus scrape", () =>
  Effect.gen(function*() {
    const BTC = { maxWithdrawAmount: "27.43689636", maxWithdrawAmountUSD: "1627523.32459208" }
    const { baseUrl, fake } = yield* FakeBinance.serve({
      accounts: [{ apiKey: "my-key", hmacSecret: "my-secret", assets: { BTC } }]
    })
    const port = 19964 + Math.floor(Math.random() * 500)
    yield* Layer.build(makeObservability(port))
    // One 502 then success, then three more successes: 5 requests, 1 retry.
    yield* fake.enqueueFault(FakeBinance.Fault.html502, { path: "/fapi/v1/pmAccountInfo" })
    const layer = Layer.mergeAll(
      Credentials.layerHmac({ apiKey: "my-key", secretKey: "my-secret" }),
      BinanceConfig.layer({ baseUrl, retrySchedule: Schedule.spaced("1 millis") }),
      BinanceClock.layer,
      BinanceHttpClient.layer(),
      RateLimit.layer
    )
    for (let i = 0; i < 4; i++) yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(layer))
    const text = yield* scrape(port)
    const endpoint = "GET /fapi/v1/pmAccountInfo"
    expect(series(text, "binance_requests_total", { endpoint, outcome: "ok" })).toBeGreaterThanOrEqual(4)
    expect(series(text, "binance_requests_total", { endpoint, outcome: "ServerError" })).toBeGreaterThanOrEqual(1)
    expect(series(text, "binance_retries_total", {})).toBeGreaterThanOrEqual(1)
    expect(series(text, "binance_request_duration_count", { endpoint, status: "200" })).toBeGreaterThanOrEqual(4)
    // The last X-MBX-USED-WEIGHT-1M: 4 × weight 5 (the 502 came from the edge, which charges nothing).
    expect(series(text, "binance_used_weight", { host: new URL(baseUrl).host })).toBe(yield* fake.usedWeight)
    expect(series(text, "binance_gate_wait_count", {})).toBeGreaterThanOrEqual(5)
    // The histograms' unit (their `unit` attribute) is the instrument's unit.
    expect(text).toContain("# UNIT binance_request_duration ms")
    expect(text).toContain("# UNIT binance_gate_wait ms")
    // No secret in any series.
    expect(text).not.toMatch(/my-secret|my-key|signature/)
  }))
