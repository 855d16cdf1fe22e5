// docs/observability.md: a desk's metrics setup (Effect 3, @effect/opentelemetry, a Prometheus endpoint), and a
// spec that calls a fake Binance over HTTP, scrapes /metrics over loopback and finds the series.
import * as Metrics from "@effect/opentelemetry/Metrics"
import * as Resource from "@effect/opentelemetry/Resource"
import { expect, it } from "@effect/vitest"
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus"
import { Effect, Layer, Schedule } from "effect"
import {
  BinanceClock,
  BinanceConfig,
  BinanceHttpClient,
  Credentials,
  PortfolioMargin,
  RateLimit
} from "effect-binance-pm"
import { FakeBinance } from "effect-binance-pm/testing"

// The desk's setup: every Effect metric, the library's included, served for Prometheus on :9464/metrics.
const makeObservability = (port: number) =>
  Metrics.layer(() => new PrometheusExporter({ port, host: "127.0.0.1" })).pipe(
    Layer.provide(Resource.layer({ serviceName: "pm-desk" }))
  )

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

it.scopedLive("the library's metrics reach a Prometheus scrape", () =>
  Effect.gen(function*() {
    const BTC = { maxWithdrawAmount: "27.43689636", maxWithdrawAmountUSD: "1627523.32459208" }
    const { baseUrl, fake } = yield* FakeBinance.serve({
      accounts: [{ apiKey: "my-key", hmacSecret: "my-secret", assets: { BTC } }]
    })
    const port = 19464 + Math.floor(Math.random() * 500)
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
    // Both histograms name their unit (the `unit` tag, which the OpenTelemetry exporter takes as the unit).
    expect(text).toMatch(/^# UNIT binance_request_duration ms$/m)
    expect(text).toMatch(/^# UNIT binance_gate_wait ms$/m)
    // No secret in any series.
    expect(text).not.toMatch(/my-secret|my-key|signature/)
  }))
