// BinanceHttpClient against a real loopback node:http server (127.0.0.1 only).
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Tracer from "effect/Tracer"
import * as Http from "node:http"
import * as Https from "node:https"
import type * as Net from "node:net"
import * as BinanceHttpClient from "../src/BinanceHttpClient.js"
import * as FakeBinance from "../src/FakeBinance.js"
import * as Package from "../src/index.js"
import { Amount, BinanceClock, BinanceConfig, Credentials, PortfolioMargin, RateLimit } from "../src/index.js"
import { BTC, hmacAccount, KEY, SECRET } from "./FakeBinance.helpers.js"
import { TLS_CERT, TLS_KEY } from "./utils/tls.js"

interface Seen {
  readonly method: string
  readonly url: string
  readonly headers: Http.IncomingHttpHeaders
  readonly body: string
  readonly socket: number
}

interface TestServer {
  readonly baseUrl: string
  readonly seen: Array<Seen>
  /** Sockets opened so far, and how many of them have closed. */
  readonly sockets: () => { readonly opened: number; readonly closed: number }
  /** Resolves when the socket that carried request `index` closes. */
  readonly socketClosed: (index: number) => Promise<void>
  /** Resolves once `count` requests have arrived. */
  readonly received: (count: number) => Promise<void>
}

type Handler = (req: Http.IncomingMessage, res: Http.ServerResponse, body: string) => void

/** A loopback server for the scope, answering with `handler`; it records every request and socket. */
const serve = (handler: Handler) =>
  Effect.acquireRelease(
    Effect.async<{ readonly server: Http.Server; readonly test: TestServer }>((resume) => {
      const seen: Array<Seen> = []
      const sockets: Array<{ closed: boolean; onClose: Promise<void> }> = []
      const socketIds = new WeakMap<Net.Socket, number>()
      const waiting: Array<{ count: number; resolve: () => void }> = []
      const server = Http.createServer((req, res) => {
        const chunks: Array<Buffer> = []
        req.on("data", (chunk: Buffer) => chunks.push(chunk))
        req.on("end", () => {
          const body = Buffer.concat(chunks).toString("utf8")
          const socket = socketIds.get(req.socket)!
          seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body, socket })
          for (const w of waiting.filter((w) => seen.length >= w.count)) w.resolve()
          handler(req, res, body)
        })
      })
      server.on("connection", (socket) => {
        const entry = { closed: false, onClose: new Promise<void>((resolve) => socket.on("close", () => resolve())) }
        void entry.onClose.then(() => {
          entry.closed = true
        })
        socketIds.set(socket, sockets.length)
        sockets.push(entry)
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address() as Net.AddressInfo
        resume(Effect.succeed({
          server,
          test: {
            baseUrl: `http://127.0.0.1:${address.port}`,
            seen,
            sockets: () => ({ opened: sockets.length, closed: sockets.filter((s) => s.closed).length }),
            socketClosed: (index) => sockets[seen[index]!.socket]!.onClose,
            received: (count) =>
              seen.length >= count ? Promise.resolve() : new Promise((resolve) => waiting.push({ count, resolve }))
          }
        }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ test }) => test))

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Handler => (_req, res) => {
  const text = JSON.stringify(body)
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers })
  res.end(text)
}

const client = (scope: Scope.Scope) => Scope.extend(BinanceHttpClient.make(), scope)
const wait = (promise: () => Promise<void>) => Effect.promise(promise)

/**
 * Waits until `done` holds, checking every few ms: a condition, never a guessed delay. Dies after 20 s (any of
 * these takes well under a second even on a loaded 2-core machine).
 */
const until = (what: string, done: () => boolean) =>
  Effect.gen(function*() {
    const deadline = Date.now() + 20_000
    while (!done()) {
      if (Date.now() > deadline) return yield* Effect.die(new Error(`timed out waiting until ${what}`))
      yield* Effect.sleep("5 millis")
    }
  })

/**
 * The client's view of a response (NodeResponse internals, for specs that must know where a read stands). The
 * traced path hands out the platform's wrapper, which keeps ours as `original`.
 */
const nodeResponse = (response: object): object => "original" in response ? response.original as object : response
const sourceOf = (response: object) => (nodeResponse(response) as { readonly source: Http.IncomingMessage }).source
const bodyState = (response: object) =>
  (nodeResponse(response) as { readonly body: { readonly _tag: string } }).body._tag

// Every behaviour holds on both paths: through the platform's HttpClient.make wrapper (a span would be made)
// and straight to the socket (tracing off, as this library's own requests are).
const modes = [
  { name: "traced (platform wrapper)", apply: <A, E, R>(e: Effect.Effect<A, E, R>) => e },
  { name: "untraced (direct)", apply: <A, E, R>(e: Effect.Effect<A, E, R>) => Effect.withTracerEnabled(e, false) }
]

for (const mode of modes) {
  describe(`BinanceHttpClient, ${mode.name}`, () => {
    it.scopedLive("sends a GET with its headers; gives status, headers and body", () =>
      Effect.gen(function*() {
        const server = yield* serve(json(201, { hello: "world" }, { "x-mbx-used-weight-1m": "5", "set-cookie": "a=1" }))
        const http = yield* BinanceHttpClient.make()
        const response = yield* http.get(`${server.baseUrl}/fapi/v1/pmAccountInfo?asset=BTC&signature=a%2Bb`, {
          headers: { "X-MBX-APIKEY": "key-1", accept: "application/json" }
        })
        expect(response.status).toBe(201)
        expect(response.headers["x-mbx-used-weight-1m"]).toBe("5")
        expect(response.headers["content-type"]).toBe("application/json")
        expect(response.cookies.cookies.a?.value).toBe("1")
        expect(yield* response.json).toEqual({ hello: "world" })
        // The body is read once and kept: every accessor sees it.
        expect(yield* response.text).toBe("{\"hello\":\"world\"}")
        expect(new TextDecoder().decode(yield* response.arrayBuffer)).toBe("{\"hello\":\"world\"}")
        expect(server.seen).toHaveLength(1)
        const seen = server.seen[0]!
        expect(seen.method).toBe("GET")
        // The query goes out byte for byte as given (a signature must never be re-encoded).
        expect(seen.url).toBe("/fapi/v1/pmAccountInfo?asset=BTC&signature=a%2Bb")
        expect(seen.headers["x-mbx-apikey"]).toBe("key-1")
        expect(seen.headers.accept).toBe("application/json")
      }).pipe(mode.apply))

    it.scopedLive("sends request bodies and streams response bodies", () =>
      Effect.gen(function*() {
        const server = yield* serve((_req, res, body) => {
          res.writeHead(200, { "content-type": "text/plain" })
          res.end(`echo:${body}`)
        })
        const http = yield* BinanceHttpClient.make()
        const posted = yield* http.execute(
          HttpClientRequest.post(`${server.baseUrl}/echo`).pipe(HttpClientRequest.bodyText("a=1"))
        )
        expect(yield* posted.text).toBe("echo:a=1")
        const request = HttpClientRequest.post(`${server.baseUrl}/echo`).pipe(
          HttpClientRequest.bodyStream(Stream.make(new TextEncoder().encode("x"), new TextEncoder().encode("y")))
        )
        const streamed = yield* http.execute(request)
        const chunks = yield* Stream.runCollect(streamed.stream)
        const text = Chunk.toReadonlyArray(chunks).map((c) => new TextDecoder().decode(c)).join("")
        expect(text).toBe("echo:xy")
        expect(server.seen.map((s) => [s.method, s.body, s.headers["content-type"]])).toEqual([
          ["POST", "a=1", "text/plain"],
          ["POST", "xy", "application/octet-stream"]
        ])
      }).pipe(mode.apply))

    it.scopedLive("keeps the connection alive: sequential calls share one socket", () =>
      Effect.gen(function*() {
        const server = yield* serve(json(200, { ok: true }))
        const http = yield* BinanceHttpClient.make()
        for (let i = 0; i < 5; i++) {
          const response = yield* http.get(`${server.baseUrl}/n/${i}`)
          expect(yield* response.json).toEqual({ ok: true })
        }
        expect(server.seen.map((s) => s.url)).toEqual(["/n/0", "/n/1", "/n/2", "/n/3", "/n/4"])
        expect(new Set(server.seen.map((s) => s.socket)).size).toBe(1)
        expect(server.sockets()).toEqual({ opened: 1, closed: 0 })
      }).pipe(mode.apply))

    it.scopedLive("interruption aborts the request in flight: the server sees its socket close", () =>
      Effect.gen(function*() {
        const server = yield* serve(() => {
          // never answers
        })
        const http = yield* BinanceHttpClient.make()
        const fiber = yield* Effect.fork(http.get(`${server.baseUrl}/slow`))
        yield* wait(() => server.received(1))
        const exit = yield* Fiber.interrupt(fiber)
        expect(Exit.isInterrupted(exit)).toBe(true)
        yield* wait(() => server.socketClosed(0))
        expect(server.sockets().closed).toBe(1)
      }).pipe(mode.apply))

    it.scopedLive("a timeout aborts the request too, and the client keeps working", () =>
      Effect.gen(function*() {
        let calls = 0
        const server = yield* serve((req, res) => {
          if (calls++ === 0) return // the first request hangs
          json(200, { ok: true })(req, res, "")
        })
        const http = yield* BinanceHttpClient.make()
        const timedOut = yield* Effect.flip(Effect.timeout(http.get(`${server.baseUrl}/a`), "100 millis"))
        expect(timedOut._tag).toBe("TimeoutException")
        yield* wait(() => server.socketClosed(0))
        const response = yield* http.get(`${server.baseUrl}/b`)
        expect(yield* response.json).toEqual({ ok: true })
      }).pipe(mode.apply))

    it.scopedLive("closing the scope destroys its sockets, idle ones included", () =>
      Effect.gen(function*() {
        const outer = yield* Scope.make()
        const server = yield* Scope.extend(serve(json(200, { ok: true })), outer)
        const scope = yield* Scope.make()
        const http = yield* client(scope)
        const response = yield* http.get(`${server.baseUrl}/x`)
        expect(yield* response.json).toEqual({ ok: true })
        expect(server.sockets()).toEqual({ opened: 1, closed: 0 }) // an idle keep-alive socket
        yield* Scope.close(scope, Exit.void)
        yield* wait(() => server.socketClosed(0))
        expect(server.sockets()).toEqual({ opened: 1, closed: 1 })
        yield* Scope.close(outer, Exit.void)
      }).pipe(mode.apply))

    it.scopedLive("a connection reset is a RequestError with reason Transport", () =>
      Effect.gen(function*() {
        const server = yield* serve((req) => {
          req.socket.resetAndDestroy()
        })
        const http = yield* BinanceHttpClient.make()
        const error = yield* Effect.flip(http.get(`${server.baseUrl}/reset`))
        expect(error._tag).toBe("RequestError")
        expect(error.reason).toBe("Transport")
        expect((error.cause as NodeJS.ErrnoException).code).toBe("ECONNRESET")
      }).pipe(mode.apply))

    it.scopedLive("nobody listening is a RequestError with reason Transport", () =>
      Effect.gen(function*() {
        const server = yield* serve(json(200, {}))
        const http = yield* BinanceHttpClient.make()
        // Find a port that was just free: listen, note it, close.
        const port = yield* Effect.async<number>((resume) => {
          const probe = Http.createServer().listen(0, "127.0.0.1", () => {
            const { port } = probe.address() as Net.AddressInfo
            probe.close(() => resume(Effect.succeed(port)))
          })
        })
        const error = yield* Effect.flip(http.get(`http://127.0.0.1:${port}/`))
        expect([error._tag, error.reason, (error.cause as NodeJS.ErrnoException).code]).toEqual([
          "RequestError",
          "Transport",
          "ECONNREFUSED"
        ])
        expect(server.seen).toHaveLength(0)
      }).pipe(mode.apply))

    it.scopedLive("a small body cut short fails the call with a ResponseError (reason Decode)", () =>
      Effect.gen(function*() {
        const server = yield* serve((_req, res) => {
          res.writeHead(200, { "content-type": "application/json", "content-length": "100" })
          // cut once the bytes are handed to the kernel: TCP delivers them before the close, no timer needed
          res.write("{\"partial\":", () => res.socket?.destroy())
        })
        const http = yield* BinanceHttpClient.make()
        const error = yield* Effect.flip(http.get(`${server.baseUrl}/truncated`))
        expect([error._tag, error.reason]).toEqual(["ResponseError", "Decode"])
        expect(error._tag === "ResponseError" && error.response.status).toBe(200)
      }).pipe(mode.apply))

    it.scopedLive("a large or chunked body is read on demand; cut short, reading it is a ResponseError", () =>
      Effect.gen(function*() {
        const held: Array<Http.ServerResponse> = []
        const server = yield* serve((req, res) => {
          // No content-length: chunked, so the client hands the response over before the body.
          res.writeHead(200, { "content-type": "text/plain" })
          // /read-now is cut by the spec once the read has begun; /read-late as soon as its bytes are sent
          res.write("abc", () => req.url === "/read-late" ? res.socket?.destroy() : held.push(res))
        })
        const http = yield* BinanceHttpClient.make()
        const response = yield* http.get(`${server.baseUrl}/read-now`)
        expect(response.status).toBe(200)
        const reading = yield* Effect.fork(Effect.flip(response.text))
        yield* until("the read has begun", () => bodyState(response) === "Reading" && held.length === 1)
        held[0]!.socket?.destroy()
        const error = yield* Fiber.join(reading)
        expect([error._tag, error.reason]).toEqual(["ResponseError", "Decode"])
        // Cut before anyone reads: the failure is kept for the read that comes later.
        const late = yield* http.get(`${server.baseUrl}/read-late`)
        yield* wait(() => server.socketClosed(1))
        yield* until("the client has seen the cut", () => sourceOf(late).destroyed)
        expect(bodyState(late)).toBe("Unread")
        const lateError = yield* Effect.flip(late.text)
        expect([lateError._tag, lateError.reason]).toEqual(["ResponseError", "Decode"])
      }).pipe(mode.apply))

    it.scopedLive("a large body is read on demand, in full", () =>
      Effect.gen(function*() {
        const big = "x".repeat(200_000)
        const server = yield* serve((_req, res) => {
          res.writeHead(200, { "content-length": String(big.length) })
          res.end(big)
        })
        const http = yield* BinanceHttpClient.make()
        const response = yield* http.get(`${server.baseUrl}/big`)
        expect((yield* response.text).length).toBe(big.length)
        expect((yield* response.arrayBuffer).byteLength).toBe(big.length)
      }).pipe(mode.apply))

    it.scopedLive("interrupting a body read destroys the connection instead of reusing it half-read", () =>
      Effect.gen(function*() {
        const server = yield* serve((_req, res) => {
          res.writeHead(200, { "content-type": "text/plain" }) // chunked: handed over before the body
          res.write("first part")
        })
        const http = yield* BinanceHttpClient.make()
        const response = yield* http.get(`${server.baseUrl}/slow-body`)
        const reading = yield* Effect.fork(response.text)
        yield* until("the read has begun", () => bodyState(response) === "Reading")
        yield* Fiber.interrupt(reading)
        yield* wait(() => server.socketClosed(0))
        expect(server.sockets()).toEqual({ opened: 1, closed: 1 })
      }).pipe(mode.apply))
  })
}

describe("BinanceHttpClient", () => {
  it.scopedLive("traced requests go through the platform wrapper (http.client span); others skip it", () =>
    Effect.gen(function*() {
      const server = yield* serve(json(200, { ok: true }))
      const http = yield* BinanceHttpClient.make()
      const names: Array<string> = []
      const base = yield* Effect.tracer
      const tracer = Tracer.make({
        span: (name, parent, context, links, startTime, kind, options) => {
          names.push(name)
          return base.span(name, parent, context, links, startTime, kind, options)
        },
        context: (f) => f()
      })
      const call = (path: string) => Effect.flatMap(http.get(`${server.baseUrl}${path}`), (r) => r.json)
      yield* call("/traced").pipe(Effect.withTracer(tracer))
      yield* call("/excluded").pipe(
        Effect.withTracer(tracer),
        Effect.locally(HttpClient.currentTracerDisabledWhen, (request) => request.url.endsWith("/excluded"))
      )
      yield* call("/off").pipe(Effect.withTracer(tracer), Effect.withTracerEnabled(false))
      expect(names).toEqual(["http.client GET"])
      expect(server.seen.map((s) => [s.url, typeof s.headers.traceparent])).toEqual([
        ["/traced", "string"],
        ["/excluded", "undefined"],
        ["/off", "undefined"]
      ])
    }))

  it.scopedLive("https: goes through its own keep-alive agent, with TLS options from agentOptions", () =>
    Effect.gen(function*() {
      const seen: Array<string> = []
      let connections = 0
      const server = yield* Effect.acquireRelease(
        Effect.async<Https.Server>((resume) => {
          const s = Https.createServer({ cert: TLS_CERT, key: TLS_KEY }, (req, res) => {
            seen.push(req.url ?? "")
            res.writeHead(200, { "content-type": "application/json", "content-length": "11" })
            res.end("{\"ok\":true}")
          })
          s.on("secureConnection", () => connections++)
          s.listen(0, "127.0.0.1", () => resume(Effect.succeed(s)))
        }),
        (s) =>
          Effect.async<void>((resume) => {
            s.closeAllConnections()
            s.close(() => resume(Effect.void))
          })
      )
      const { port } = server.address() as Net.AddressInfo
      const http = yield* BinanceHttpClient.make({ agentOptions: { ca: TLS_CERT } })
      for (const path of ["/a", "/b"]) {
        const response = yield* http.get(`https://127.0.0.1:${port}${path}`)
        expect(yield* response.json).toEqual({ ok: true })
      }
      expect(seen).toEqual(["/a", "/b"])
      expect(connections).toBe(1)
      // Without the CA the certificate is refused: a Transport error, nothing sent.
      const strict = yield* BinanceHttpClient.make()
      const error = yield* Effect.flip(strict.get(`https://127.0.0.1:${port}/c`))
      expect([error._tag, error.reason]).toEqual(["RequestError", "Transport"])
      expect(seen).toEqual(["/a", "/b"])
    }))

  it.scopedLive("layer provides an HttpClient that pmAccountInfo uses end to end (signature checked)", () =>
    Effect.gen(function*() {
      const { baseUrl, fake } = yield* FakeBinance.serve({ accounts: [hmacAccount] })
      const info = yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(
        Effect.provide(Layer.mergeAll(
          BinanceHttpClient.layer(),
          Credentials.layerHmac({ apiKey: KEY, secretKey: SECRET }),
          BinanceConfig.layer({ baseUrl }),
          BinanceClock.layer,
          RateLimit.layer
        ))
      )
      expect(Amount.formatPlain(info.maxWithdrawAmount)).toBe(BTC.maxWithdrawAmount)
      expect((yield* fake.requests).map((e) => e.verdict)).toEqual(["ok"])
    }))

  it("is exported as BinanceHttpClient, and under its old name NodeHttpClient as a deprecated alias", () => {
    expect(Package.BinanceHttpClient.layer).toBe(BinanceHttpClient.layer)
    const alias = Package.NodeHttpClient
    expect([alias.layer, alias.make, alias.makeAgents, alias.makeWithAgents]).toEqual([
      BinanceHttpClient.layer,
      BinanceHttpClient.make,
      BinanceHttpClient.makeAgents,
      BinanceHttpClient.makeWithAgents
    ])
  })
})
