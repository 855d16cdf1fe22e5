/**
 * The plain halves of the fake's two transports: the loopback `node:http` server (reading a request into a
 * `FakeRequest`, writing a `FakeResponse` back byte for byte, stopping what is pending when it closes) and the web
 * `Response` the in-memory client answers with. How a run of `handle` starts and stops is each edition's.
 */
// Kept in the emitted .d.ts: a consumer's TypeScript 7 loads no @types by itself, and this file's types name `node:*`.
/// <reference types="node" preserve="true" />
import * as Http from "node:http"
import type * as Net from "node:net"
import type * as api from "./model.js"

const DEFECT_BODY = JSON.stringify({ code: -1000, msg: "An unknown error occurred while processing the request." })

/** How one run of `handle` ended, for the server to write. */
export type Finished = api.FakeResponse | "interrupted" | "defect"

export const checkPort = (port: number): string | undefined =>
  Number.isInteger(port) && port >= 0 && port <= 65535 ? undefined : "port must be an integer in 0..65535"

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

const finish = (req: Http.IncomingMessage, res: Http.ServerResponse, finished: Finished) => {
  if (res.writableEnded || res.destroyed) return
  if (finished === "interrupted") return void req.socket.destroy()
  if (finished === "defect") {
    res.writeHead(500, { "content-type": "application/json" })
    return void res.end(DEFECT_BODY)
  }
  write(req, res, finished)
}

/** How one run of `handle` is stopped early; resolved once it has stopped. */
export type Stop = () => Promise<unknown>

/** A listening server: the port it bound, and `close`. */
export interface Listening {
  readonly server: Http.Server
  readonly port: number
  /** Stops every pending run, then closes the server and every connection, idle or not, so processes exit cleanly. */
  readonly close: () => Promise<void>
}

/**
 * A keep-alive server on `127.0.0.1:port` that hands each request to `start`; resolves once listening, or with the
 * error to fail with. `start` runs the exchange, calls `done` when it ends, and says how to stop it: when the
 * client hangs up first (timeout, abort), and when the server closes.
 */
export const listen = (
  port: number,
  start: (request: api.FakeRequest, done: (finished: Finished) => void) => Stop
): Promise<Listening | { readonly message: string; readonly cause: Error }> => {
  // The runs not ended yet (`done` may be called before `start` returns).
  const pending = new Set<{ stop?: Stop }>()
  const server = Http.createServer({ keepAlive: true }, (req, res) => {
    req.on("error", () => {})
    res.on("error", () => {})
    req.resume()
    const run: { stop?: Stop } = {}
    pending.add(run)
    run.stop = start(
      { method: req.method ?? "GET", url: req.url ?? "/", headers: req.headers },
      (finished) => {
        pending.delete(run)
        finish(req, res, finished)
      }
    )
    res.on("close", () => {
      if (pending.has(run)) void run.stop?.()
    })
  })
  server.on("clientError", (_error, socket) => socket.destroy())
  const close = () =>
    Promise.all(Array.from(pending, (run) => run.stop?.())).then(() =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    )
  return new Promise((resolve) => {
    const onError = (cause: Error) =>
      resolve({ message: `cannot listen on 127.0.0.1:${port}: ${cause.message}`, cause })
    server.once("error", onError)
    server.listen(port, "127.0.0.1", () => {
      server.off("error", onError)
      resolve({ server, port: (server.address() as Net.AddressInfo).port, close })
    })
  })
}

const NULL_BODY_STATUS = new Set([101, 204, 205, 304])

// The bytes sent, then the error a socket closed mid-body gives (undici says "terminated").
const truncatedBody = (bytes: Uint8Array) => {
  let sent = false
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent) return controller.error(new TypeError("terminated", { cause: new Error("other side closed") }))
      sent = true
      controller.enqueue(bytes)
    }
  })
}

/** The in-memory client's answer: a `Truncate` body errors half-way when read, as a cut connection's does. */
export const webResponse = (response: Exclude<api.FakeResponse, { readonly _tag: "Reset" }>): Response =>
  response._tag === "Truncate"
    ? new Response(
      truncatedBody(new Uint8Array(Buffer.from(response.body, "utf8").subarray(0, response.cutAt))),
      { status: response.status, headers: response.headers }
    )
    : new Response(NULL_BODY_STATUS.has(response.status) ? null : response.body, {
      status: response.status,
      headers: response.headers
    })

/** What the in-memory client fails with for a `Reset`: the cause Node gives, and a description. */
export const reset = {
  cause: (): Error => Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
  description: "connection reset by FakeBinance"
} as const
