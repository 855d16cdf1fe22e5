// This library through the Promise API, exactly as a non-Effect caller uses it: its build's bundled entry
// (./built.ts).
import type * as PromiseApi from "../../src/promise.js"
import { built } from "./built.js"
import { check, type RowSpec } from "./types.js"

export const promiseApi: RowSpec = {
  id: "promise",
  label: "effect-binance-pm, Promise API (createClient)",
  make: async ({ apiKey, baseUrl, secretKey }) => {
    const { createClient } = await built<typeof PromiseApi>(() => import("../../dist/esm/promise.js" as string))
    const client = createClient({ apiKey, secretKey, baseUrl, weightLimit: 1_000_000 })
    const call = () => client.pmAccountInfo({ asset: "BTC" })
    check("promise", await call())
    return { id: "promise", label: promiseApi.label, call, close: () => client.close() }
  }
}
