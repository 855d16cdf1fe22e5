// This library through the Effect API, one ManagedRuntime per row (built once, reused for every call), from its build
// (./built.ts).
import * as PlatformNodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import type * as Library from "../../src/index.js"
import { built } from "./built.js"
import { check, type RowContext, type RowSpec } from "./types.js"

const effectRow = (
  id: string,
  label: string,
  http: (library: typeof Library) => Layer.Layer<HttpClient.HttpClient>
): RowSpec => ({
  id,
  label,
  make: async ({ apiKey, baseUrl, secretKey }: RowContext) => {
    const library = await built<typeof Library>(() => import("../../dist/esm/index.js" as string))
    const { Amount, BinanceClock, BinanceConfig, Credentials, PortfolioMargin, RateLimit } = library
    const runtime = ManagedRuntime.make(Layer.mergeAll(
      Credentials.layerHmac({ apiKey, secretKey }),
      // A weight limit no benchmark reaches and a gate of its own: the gate is measured, never waited on.
      BinanceConfig.layer({ baseUrl, weightLimit: 1_000_000 }),
      BinanceClock.layer,
      RateLimit.layer,
      http(library)
    ))
    const call = () => runtime.runPromise(PortfolioMargin.pmAccountInfo({ asset: "BTC" }))
    const info = await call()
    check(id, {
      asset: info.asset,
      maxWithdrawAmount: Amount.formatPlain(info.maxWithdrawAmount),
      maxWithdrawAmountUSD: Amount.formatPlain(info.maxWithdrawAmountUSD)
    })
    return { id, label, call, close: () => runtime.dispose() }
  }
})

export const effectNode = effectRow(
  "effect-node",
  "effect-binance-pm, Effect API, BinanceHttpClient.layer() (recommended)",
  ({ BinanceHttpClient }) => BinanceHttpClient.layer()
)

export const effectFetch = effectRow(
  "effect-fetch",
  "effect-binance-pm, Effect API, FetchHttpClient.layer",
  () => FetchHttpClient.layer
)

export const effectPlatformUndici = effectRow(
  "effect-pn-undici",
  "effect-binance-pm, Effect API, @effect/platform-node NodeHttpClient.layerUndici",
  () => PlatformNodeHttpClient.layerUndici
)

export const effectPlatformHttp = effectRow(
  "effect-pn-http",
  "effect-binance-pm, Effect API, @effect/platform-node NodeHttpClient.layer (node:http)",
  () => PlatformNodeHttpClient.layer
)
