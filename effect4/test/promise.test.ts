import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import * as Util from "node:util"
import * as FakeBinance from "../src/FakeBinance.js"
import { createClient, isClientError } from "../src/promise.js"
import { hmacAccount, KEY, SECRET } from "./helpers.js"

let scope: Scope.Closeable
let served: { readonly baseUrl: string; readonly fake: FakeBinance.Service }

beforeAll(async () => {
  scope = await Effect.runPromise(Scope.make())
  served = await Effect.runPromise(Scope.provide(FakeBinance.serve({ accounts: [hmacAccount] }), scope))
})
afterAll(() => Effect.runPromise(Scope.close(scope, Exit.void)))

describe("promise.createClient (served FakeBinance)", () => {
  it("resolves to Binance's strings", async () => {
    const client = createClient({ apiKey: KEY, secretKey: SECRET, baseUrl: served.baseUrl })
    try {
      expect(await client.pmAccountInfo({ asset: "BTC" })).toEqual({
        asset: "BTC",
        maxWithdrawAmount: "27.43689636",
        maxWithdrawAmountUSD: "1627523.32459208"
      })
    } finally {
      await client.close()
    }
  })

  it("two clients share one budget: a 429 Retry-After pause on A holds B back", async () => {
    await Effect.runPromise(served.fake.reset)
    const a = createClient({ apiKey: KEY, secretKey: SECRET, baseUrl: served.baseUrl, maxRetryAfterWaitMs: 0 })
    const b = createClient({ apiKey: KEY, secretKey: SECRET, baseUrl: served.baseUrl, maxRetryAfterWaitMs: 0 })
    try {
      await Effect.runPromise(served.fake.enqueueFault(FakeBinance.Fault.rateLimited(2), { count: 1 }))
      const first = await a.pmAccountInfo({ asset: "BTC" }).catch((e: unknown) => e)
      expect(isClientError(first) && first._tag).toBe("RateLimited")
      const before = await Effect.runPromise(served.fake.requestCount)
      const second = await b.pmAccountInfo({ asset: "BTC" }).catch((e: unknown) => e)
      expect(isClientError(second) && second._tag).toBe("RateLimited")
      expect(await Effect.runPromise(served.fake.requestCount)).toBe(before)
    } finally {
      await a.close()
      await b.close()
    }
  })

  it("a closed client rejects with ClientClosed; bad options throw InvalidConfiguration without secrets", async () => {
    const client = createClient({ apiKey: KEY, secretKey: SECRET, baseUrl: served.baseUrl })
    await client.close()
    await expect(client.pmAccountInfo({ asset: "BTC" })).rejects.toMatchObject({ _tag: "ClientClosed" })
    let thrown: unknown
    try {
      createClient({ apiKey: KEY, secretKey: `-----BEGIN PRIVATE KEY-----${SECRET}`, baseUrl: served.baseUrl })
    } catch (e) {
      thrown = e
    }
    expect(thrown).toMatchObject({ _tag: "InvalidConfiguration", field: "secretKey" })
    for (const text of [String(thrown), JSON.stringify(thrown), Util.inspect(thrown), (thrown as Error).message]) {
      expect(text).not.toContain(SECRET)
    }
  })

  it("64 concurrent calls on one signal: no process warning", async () => {
    await Effect.runPromise(served.fake.reset)
    const warnings: Array<unknown> = []
    const onWarning = (w: unknown) => warnings.push(w)
    process.on("warning", onWarning)
    const client = createClient({ apiKey: KEY, secretKey: SECRET, baseUrl: served.baseUrl })
    try {
      const signal = new AbortController().signal
      const results = await Promise.all(
        Array.from({ length: 64 }, () => client.pmAccountInfo({ asset: "BTC" }, { signal }))
      )
      expect(results).toHaveLength(64)
      await new Promise((resolve) => setTimeout(resolve, 10))
      expect(warnings).toEqual([])
    } finally {
      process.off("warning", onWarning)
      await client.close()
    }
  })

  it("pmAccountInfoResult resolves the info with the used weight and the attempts (a 502 retried)", async () => {
    await Effect.runPromise(served.fake.reset)
    const client = createClient({ apiKey: KEY, secretKey: SECRET, baseUrl: served.baseUrl, egress: "promise-result" })
    try {
      await Effect.runPromise(served.fake.enqueueFault(FakeBinance.Fault.html502, { count: 1 }))
      expect(await client.pmAccountInfoResult({ asset: "BTC" })).toEqual({
        info: { asset: "BTC", maxWithdrawAmount: "27.43689636", maxWithdrawAmountUSD: "1627523.32459208" },
        // The 502 came from the edge, which charges nothing.
        usedWeight: 5,
        attempts: 2
      })
      await expect(client.pmAccountInfoResult({ asset: "btc" })).rejects.toMatchObject({
        _tag: "InvalidParameters",
        field: "asset"
      })
    } finally {
      await client.close()
    }
    await expect(client.pmAccountInfoResult({ asset: "BTC" })).rejects.toMatchObject({ _tag: "ClientClosed" })
  })

  it("pmAccountInfoResult: an aborted signal rejects with AbortError, sending nothing", async () => {
    await Effect.runPromise(served.fake.reset)
    const client = createClient({ apiKey: KEY, secretKey: SECRET, baseUrl: served.baseUrl })
    try {
      const controller = new AbortController()
      controller.abort()
      const error = await client.pmAccountInfoResult({ asset: "BTC" }, { signal: controller.signal }).catch((e) => e)
      expect(isClientError(error) && error._tag).toBe("Aborted")
      expect(await Effect.runPromise(served.fake.requestCount)).toBe(0)
    } finally {
      await client.close()
    }
  })
})
