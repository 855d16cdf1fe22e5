// The server's pings answered by the WebSocket itself (Effect 3 edition): the shared case (test/cases/watchPing.ts)
// with this edition's connection, forked and interrupted. The silence rule that replaces our own pings is the
// core's (test/cases/watchStream.ts: "no frames and no ping: taken for dead after 60 s").
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { afterEach, describe, expect, it } from "vitest"
import * as WatchSocket from "../src/internal/watch/socket.js"
import * as WebSocket from "../src/internal/watch/webSocket.js"
import { type Connect, implementations, pingExpected, pingSeen, restoreWebSocket } from "./cases/watchPing.js"

afterEach(restoreWebSocket)

const connect: Connect = (url, reports) => {
  const fiber = Effect.runFork(
    Effect.flatMap(WebSocket.constructor, (make) => WatchSocket.connection(url, make, { opened: () => {}, ...reports }))
  )
  return () => Effect.runPromise(Fiber.interrupt(fiber)).then(() => {})
}

describe("Watch: the server's pings are answered by the WebSocket itself", () => {
  for (const implementation of implementations) {
    it(`${implementation.name}: pongs with the ping's payload, the frames still come, the close is 1000`, async () => {
      implementation.install()
      expect(await pingSeen(connect)).toEqual(pingExpected)
    })
  }
})
