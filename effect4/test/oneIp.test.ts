// One budget per IP, whatever the client, and the Promise client's signals and closing: Promise clients and
// Effect programs of one process against one served FakeBinance over real loopback HTTP. Ported from the root's
// test/oneIp.test.ts and test/promise.test.ts.
import { afterEach, beforeEach, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import { getEventListeners } from "node:events"
import * as BinanceClock from "../src/BinanceClock.js"
import * as BinanceConfig from "../src/BinanceConfig.js"
import * as BinanceHttpClient from "../src/BinanceHttpClient.js"
import * as Credentials from "../src/Credentials.js"
import * as FakeBinance from "../src/FakeBinance.js"
import * as PortfolioMargin from "../src/PortfolioMargin.js"
import { AbortError, createClient } from "../src/promise.js"
import { BTC, KEY, PM, SECRET } from "./helpers.js"

// A second sub-account on the same host.
const KEY_B = "B".repeat(64)
const SECRET_B = "c".repeat(64)

let scope: Scope.Closeable
let baseUrl: string
let fake: FakeBinance.Service

beforeEach(async () => {
  scope = await Effect.runPromise(Scope.make())
  const accounts = [{ apiKey: KEY, hmacSecret: SECRET, assets: { BTC } }, {
    apiKey: KEY_B,
    hmacSecret: SECRET_B,
    assets: { BTC }
  }]
  const served = await Effect.runPromise(Scope.provide(FakeBinance.serve({ accounts }), scope))
  baseUrl = served.baseUrl
  fake = served.fake
})

afterEach(() => Effect.runPromise(Scope.close(scope, Exit.void)))

const pmRequests = () => Effect.runPromise(fake.requests).then((log) => log.filter((entry) => entry.path === PM))
const requestCount = () => Effect.runPromise(fake.requestCount)
const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error)
const fault = (f: FakeBinance.Fault) => Effect.runPromise(fake.enqueueFault(f, { path: PM }))
const until = async (what: string, done: () => Promise<boolean>) => {
  const deadline = Date.now() + 20_000
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** The Effect program of the same process: no RateLimit layer, so the process-wide gate. */
const effectProgram = (options: BinanceConfig.Options = {}) =>
  PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(
    Effect.provide(Layer.mergeAll(
      Credentials.layerHmac({ apiKey: KEY_B, secretKey: SECRET_B }),
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
    it(`${name} to client A holds client B and an Effect program (other keys, same IP) back for ${pauseMs} ms`, async () => {
      const a = createClient({ apiKey: KEY, secretKey: SECRET, baseUrl, maxRetries: 0 })
      const b = createClient({ apiKey: KEY_B, secretKey: SECRET_B, baseUrl })
      try {
        await fault(FakeBinance.Fault.respond(reply))
        const error = await rejection(a.pmAccountInfo({ asset: "BTC" }))
        expect(error).toMatchObject({ _tag: "RateLimited", status: 429 })
        const after429 = Date.now()
        const results = await Promise.all([
          ...Array.from({ length: 4 }, () => b.pmAccountInfo({ asset: "BTC" })),
          Effect.runPromise(effectProgram())
        ])
        expect(results).toHaveLength(5)
        const log = await pmRequests()
        // the 429 and then the five others, none of them before the pause ended
        expect(log).toHaveLength(6)
        expect(Date.now() - after429).toBeGreaterThanOrEqual(pauseMs - 50)
        for (const entry of log.slice(1)) expect(entry.time - log[0]!.time).toBeGreaterThanOrEqual(pauseMs - 50)
      } finally {
        await Promise.all([a.close(), b.close()])
      }
    })
  }

  it("a 403 (firewall) to an Effect program: WafBlocked, not retried, and a Promise client that will not wait sends nothing", async () => {
    const client = createClient({ apiKey: KEY, secretKey: SECRET, baseUrl, maxRetryAfterWaitMs: 200 })
    try {
      await fault(
        FakeBinance.Fault.respond({ status: 403, body: "<html><h1>403 Forbidden</h1>Request blocked.</html>" })
      )
      const error = await Effect.runPromise(Effect.flip(effectProgram()))
      expect(error).toMatchObject({ _tag: "WafBlocked", status: 403, excerpt: "403 Forbidden Request blocked." })
      expect(error.message).toMatch(/firewall/)
      expect(error.message).not.toMatch(/refused the API key/)
      const refused = await rejection(client.pmAccountInfo({ asset: "BTC" }))
      expect(refused).toMatchObject({ _tag: "WafBlocked" })
      expect((refused as unknown as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(200)
      expect(await pmRequests()).toHaveLength(1)
    } finally {
      await client.close()
    }
  })

  it("a client that names another egress has a budget of its own; the default ones share theirs", async () => {
    const proxied = createClient({ apiKey: KEY, secretKey: SECRET, baseUrl, egress: "proxy-eu-2" })
    const local = createClient({ apiKey: KEY, secretKey: SECRET, baseUrl, maxRetryAfterWaitMs: 0 })
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
})

describe("promise.createClient: signals and closing", () => {
  it("aborting the signal aborts the request in flight and rejects with AbortError; an aborted signal sends nothing", async () => {
    // the server holds the request past the spec's own timeout: the call can only settle if the abort works
    await Effect.runPromise(fake.enqueueFault(FakeBinance.Fault.delay("10 minutes")))
    const client = createClient({ apiKey: KEY, secretKey: SECRET, baseUrl })
    try {
      const controller = new AbortController()
      const pending = rejection(client.pmAccountInfo({ asset: "BTC" }, { signal: controller.signal }))
      await until("the request reaches the fake", async () => (await requestCount()) === 1)
      controller.abort()
      const error = await pending
      expect(error).toBeInstanceOf(AbortError)
      expect(error).toMatchObject({ _tag: "Aborted", name: "AbortError" })
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(0)
      const early = await rejection(client.pmAccountInfo({ asset: "BTC" }, { signal: AbortSignal.abort() }))
      expect(early).toMatchObject({ _tag: "Aborted" })
      expect(await requestCount()).toBe(1)
    } finally {
      await client.close()
    }
  })

  it("close() cancels calls still running (ClientClosed, during: true); later calls reject with during: false", async () => {
    await Effect.runPromise(fake.enqueueFault(FakeBinance.Fault.delay("10 minutes")))
    const client = createClient({ apiKey: KEY, secretKey: SECRET, baseUrl })
    const pending = rejection(client.pmAccountInfo({ asset: "BTC" }))
    await until("the request reaches the fake", async () => (await requestCount()) === 1)
    await client.close()
    expect(await pending).toMatchObject({ _tag: "ClientClosed", during: true })
    expect(await rejection(client.pmAccountInfo({ asset: "BTC" }))).toMatchObject({
      _tag: "ClientClosed",
      during: false
    })
    expect(await requestCount()).toBe(1)
  })

  it("64 concurrent calls on one client, with and without a shared signal, raise no process warning and leave no listener", async () => {
    const warnings: Array<Error> = []
    const onWarning = (warning: Error) => warnings.push(warning)
    process.on("warning", onWarning)
    const client = createClient({ apiKey: KEY, secretKey: SECRET, baseUrl, weightLimit: 1_000_000 })
    try {
      await Effect.runPromise(fake.setWeightLimit(1_000_000))
      const shared = new AbortController()
      const calls = Array.from(
        { length: 64 },
        (_, i) => client.pmAccountInfo({ asset: "BTC" }, i % 2 === 0 ? { signal: shared.signal } : undefined)
      )
      expect(await Promise.all(calls)).toHaveLength(64)
      // the calls are done: nothing is left listening on their signal
      expect(getEventListeners(shared.signal, "abort")).toHaveLength(0)
      const more = Array.from({ length: 64 }, () => client.pmAccountInfo({ asset: "BTC" }, { signal: shared.signal }))
      shared.abort()
      const outcomes = await Promise.allSettled(more)
      expect(outcomes.every((o) => o.status === "fulfilled" || (o.reason as Error).name === "AbortError")).toBe(true)
      expect(getEventListeners(shared.signal, "abort")).toHaveLength(0)
      // warnings are emitted on the next tick
      await new Promise((resolve) => setImmediate(resolve))
      expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([])
    } finally {
      process.off("warning", onWarning)
      await client.close()
    }
  })
})
