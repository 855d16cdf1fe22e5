// Binance's server pings; a client must pong. The platform's Socket cannot send or see ping frames, so the watcher
// relies on the WebSocket implementation answering them by itself: checked here for both it may use (the `ws`
// package on Node 20, and the global WebSocket, undici's, as Node 22 ships it) against a tiny `ws` server of the
// spec's own that pings over loopback. The silence rule that replaces our own pings is the core's
// (test/cases/watchStream.ts: "no frames and no ping: taken for dead after 60 s"). test/Watch.ping.test.ts at the
// root is the same spec on the Effect 3 edition.
import { afterEach, describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Undici from "undici"
import { WebSocketServer } from "ws"
import * as WatchSocket from "../src/internal/watch/socket.js"
import * as WebSocket from "../src/internal/watch/webSocket.js"

const global = globalThis as { WebSocket?: unknown }
const original = global.WebSocket
afterEach(() => {
  global.WebSocket = original
})

/** A stream server that sends one frame, then pings, and tells what came back and how the connection closed. */
const pingingServer = Effect.acquireRelease(
  Effect.callback<WebSocketServer>((resume) => {
    const server: WebSocketServer = new WebSocketServer(
      { host: "127.0.0.1", port: 0 },
      () => resume(Effect.succeed(server))
    )
  }),
  (server) => Effect.callback<void>((resume) => server.close(() => resume(Effect.void)))
)

const pongOf = (server: WebSocketServer) =>
  Effect.callback<{ readonly pong: string; readonly closed: Promise<number> }>((resume) => {
    server.once("connection", (socket) => {
      const closed = new Promise<number>((resolve) => socket.once("close", resolve))
      socket.once("pong", (data) => resume(Effect.succeed({ pong: data.toString(), closed })))
      socket.send("{\"e\":\"PM_PRO_ACCOUNT_UPDATE\"}")
      socket.ping("are you there")
    })
  })

const implementations = [
  { name: "the ws package (Node 20)", install: () => void delete global.WebSocket },
  { name: "the global WebSocket (undici's, as in Node 22)", install: () => void (global.WebSocket = Undici.WebSocket) }
] as const

describe("Watch: the server's pings are answered by the WebSocket itself", () => {
  for (const implementation of implementations) {
    it.live(`${implementation.name}: pongs with the ping's payload, the frames still come, the close is 1000`, () =>
      Effect.scoped(Effect.gen(function*() {
        implementation.install()
        const server = yield* pingingServer
        const port = (server.address() as { port: number }).port
        const make = yield* WebSocket.constructor
        const texts: Array<string> = []
        const dropped = yield* Deferred.make<string>()
        const answered = yield* Effect.forkChild(pongOf(server))
        const connection = yield* Effect.forkChild(
          WatchSocket.connection(`ws://127.0.0.1:${port}/pm-classic/ws/k`, make, {
            opened: () => {},
            text: (text) => void texts.push(text),
            dropped: (reason) => void Deferred.doneUnsafe(dropped, Effect.succeed(reason))
          })
        )
        const { closed, pong } = yield* Fiber.join(answered).pipe(Effect.timeout("5 seconds"))
        expect(pong).toBe("are you there")
        expect(texts).toEqual(["{\"e\":\"PM_PRO_ACCOUNT_UPDATE\"}"])
        expect(yield* Deferred.isDone(dropped)).toBe(false)
        yield* Fiber.interrupt(connection)
        expect(yield* Deferred.await(dropped)).toBe("disconnected")
        expect(yield* Effect.promise(() => closed)).toBe(1000)
      })))
  }
})
