/**
 * The in-memory fake's user-data stream: a `Socket.WebSocketConstructor` whose sockets reach the core's stream rules
 * (`../core/fake/userStream.ts`) without a network, whatever the URL's host, on the clock of whoever built the
 * layer (so `TestClock` moves the account updates, pings, expiries and 24 h cuts). Like a browser's WebSocket it
 * answers the fake's pings itself.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import type * as Socket from "effect/socket/Socket"
import type { Frame } from "../core/fake/userStream.js"
import type { Made } from "./exchange.js"
import { pump, ringing } from "./userStream.js"

const CONNECTING = 0
const OPEN = 1
const CLOSED = 3

const event = (type: string, fields: Record<string, unknown> = {}): Event => Object.assign(new Event(type), fields)

class MemorySocket extends EventTarget {
  readyState = CONNECTING
  binaryType = "blob"
  id: number | undefined
  constructor(readonly url: string, private readonly onClose: (socket: MemorySocket) => void) {
    super()
  }
  send(_: string | Uint8Array): void {}
  close(code = 1000, reason = ""): void {
    if (this.readyState === CLOSED) return
    this.readyState = CLOSED
    this.onClose(this)
    this.dispatchEvent(event("close", { code, reason, wasClean: true }))
  }
  accepted(id: number): void {
    if (this.readyState !== CONNECTING) return
    this.id = id
    this.readyState = OPEN
    this.dispatchEvent(event("open"))
  }
  /** The server ended it: with a close frame, or (1006) without one. */
  ended(code: number, reason: string): void {
    if (this.readyState === CLOSED) return
    this.readyState = CLOSED
    // A connection cut without a close frame carries no reason.
    this.dispatchEvent(event("close", { code, reason: code === 1006 ? "" : reason, wasClean: code !== 1006 }))
  }
  text(data: string): void {
    if (this.readyState === OPEN) this.dispatchEvent(event("message", { data }))
  }
}

/** @internal */
export const make = (
  made: Made
): Effect.Effect<Socket.WebSocketConstructor["Service"], never, Scope.Scope> =>
  Effect.gen(function*() {
    const rules = made.exchange.userStream
    const clock = yield* Effect.service(Clock.Clock)
    const wake = yield* ringing(made)
    const ring = () => void Queue.offerUnsafe(wake, undefined)
    const pending: Array<MemorySocket> = []
    const open = new Map<number, MemorySocket>()

    const forget = (socket: MemorySocket) => {
      if (socket.id === undefined) return
      open.delete(socket.id)
      rules.disconnect(socket.id)
    }

    // Connections are accepted by the pump, a turn after the constructor returns: the socket's user has attached
    // its listeners by then, as it would have before a real handshake ended.
    const connect = (socket: MemorySocket, now: number) => {
      if (socket.readyState !== CONNECTING) return
      let path: string
      try {
        path = new URL(socket.url).pathname
      } catch {
        return socket.ended(1006, "invalid URL")
      }
      const connected = rules.connect(path, now)
      if (connected._tag === "Refused") return socket.ended(1006, `HTTP ${connected.status}`)
      open.set(connected.id, socket)
      socket.accepted(connected.id)
    }

    const deliver = (frame: Frame) => {
      const socket = open.get(frame.id)
      if (socket === undefined) return
      switch (frame._tag) {
        case "Text":
          return socket.text(frame.text)
        case "Ping":
          return rules.pong(frame.id)
        case "Close":
          open.delete(frame.id)
          return socket.ended(frame.code, frame.reason)
      }
    }

    yield* Effect.forkScoped(Effect.provideService(
      pump(made, wake, deliver, undefined, (now) => {
        for (const socket of pending.splice(0)) connect(socket, now)
      }),
      Clock.Clock,
      clock
    ))
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        for (const socket of open.values()) socket.ended(1006, "FakeBinance closed")
        open.clear()
      })
    )
    return (url: string) => {
      const socket = new MemorySocket(url, forget)
      pending.push(socket)
      ring()
      return socket
    }
  })
