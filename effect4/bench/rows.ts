// The Effect 4 edition's rows: the same calls as bench/rows/{effect,promise}.ts, made with effect4/dist (the
// built package, as its users get it). This file lives under effect4/ so that `effect` resolves to
// effect4/node_modules/effect (4.x) and never to the root's Effect 3. It is loaded only by ./worker.ts, in a
// process of its own: the two Effect generations never share a process.
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as References from "effect/References"
import { check, type Row, type RowContext } from "../../bench/rows/types.js"
import {
  Amount,
  BinanceClock,
  BinanceConfig,
  BinanceHttpClient,
  Credentials,
  PortfolioMargin,
  RateLimit
} from "../dist/esm/index.js"
import { createClient } from "../dist/esm/promise.js"

export interface Effect4RowSpec {
  readonly id: string
  readonly label: string
  readonly make: (context: RowContext) => Promise<Row>
}

const effectRow = (
  id: string,
  label: string,
  http: () => Layer.Layer<HttpClient.HttpClient>,
  traced = true
): Effect4RowSpec => ({
  id,
  label,
  make: async ({ apiKey, baseUrl, secretKey }) => {
    const runtime = ManagedRuntime.make(Layer.mergeAll(
      Credentials.layerHmac({ apiKey, secretKey }),
      // A weight limit no benchmark reaches and a gate of its own: the gate is measured, never waited on.
      BinanceConfig.layer({ baseUrl, weightLimit: 1_000_000 }),
      BinanceClock.layer,
      RateLimit.layer,
      http(),
      // Off: every span is a no-op (what a program that exports no traces can choose).
      traced ? Layer.empty : Layer.succeed(References.TracerEnabled, false)
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

export const effect4Node = effectRow(
  "effect4-node",
  "effect-binance-pm@1 (Effect 4), Effect API, BinanceHttpClient.layer()",
  () => BinanceHttpClient.layer()
)

export const effect4NodeUntraced = effectRow(
  "effect4-node-untraced",
  "effect-binance-pm@1 (Effect 4), Effect API, BinanceHttpClient.layer(), tracer off (References.TracerEnabled)",
  () => BinanceHttpClient.layer(),
  false
)

export const effect4Fetch = effectRow(
  "effect4-fetch",
  "effect-binance-pm@1 (Effect 4), Effect API, FetchHttpClient.layer",
  () => FetchHttpClient.layer
)

export const effect4Promise: Effect4RowSpec = {
  id: "effect4-promise",
  label: "effect-binance-pm@1 (Effect 4), Promise API (createClient)",
  make: async ({ apiKey, baseUrl, secretKey }) => {
    const client = createClient({ apiKey, secretKey, baseUrl, weightLimit: 1_000_000 })
    const call = () => client.pmAccountInfo({ asset: "BTC" })
    check("effect4-promise", await call())
    return { id: "effect4-promise", label: effect4Promise.label, call, close: () => client.close() }
  }
}

export const EFFECT4_ROWS: ReadonlyArray<Effect4RowSpec> = [
  effect4Node,
  effect4NodeUntraced,
  effect4Fetch,
  effect4Promise
]
