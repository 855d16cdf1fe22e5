// The server's pings answered by the WebSocket itself (Effect 3 edition): the shared server, implementations and
// expectations (test/cases/watchPing.ts) against this edition's connection. The silence rule that replaces our own
// pings is the core's (test/cases/watchStream.ts: "no frames and no ping: taken for dead after 60 s").
import { afterEach, describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as WatchSocket from "../src/internal/watch/socket.js"
import * as WebSocket from "../src/internal/watch/webSocket.js"
import { implementations, pingExpected, restoreWebSocket, startPingingServer, streamUrl } from "./cases/watchPing.js"

afterEach(restoreWebSocket)

const pingingServer = Effect.acquireRelease(
  Effect.promise(startPingingServer),
  (server) => Effect.promise(server.close)
)

describe("Watch: the server's pings are answered by the WebSocket itself", () => {
  for (const implementation of implementations) {
    it.live(`${implementation.name}: pongs with the ping's payload, the frames still come, the close is 1000`, () =>
      Effect.scoped(Effect.gen(function*() {
        implementation.install()
        const server = yield* pingingServer
        const make = yield* WebSocket.constructor
        const texts: Array<string> = []
        const dropped = yield* Deferred.make<string>()
        const connection = yield* Effect.fork(WatchSocket.connection(streamUrl(server.port), make, {
          opened: () => {},
          text: (text) => void texts.push(text),
          dropped: (reason) => void Deferred.unsafeDone(dropped, Effect.succeed(reason))
        }))
        const { closed, pong } = yield* Effect.promise(() => server.answered).pipe(Effect.timeout("5 seconds"))
        const droppedBeforeInterrupt = yield* Deferred.isDone(dropped)
        yield* Fiber.interrupt(connection)
        const droppedAfterInterrupt = yield* Deferred.await(dropped)
        const closeCode = yield* Effect.promise(() => closed)
        expect({ pong, texts, droppedBeforeInterrupt, droppedAfterInterrupt, closeCode }).toEqual(pingExpected)
      })))
  }
})
