/**
 * The loopback transport: a `node:http` server on 127.0.0.1 that hands each request to the same
 * `handle` as the in-memory client, on the real clock. Closing the scope interrupts pending
 * (delayed) answers and closes every connection, idle or not, so processes exit cleanly.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import type * as Scope from "effect/Scope"
import * as Http from "node:http"
import type * as Net from "node:net"
import type * as api from "../../FakeBinance.js"
import { FakeBinanceError } from "./error.js"
import * as exchange from "./exchange.js"

const DEFECT_BODY = JSON.stringify({ code: -1000, msg: "An unknown error occurred while processing the request." })

const write = (req: Http.IncomingMessage, res: Http.ServerResponse, response: api.FakeResponse) => {
  switch (response._tag) {
    case "Reset": {
      // A TCP RST where the platform has it; a plain close otherwise. Either way no byte is sent.
      const socket = req.socket as Net.Socket & { resetAndDestroy?: () => void }
      return socket.resetAndDestroy ? socket.resetAndDestroy() : socket.destroy()
    }
    case "Truncate": {
      const bytes = Buffer.from(response.body, "utf8")
      // Content-Length promises the whole body; we send half and hang up.
      res.writeHead(response.status, { ...response.headers, "content-length": String(bytes.length) })
      res.flushHeaders()
      return res.write(bytes.subarray(0, response.cutAt), () => req.socket.destroy())
    }
    case "Reply": {
      const bytes = Buffer.from(response.body, "utf8")
      res.writeHead(response.status, { ...response.headers, "content-length": String(bytes.length) })
      return res.end(bytes)
    }
  }
}

const listen = (server: Http.Server, port: number) =>
  Effect.callback<number, FakeBinanceError>((resume) => {
    const onError = (cause: Error) =>
      resume(Effect.fail(
        new FakeBinanceError({ message: `cannot listen on 127.0.0.1:${port}: ${cause.message}`, cause })
      ))
    server.once("error", onError)
    server.listen(port, "127.0.0.1", () => {
      server.off("error", onError)
      resume(Effect.succeed((server.address() as Net.AddressInfo).port))
    })
  })

const close = (server: Http.Server, pending: Set<Fiber.Fiber<api.FakeResponse>>) =>
  Effect.andThen(
    Fiber.interruptAll(pending),
    Effect.callback<void>((resume) => {
      server.close(() => resume(Effect.void))
      server.closeAllConnections()
    })
  )

/** @internal */
export const serve = (
  options: api.Options & { readonly port?: number | undefined }
): Effect.Effect<{ readonly baseUrl: string; readonly fake: api.Service }, FakeBinanceError, Scope.Scope> =>
  Effect.gen(function*() {
    const port = options.port ?? 0
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      return yield* new FakeBinanceError({ message: "port must be an integer in 0..65535" })
    }
    // Built first so bad options fail before a socket is opened.
    const core = yield* exchange.make(options, { baseUrl: undefined, clock: Clock.Clock.defaultValue() })
    const pending = new Set<Fiber.Fiber<api.FakeResponse>>()

    const server = Http.createServer({ keepAlive: true }, (req, res) => {
      req.on("error", () => {})
      res.on("error", () => {})
      req.resume()
      // Runs on the default runtime: the server's time is the real clock, whatever the caller's is.
      const fiber = Effect.runFork(
        core.handle({ method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers })
      )
      pending.add(fiber)
      // The client gave up (timeout, abort): stop waiting on its behalf.
      res.on("close", () => {
        if (pending.has(fiber)) fiber.interruptUnsafe()
      })
      fiber.addObserver((exit) => {
        pending.delete(fiber)
        if (res.writableEnded || res.destroyed) return
        if (Exit.isSuccess(exit)) return write(req, res, exit.value)
        if (Exit.hasInterrupts(exit)) return void req.socket.destroy()
        res.writeHead(500, { "content-type": "application/json" })
        res.end(DEFECT_BODY)
      })
    })
    server.on("clientError", (_error, socket) => socket.destroy())

    const bound = yield* Effect.acquireRelease(listen(server, port), () => close(server, pending))
    const baseUrl = `http://127.0.0.1:${bound}`
    return { baseUrl, fake: { ...core, baseUrl } }
  })
