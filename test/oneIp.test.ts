// One budget per IP, whatever the client: Promise clients and Effect programs of one process, against one
// served FakeBinance over real loopback HTTP.
import { afterEach, beforeEach, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import { getEventListeners } from "node:events"
import * as FakeBinance from "../src/FakeBinance.js"
import { BinanceClock, BinanceConfig, BinanceHttpClient, Credentials, PortfolioMargin } from "../src/index.js"
import { createClient } from "../src/promise.js"
import { API_KEY, HMAC_SECRET } from "./utils/keys.js"

const PM = "/fapi/v1/pmAccountInfo"
const BTC = { maxWithdrawAmount: "27.43689636", maxWithdrawAmountUSD: "1627523.32459208" }
// A second sub-account on the same host.
const API_KEY_B = "B".repeat(64)
const SECRET_B = "c".repeat(64)

let scope: Scope.CloseableScope
let baseUrl: string
let fake: FakeBinance.Service

beforeEach(async () => {
  scope = Effect.runSync(Scope.make())
  const accounts = [
    { apiKey: API_KEY, hmacSecret: HMAC_SECRET, assets: { BTC } },
    { apiKey: API_KEY_B, hmacSecret: SECRET_B, assets: { BTC } }
  ]
  const served = await Effect.runPromise(Scope.extend(FakeBinance.serve({ accounts }), scope))
  baseUrl = served.baseUrl
  fake = served.fake
})

afterEach(() => Effect.runPromise(Scope.close(scope, Exit.void)))

const pmRequests = () => Effect.runPromise(fake.requests).then((log) => log.filter((entry) => entry.path === PM))
const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error)
const fault = (f: FakeBinance.Fault) => Effect.runPromise(fake.enqueueFault(f, { path: PM }))

/** The Effect program of the same process: no RateLimit layer, so the process-wide gate. */
const effectProgram = (options: BinanceConfig.Options = {}) =>
  PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(
    Effect.provide(Layer.mergeAll(
      Credentials.layerHmac({ apiKey: API_KEY_B, secretKey: SECRET_B }),
      BinanceClock.layer,
      BinanceHttpClient.layer(),
      BinanceConfig.layer({ baseUrl, ...options })
    ))
  )

describe("one budget per IP", () => {
  for (
    const [name, reply, pauseMs] of [
      ["a 429 with Retry-After: 2", {
        status: 429,
        body: { code: -1003, msg: "Too many requests." },
        headers: { "retry-after": "2" }
      }, 2000],
      ["a 429 without Retry-After", { status: 429, body: { code: -1003, msg: "Too many requests." } }, 1000],
      ["a 429 with an HTML body", { status: 429, body: "<html><body>Too Many Requests</body></html>" }, 1000]
    ] as const
  ) {
    it(`${name} to client A holds client B (another key, same IP) back for ${pauseMs} ms`, async () => {
      const a = createClient({ apiKey: API_KEY, secretKey: HMAC_SECRET, baseUrl, maxRetries: 0 })
      const b = createClient({ apiKey: API_KEY_B, secretKey: SECRET_B, baseUrl })
      try {
        await fault(FakeBinance.Fault.respond(reply))
        const error = await rejection(a.pmAccountInfo({ asset: "BTC" }))
        expect(error).toMatchObject({ _tag: "RateLimited", status: 429 })
        const after429 = Date.now()
        const results = await Promise.all(Array.from({ length: 5 }, () => b.pmAccountInfo({ asset: "BTC" })))
        expect(results).toHaveLength(5)
        const log = await pmRequests()
        // the 429 and then B's five, none of them before the pause ended
        expect(log).toHaveLength(6)
        expect(Date.now() - after429).toBeGreaterThanOrEqual(pauseMs - 50)
        for (const entry of log.slice(1)) expect(entry.time - log[0]!.time).toBeGreaterThanOrEqual(pauseMs - 50)
      } finally {
        await Promise.all([a.close(), b.close()])
      }
    })
  }

  it("a 403 (firewall) to an Effect program: WafBlocked, not retried, and a Promise client that will not wait sends nothing", async () => {
    const client = createClient({ apiKey: API_KEY, secretKey: HMAC_SECRET, baseUrl, maxRetryAfterWaitMs: 200 })
    try {
      await fault(
        FakeBinance.Fault.respond({ status: 403, body: "<html><h1>403 Forbidden</h1>Request blocked.</html>" })
      )
      const exit = await Effect.runPromiseExit(effectProgram())
      expect(exit).toMatchObject({ _tag: "Failure" })
      const error = Exit.isFailure(exit) ? (exit.cause as { error?: unknown }).error : undefined
      expect(error).toMatchObject({ _tag: "WafBlocked", status: 403, excerpt: "403 Forbidden Request blocked." })
      expect(String((error as Error).message)).toMatch(/firewall/)
      expect(String((error as Error).message)).not.toMatch(/refused the API key/)
      const refused = await rejection(client.pmAccountInfo({ asset: "BTC" }))
      expect(refused).toMatchObject({ _tag: "WafBlocked" })
      expect((refused as unknown as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(200)
      expect(await pmRequests()).toHaveLength(1)
    } finally {
      await client.close()
    }
  })

  it("a client that names another egress has a budget of its own; the default ones share theirs", async () => {
    const proxied = createClient({ apiKey: API_KEY, secretKey: HMAC_SECRET, baseUrl, egress: "proxy-eu-2" })
    const local = createClient({ apiKey: API_KEY, secretKey: HMAC_SECRET, baseUrl, maxRetryAfterWaitMs: 0 })
    try {
      await fault(FakeBinance.Fault.respond({ status: 429, body: { code: -1003, msg: "Too many requests." } }))
      const exit = await Effect.runPromiseExit(effectProgram({ maxRetries: 0 }))
      expect(Exit.isFailure(exit)).toBe(true)
      const started = Date.now()
      expect(await proxied.pmAccountInfo({ asset: "BTC" })).toMatchObject({ asset: "BTC" })
      expect(Date.now() - started).toBeLessThan(900)
      expect(await rejection(local.pmAccountInfo({ asset: "BTC" }))).toMatchObject({ _tag: "RateLimited" })
      expect(await pmRequests()).toHaveLength(2)
    } finally {
      await Promise.all([proxied.close(), local.close()])
    }
  })

  it("64 concurrent calls on one client, with and without a shared signal, raise no process warning", async () => {
    const warnings: Array<Error> = []
    const onWarning = (warning: Error) => warnings.push(warning)
    process.on("warning", onWarning)
    const client = createClient({ apiKey: API_KEY, secretKey: HMAC_SECRET, baseUrl, weightLimit: 1_000_000 })
    try {
      await Effect.runPromise(fake.setWeightLimit(1_000_000))
      const shared = new AbortController()
      const calls = Array.from(
        { length: 64 },
        (_, i) => client.pmAccountInfo({ asset: "BTC" }, i % 2 === 0 ? { signal: shared.signal } : undefined)
      )
      expect(await Promise.all(calls)).toHaveLength(64)
      // the calls are done: nothing is left listening on their signal (a signal that never aborts is not kept)
      expect(getEventListeners(shared.signal, "abort")).toHaveLength(0)
      const more = Array.from({ length: 64 }, () => client.pmAccountInfo({ asset: "BTC" }, { signal: shared.signal }))
      shared.abort()
      const outcomes = await Promise.allSettled(more)
      expect(outcomes.every((o) => o.status === "fulfilled" || (o.reason as Error).name === "AbortError")).toBe(true)
      // warnings are emitted on the next tick
      await new Promise((resolve) => setImmediate(resolve))
      expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([])
    } finally {
      process.off("warning", onWarning)
      await client.close()
    }
  })
})
