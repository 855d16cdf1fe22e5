// BinanceHttpClient against a real loopback node:http server (127.0.0.1 only): the response it hands over (a
// buffered HttpClientResponse of its own, no web Response), keep-alive, abort, reset and truncation.
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/testing/TestClock"
import * as NodeHttp from "node:http"
import type * as Net from "node:net"
import * as BinanceClock from "../src/BinanceClock.js"
import * as BinanceConfig from "../src/BinanceConfig.js"
import * as BinanceHttpClient from "../src/BinanceHttpClient.js"
import * as Credentials from "../src/Credentials.js"
import * as Http from "../src/internal/http.js"
import * as PortfolioMargin from "../src/PortfolioMargin.js"
import * as RateLimit from "../src/RateLimit.js"
import { KEY, SECRET } from "./helpers.js"

type Handler = (req: NodeHttp.IncomingMessage, res: NodeHttp.ServerResponse) => void

interface TestServer {
  readonly baseUrl: string
  readonly requests: () => number
  readonly sockets: () => { readonly opened: number; readonly closed: number }
}

/** A loopback server for the scope; it counts requests and sockets. */
const serve = (handler: Handler) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly server: NodeHttp.Server; readonly test: TestServer }>((resume) => {
      let requests = 0
      const sockets: Array<{ closed: boolean }> = []
      const server = NodeHttp.createServer((req, res) => {
        requests++
        req.resume()
        req.on("end", () => handler(req, res))
      })
      server.on("connection", (socket: Net.Socket) => {
        const entry = { closed: false }
        socket.on("close", () => {
          entry.closed = true
        })
        sockets.push(entry)
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as Net.AddressInfo
        resume(Effect.succeed({
          server,
          test: {
            baseUrl: `http://127.0.0.1:${port}`,
            requests: () => requests,
            sockets: () => ({ opened: sockets.length, closed: sockets.filter((s) => s.closed).length })
          }
        }))
      })
    }),
    ({ server }) =>
      Effect.callback<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ test }) => test))

/** Waits until `done` holds, checking every few ms; dies after 20 s. */
const until = (what: string, done: () => boolean) =>
  Effect.gen(function*() {
    const deadline = Date.now() + 20_000
    while (!done()) {
      if (Date.now() > deadline) return yield* Effect.die(new Error(`timed out waiting until ${what}`))
      yield* Effect.sleep("5 millis")
    }
  })

const reasonOf = (exit: Exit.Exit<unknown, unknown>): string | undefined => {
  if (!Exit.isFailure(exit)) return undefined
  const error = Cause.squash(exit.cause) as { readonly reason?: { readonly _tag: string } }
  return error.reason?._tag
}

describe("BinanceHttpClient (loopback)", () => {
  it.live("hands over status, headers, cookies, text, json, bytes, stream, url and remote address", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => {
        res.setHeader("set-cookie", ["a=1; Path=/", "b=2; Path=/"])
        res.writeHead(200, { "content-type": "application/json", "X-MBX-USED-WEIGHT-1M": "7" })
        res.end("\uFEFF{\"ok\":true,\"n\":\"€\"}")
      })
      const client = yield* BinanceHttpClient.make()
      const response = yield* client.execute(HttpClientRequest.get(`${server.baseUrl}/x?q=1#frag`))
      expect(response.status).toBe(200)
      expect(response.headers["x-mbx-used-weight-1m"]).toBe("7")
      expect(response.headers["content-type"]).toBe("application/json")
      expect(response.headers).toBe(response.headers) // built once
      expect(Object.keys(response.cookies.cookies).sort()).toEqual(["a", "b"])
      expect(yield* response.text).toBe("{\"ok\":true,\"n\":\"€\"}") // byte-order mark dropped, as TextDecoder
      expect(yield* response.json).toEqual({ ok: true, n: "€" })
      const bytes = new Uint8Array(yield* response.arrayBuffer)
      expect(Buffer.from(bytes).toString("utf8")).toBe("\uFEFF{\"ok\":true,\"n\":\"€\"}")
      const streamed = yield* Stream.runCollect(response.stream)
      expect(Buffer.concat(Array.from(streamed)).equals(Buffer.from(bytes))).toBe(true)
      expect(response.url).toBe(`${server.baseUrl}/x?q=1`)
      expect(response.remoteAddress).toEqual(Option.some("127.0.0.1"))
      const params = yield* Effect.exit(response.formData)
      expect(Exit.isFailure(params)).toBe(true)
      expect(reasonOf(params)).toBe("DecodeError")
      expect(reasonOf(yield* Effect.exit(response.upgrade))).toBe("StatusCodeError")
      expect(JSON.stringify(response)).toContain("\"status\":200")
    }))

  it.live("a url-encoded body reads as url params; a 204 has an empty text and no stream", () =>
    Effect.gen(function*() {
      const server = yield* serve((req, res) => {
        if (req.url === "/empty") {
          res.writeHead(204)
          return res.end()
        }
        res.writeHead(200, { "content-type": "application/x-www-form-urlencoded" })
        res.end("a=1&b=two")
      })
      const client = yield* BinanceHttpClient.make()
      const form = yield* client.execute(HttpClientRequest.get(`${server.baseUrl}/form`))
      expect(Array.from(yield* form.urlParamsBody)).toEqual([["a", "1"], ["b", "two"]])
      const empty = yield* client.execute(HttpClientRequest.get(`${server.baseUrl}/empty`))
      expect(empty.status).toBe(204)
      expect(yield* empty.text).toBe("")
      expect(yield* empty.json).toBe(null)
      expect(reasonOf(yield* Effect.exit(Stream.runCollect(empty.stream)))).toBe("EmptyBodyError")
    }))

  it.live("keeps the connection alive: sequential calls share one socket", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => res.end("ok"))
      const client = yield* BinanceHttpClient.make()
      for (let i = 0; i < 5; i++) {
        const response = yield* client.execute(HttpClientRequest.get(server.baseUrl))
        expect(yield* response.text).toBe("ok")
      }
      expect(server.requests()).toBe(5)
      expect(server.sockets().opened).toBe(1)
    }))

  it.live("interruption aborts the request in flight: the server sees its socket close", () =>
    Effect.gen(function*() {
      const server = yield* serve(() => {}) // never answers
      const client = yield* BinanceHttpClient.make()
      const fiber = yield* Effect.forkChild(client.execute(HttpClientRequest.get(server.baseUrl)))
      yield* until("the request arrives", () => server.requests() === 1)
      yield* Fiber.interrupt(fiber)
      yield* until("its socket closes", () => server.sockets().closed === 1)
    }))

  it.live("a connection reset is a TransportError reason", () =>
    Effect.gen(function*() {
      const server = yield* serve((req) => req.socket.resetAndDestroy())
      const client = yield* BinanceHttpClient.make()
      const exit = yield* Effect.exit(client.execute(HttpClientRequest.get(server.baseUrl)))
      expect(reasonOf(exit)).toBe("TransportError")
    }))

  it.live("a body cut short is a DecodeError reason, and pmAccountInfo's TransportError", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": "100" })
        res.write("{\"asset\":")
        setTimeout(() => res.socket?.destroy(), 5)
      })
      const client = yield* BinanceHttpClient.make()
      const exit = yield* Effect.exit(client.execute(HttpClientRequest.get(server.baseUrl)))
      expect(reasonOf(exit)).toBe("DecodeError")
      const error = yield* Effect.flip(
        PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(
          Effect.provide(Layer.mergeAll(
            Layer.succeed(HttpClient.HttpClient, client),
            Credentials.layerHmac({ apiKey: KEY, secretKey: SECRET }),
            BinanceClock.layer,
            RateLimit.layer,
            BinanceConfig.layer({ baseUrl: server.baseUrl, maxRetries: 0 })
          ))
        )
      )
      expect(error._tag).toBe("TransportError")
      expect(String(error)).not.toContain(SECRET)
    }))
})

// This library's own requests skip HttpClient.make's wrapper when the client is BinanceHttpClient's own object; a
// client the caller wrapped goes through `execute`. Both paths must behave the same.
describe("pmAccountInfo over BinanceHttpClient: the direct path and the HttpClient path agree", () => {
  const BODY = "{\"asset\":\"BTC\",\"maxWithdrawAmount\":\"1.5\",\"maxWithdrawAmountUSD\":\"2.5\"}"
  const call = (client: HttpClient.HttpClient, baseUrl: string, timeout: Duration.Input = "2 seconds") =>
    PortfolioMargin.pmAccountInfoResult({ asset: "BTC" }).pipe(
      Effect.provide(Layer.mergeAll(
        Layer.succeed(HttpClient.HttpClient, client),
        Credentials.layerHmac({ apiKey: KEY, secretKey: SECRET }),
        BinanceClock.layer,
        RateLimit.layer,
        BinanceConfig.layer({ baseUrl, maxRetries: 0, timeout })
      ))
    )
  // The client as made (direct: its `execute` is spied on and must not be called), and the same client behind a
  // caller's `mapRequest` (through HttpClient: each request is counted there).
  const clients = Effect.gen(function*() {
    const made = yield* BinanceHttpClient.make()
    let executed = 0
    let mapped = 0
    const execute = made.execute
    const spied = Object.assign(made, {
      execute: (request: HttpClientRequest.HttpClientRequest) => {
        executed++
        return execute(request)
      }
    })
    return {
      direct: spied,
      wrapped: HttpClient.mapRequest(spied, (request) => {
        mapped++
        return request
      }),
      executed: () => executed,
      mapped: () => mapped
    }
  })

  it.live("an answer: the same result, the direct one without `execute`, over one kept-alive socket", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => {
        res.writeHead(200, { "content-type": "application/json", "x-mbx-used-weight-1m": "7" })
        res.end(BODY)
      })
      const { direct, executed, mapped, wrapped } = yield* clients
      const first = yield* call(direct, server.baseUrl)
      const second = yield* call(direct, server.baseUrl)
      expect([executed(), mapped()]).toEqual([0, 0])
      const third = yield* call(wrapped, server.baseUrl)
      expect([executed(), mapped()]).toEqual([0, 1])
      for (const result of [first, second, third]) {
        expect(result).toMatchObject({ response: JSON.parse(BODY), usedWeight: 7, attempts: 1 })
      }
      expect(server.sockets().opened).toBe(1)
    }))

  it.live("errors: the same typed error and description for a refusal, a reset and a body cut short", () =>
    Effect.gen(function*() {
      const { direct, wrapped } = yield* clients
      const both = (baseUrl: string) =>
        Effect.all([Effect.flip(call(direct, baseUrl)), Effect.flip(call(wrapped, baseUrl))])
      const refused = yield* serve((_req, res) => {
        res.writeHead(400, { "content-type": "application/json" })
        res.end("{\"code\":-2015,\"msg\":\"Invalid API-key, IP, or permissions for action.\"}")
      })
      const reset = yield* serve((req) => req.socket.resetAndDestroy())
      const cut = yield* serve((_req, res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": "100" })
        res.write("{\"asset\":")
        setTimeout(() => res.socket?.destroy(), 5)
      })
      const [a, b] = yield* both(refused.baseUrl)
      expect(a).toMatchObject({ _tag: "Unauthorized", status: 400, code: -2015 })
      expect(b).toEqual(a)
      for (const server of [reset, cut]) {
        const [direct, wrapped] = yield* both(server.baseUrl)
        expect(direct._tag).toBe("TransportError")
        expect(wrapped).toEqual(direct)
      }
      const [cutShort] = yield* both(cut.baseUrl)
      expect(cutShort).toMatchObject({ description: expect.stringMatching(/^response Decode: /) })
    }))

  it.live("an interrupt stops the request in flight on both paths: the server sees each socket close", () =>
    Effect.gen(function*() {
      const server = yield* serve(() => {}) // never answers
      const { direct, wrapped } = yield* clients
      for (const [n, client] of [[1, direct], [2, wrapped]] as const) {
        const fiber = yield* Effect.forkChild(call(client, server.baseUrl))
        yield* until("the request arrives", () => server.requests() === n)
        yield* Fiber.interrupt(fiber)
        yield* until("its socket closes", () => server.sockets().closed === n)
      }
    }))

  it.live("a deadline on the live clock: Timeout on both paths, and the server sees each socket close", () =>
    Effect.gen(function*() {
      const server = yield* serve(() => {}) // never answers
      const { direct, wrapped } = yield* clients
      for (const [n, client] of [[1, direct], [2, wrapped]] as const) {
        const error = yield* Effect.flip(call(client, server.baseUrl, "150 millis"))
        expect(error).toMatchObject({ _tag: "Timeout", timeoutMs: 150 })
        yield* until("its socket closes", () => server.sockets().closed === n)
      }
    }))

  it.effect("a deadline on a TestClock: the direct path times out when the TestClock says so, not before", () =>
    Effect.gen(function*() {
      const server = yield* serve(() => {}) // never answers
      const { direct } = yield* clients
      const fiber = yield* Effect.forkChild(call(direct, server.baseUrl, "10 seconds"))
      // Real time passes while the request travels; the TestClock stands still.
      while (server.requests() === 0) yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
      yield* TestClock.adjust("9999 millis")
      expect(fiber.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust("1 millis")
      expect(yield* Effect.flip(Fiber.join(fiber))).toMatchObject({ _tag: "Timeout", timeoutMs: 10_000 })
      while (server.sockets().closed === 0) {
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
      }
    }))

  it.live("what the answer's handler throws ends the call as a defect on both paths, never the process", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => {
        res.writeHead(200, { "content-type": "application/json" })
        res.end(BODY)
      })
      const { direct, wrapped } = yield* clients
      const config = Result.getOrThrow(BinanceConfig.make({ baseUrl: server.baseUrl }))
      const clock = yield* Effect.clockWith((clock) => Effect.succeed(clock))
      const boom = new Error("the handler broke")
      for (const client of [direct, wrapped]) {
        const exit = yield* Effect.exit(
          Http.get(client, config, clock, () => `${server.baseUrl}/fapi/v1/time`, undefined, () => {
            throw boom
          })
        )
        expect(Exit.isFailure(exit) && Cause.hasDies(exit.cause)).toBe(true)
        expect(Exit.isFailure(exit) && Cause.squash(exit.cause)).toBe(boom)
      }
      expect(server.requests()).toBe(2)
    }))
})
