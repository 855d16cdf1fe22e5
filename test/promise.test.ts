import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Http from "node:http"
import type * as Net from "node:net"
import { BinanceError } from "../src/index.js"
import { AbortError, createClient, isClientError } from "../src/promise.js"
import { FakeBinance } from "../src/testing.js"
import { API_KEY, HMAC_SECRET } from "./utils/keys.js"

const serve = FakeBinance.serve({
  accounts: [{
    apiKey: API_KEY,
    hmacSecret: HMAC_SECRET,
    assets: {
      BTC: { maxWithdrawAmount: "27.43689636", maxWithdrawAmountUSD: "1627523.32459208" },
      USDT: { maxWithdrawAmount: "100.50000000", maxWithdrawAmountUSD: "100.50000000" }
    }
  }]
})

const clientFor = (baseUrl: string, options: Record<string, unknown> = {}) =>
  Effect.acquireRelease(
    Effect.sync(() => createClient({ apiKey: API_KEY, secretKey: HMAC_SECRET, baseUrl, ...options })),
    (client) => Effect.promise(() => client.close())
  )

/**
 * Waits until `done` holds, checking every few ms: a condition to wait for, never a guessed delay. Fails after
 * 20 s (a loaded 2-core machine still does any of these in well under a second).
 */
const until = (what: string, done: () => Effect.Effect<boolean>) =>
  Effect.gen(function*() {
    const deadline = Date.now() + 20_000
    while (!(yield* done())) {
      if (Date.now() > deadline) return yield* Effect.die(new Error(`timed out waiting until ${what}`))
      yield* Effect.sleep("5 millis")
    }
  })

describe("Promise API", () => {
  it.scopedLive("resolves to Binance's exact decimal strings", () =>
    Effect.gen(function*() {
      const { baseUrl } = yield* serve
      const client = yield* clientFor(baseUrl)
      const btc = yield* Effect.promise(() => client.pmAccountInfo({ asset: "BTC" }))
      expect(btc).toEqual({ asset: "BTC", maxWithdrawAmount: "27.43689636", maxWithdrawAmountUSD: "1627523.32459208" })
      const usdt = yield* Effect.promise(() => client.pmAccountInfo({ asset: "USDT", recvWindow: 3000 }))
      expect(usdt.maxWithdrawAmount).toBe("100.50000000")
    }))

  it.scopedLive("rejects with the tagged error itself: an Error with _tag, status and code", () =>
    Effect.gen(function*() {
      const { baseUrl } = yield* serve
      const client = yield* clientFor(baseUrl)
      const error = yield* Effect.promise(() => client.pmAccountInfo({ asset: "DOGE" }).then(() => undefined, (e) => e))
      expect(error).toBeInstanceOf(Error)
      expect(error).toBeInstanceOf(BinanceError.BinanceApiError)
      expect(isClientError(error)).toBe(true)
      expect(isClientError(new Error("other"))).toBe(false)
      expect(isClientError(new AbortError(undefined))).toBe(true)
      expect(error).toMatchObject({ _tag: "BinanceApiError", status: 400, code: -1108 })
      expect(String(error)).not.toContain("FiberFailure")
      const wrongKey = createClient({ apiKey: API_KEY, secretKey: "0".repeat(64), baseUrl })
      const bad = yield* Effect.promise(() => wrongKey.pmAccountInfo({ asset: "BTC" }).then(() => undefined, (e) => e))
      expect(bad).toMatchObject({ _tag: "InvalidSignature", status: 400, code: -1022 })
      yield* Effect.promise(() => wrongKey.close())
    }))

  it.scopedLive("rejects with InvalidParameters for bad params, sending nothing", () =>
    Effect.gen(function*() {
      const { baseUrl, fake } = yield* serve
      const client = yield* clientFor(baseUrl)
      for (const params of [{ asset: "btc" }, { asset: "BTC", recvWindow: "5000" }, null, undefined, 42]) {
        const error = yield* Effect.promise(() => client.pmAccountInfo(params as never).then(() => undefined, (e) => e))
        expect(error).toMatchObject({ _tag: "InvalidParameters" })
      }
      expect(yield* fake.requestCount).toBe(0)
    }))

  it.scopedLive("maxRetries: 2 makes at most 3 requests", () =>
    Effect.gen(function*() {
      const { baseUrl, fake } = yield* serve
      yield* fake.enqueueFault(FakeBinance.Fault.serviceUnavailable("unavailable"), { count: 10 })
      const client = yield* clientFor(baseUrl, { maxRetries: 2 })
      const error = yield* Effect.promise(() => client.pmAccountInfo({ asset: "BTC" }).then(() => undefined, (e) => e))
      expect(error).toMatchObject({ _tag: "ServerError", status: 503 })
      expect(yield* fake.requestCount).toBe(3)
    }))

  it.scopedLive("a Retry-After beyond maxRetryAfterWaitMs rejects at once with RateLimited.retryAfterMs", () =>
    Effect.gen(function*() {
      const { baseUrl, fake } = yield* serve
      yield* fake.enqueueFault(FakeBinance.Fault.rateLimited(30))
      const client = yield* clientFor(baseUrl, { maxRetryAfterWaitMs: 1000 })
      const error = yield* Effect.promise(() => client.pmAccountInfo({ asset: "BTC" }).then(() => undefined, (e) => e))
      expect(error).toMatchObject({ _tag: "RateLimited", status: 429, retryAfterMs: 30000 })
      const again = yield* Effect.promise(() => client.pmAccountInfo({ asset: "BTC" }).then(() => undefined, (e) => e))
      expect(again).toMatchObject({ _tag: "RateLimited" })
      expect(yield* fake.requestCount).toBe(1)
    }))

  it.scopedLive("aborting the signal aborts the request in flight and rejects with AbortError", () =>
    Effect.gen(function*() {
      const { baseUrl, fake } = yield* serve
      // the server holds the request past the spec's own timeout: the call can only settle if the abort works
      yield* fake.enqueueFault(FakeBinance.Fault.delay("10 minutes"))
      const client = yield* clientFor(baseUrl)
      const controller = new AbortController()
      const pending = client.pmAccountInfo({ asset: "BTC" }, { signal: controller.signal }).then(
        () => undefined,
        (e) => e
      )
      // abort once the request is at the server (in flight), not after a guessed delay
      yield* until("the request reaches the fake", () => Effect.map(fake.requestCount, (n) => n === 1))
      controller.abort()
      const error = yield* Effect.promise(() => pending)
      expect(error).toBeInstanceOf(AbortError)
      expect(error).toMatchObject({ _tag: "Aborted", name: "AbortError" })
      // an already-aborted signal sends nothing
      const before = yield* fake.requestCount
      const early = yield* Effect.promise(() =>
        client.pmAccountInfo({ asset: "BTC" }, { signal: AbortSignal.abort() }).then(() => undefined, (e) => e)
      )
      expect(early).toMatchObject({ _tag: "Aborted" })
      expect(yield* fake.requestCount).toBe(before)
    }))

  it.scopedLive("close() ends the client: later calls reject and nothing is sent", () =>
    Effect.gen(function*() {
      const { baseUrl, fake } = yield* serve
      const client = createClient({ apiKey: API_KEY, secretKey: HMAC_SECRET, baseUrl })
      yield* Effect.promise(() => client.pmAccountInfo({ asset: "BTC" }))
      yield* Effect.promise(() => client.close())
      const error = yield* Effect.promise(() => client.pmAccountInfo({ asset: "BTC" }).then(() => undefined, (e) => e))
      expect(error).toMatchObject({ _tag: "ClientClosed", during: false })
      expect(yield* fake.requestCount).toBe(1)
    }))

  it.scopedLive("close() cancels calls still running: they reject at once, and the server sees the socket close", () =>
    Effect.gen(function*() {
      const { baseUrl, fake } = yield* serve
      // held past the spec's own timeout: the call can only settle if close() cancels it
      yield* fake.enqueueFault(FakeBinance.Fault.delay("10 minutes"))
      const client = createClient({ apiKey: API_KEY, secretKey: HMAC_SECRET, baseUrl })
      const pending = client.pmAccountInfo({ asset: "BTC" }).then(() => undefined, (e) => e)
      yield* until("the request reaches the fake", () => Effect.map(fake.requestCount, (n) => n === 1))
      yield* Effect.promise(() => client.close())
      const error = yield* Effect.promise(() => pending)
      expect(error).toMatchObject({ _tag: "ClientClosed", during: true })
      expect(yield* fake.requestCount).toBe(1)
    }))

  describe("close() closes the client's sockets (seen from the server)", () => {
    /**
     * A loopback server that answers pmAccountInfo (no signature check) or holds the request, and tells when
     * the server side of each connection sees its socket close.
     */
    const socketServer = (hold: boolean) =>
      Effect.acquireRelease(
        Effect.async<{ readonly server: Http.Server; readonly baseUrl: string }>((resume) => {
          const server = Http.createServer((_request, response) => {
            if (hold) return // never answered: only the client can end it
            response.writeHead(200, { "content-type": "application/json" })
            response.end(JSON.stringify({ asset: "BTC", maxWithdrawAmount: "1", maxWithdrawAmountUSD: "2" }))
          })
          server.keepAliveTimeout = 10 * 60_000 // the server never closes an idle connection by itself
          server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as Net.AddressInfo
            resume(Effect.succeed({ server, baseUrl: `http://127.0.0.1:${port}` }))
          })
        }),
        ({ server }) =>
          Effect.async<void>((resume) => {
            server.closeAllConnections()
            server.close(() => resume(Effect.void))
          })
      )

    const track = (server: Http.Server) => {
      const sockets: Array<{ closed: boolean }> = []
      server.on("connection", (socket: Net.Socket) => {
        const entry = { closed: false }
        sockets.push(entry)
        socket.on("close", () => {
          entry.closed = true
        })
      })
      return sockets
    }

    it.scopedLive("an idle keep-alive socket after a call", () =>
      Effect.gen(function*() {
        const { baseUrl, server } = yield* socketServer(false)
        const sockets = track(server)
        const client = createClient({ apiKey: API_KEY, secretKey: HMAC_SECRET, baseUrl })
        expect(yield* Effect.promise(() => client.pmAccountInfo({ asset: "BTC" }))).toMatchObject({ asset: "BTC" })
        expect(sockets).toHaveLength(1)
        expect(sockets[0]!.closed).toBe(false) // kept alive for the next call
        yield* Effect.promise(() => client.close())
        yield* until("the server sees the socket close", () => Effect.sync(() => sockets.every((s) => s.closed)))
      }))

    it.scopedLive("a socket with a call in flight", () =>
      Effect.gen(function*() {
        const { baseUrl, server } = yield* socketServer(true)
        const sockets = track(server)
        const client = createClient({ apiKey: API_KEY, secretKey: HMAC_SECRET, baseUrl, timeoutMs: 600_000 })
        const pending = client.pmAccountInfo({ asset: "BTC" }).then(() => "resolved", () => "rejected")
        yield* until("the request reaches the server", () => Effect.sync(() => sockets.length === 1))
        yield* Effect.promise(() => client.close())
        expect(yield* Effect.promise(() => pending)).toBe("rejected")
        yield* until("the server sees the socket close", () => Effect.sync(() => sockets.every((s) => s.closed)))
        expect(sockets).toHaveLength(1)
      }))
  })

  describe("createClient validates eagerly and throws synchronously", () => {
    const cases: ReadonlyArray<[Record<string, unknown>, string]> = [
      [{ secretKey: HMAC_SECRET }, "apiKey"],
      [{ apiKey: API_KEY }, "secretKey"],
      [{ apiKey: API_KEY, secretKey: HMAC_SECRET, privateKey: "x" }, "secretKey"],
      [{ apiKey: API_KEY, privateKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----" }, "privateKey"],
      [{ apiKey: API_KEY, secretKey: HMAC_SECRET, baseUrl: "http://example.com" }, "baseUrl"],
      [{ apiKey: API_KEY, secretKey: HMAC_SECRET, baseUrl: "ftp://fapi.binance.com" }, "baseUrl"],
      [{ apiKey: API_KEY, secretKey: HMAC_SECRET, baseUrl: "https://fapi.binance.com/fapi/v1" }, "baseUrl"],
      [{ apiKey: API_KEY, secretKey: HMAC_SECRET, environment: "mainnet" }, "environment"],
      [{ apiKey: API_KEY, secretKey: HMAC_SECRET, recvWindow: 60001 }, "recvWindow"],
      [{ apiKey: API_KEY, secretKey: HMAC_SECRET, timeoutMs: 0 }, "timeoutMs"],
      [{ apiKey: API_KEY, secretKey: HMAC_SECRET, timeoutMs: NaN }, "timeoutMs"],
      [{ apiKey: API_KEY, secretKey: HMAC_SECRET, maxRetries: -1 }, "maxRetries"],
      [{ apiKey: API_KEY, secretKey: HMAC_SECRET, privateKeyPassphrase: "x" }, "privateKeyPassphrase"],
      [{ apiKey: API_KEY, secretKey: HMAC_SECRET, secretkey: "typo" }, "secretkey"]
    ]
    for (const [options, field] of cases) {
      it(`${Object.keys(options).join(", ")} → InvalidConfiguration(${field})`, () => {
        let thrown: unknown
        try {
          createClient(options as never)
        } catch (error) {
          thrown = error
        }
        expect(thrown).toBeInstanceOf(Error)
        expect(thrown).toMatchObject({ _tag: "InvalidConfiguration", field })
        expect(String(thrown)).not.toContain(HMAC_SECRET)
      })
    }
    it("non-object options", () => {
      expect(() => createClient(null as never)).toThrow(/options/)
    })
  })
})
