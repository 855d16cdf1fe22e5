// Binance's server pings; a client must pong. The platform's Socket cannot send or see ping frames, so the watcher
// relies on the WebSocket implementation answering them by itself. No Effect here: the two implementations it may
// use (the `ws` package on Node 20, the global WebSocket, undici's, as Node 22 ships it), a tiny `ws` server that
// pings over loopback, and what a watcher's connection must have seen. test/Watch.ping.test.ts (Effect 3) and
// effect4/test/Watch.ping.test.ts (Effect 4) run an edition's connection against it and compare with `pingExpected`.
import * as Undici from "undici"
import { WebSocketServer } from "ws"

const global = globalThis as { WebSocket?: unknown }
const original = global.WebSocket

/** Puts the global WebSocket back after a case (the specs' `afterEach`). */
export const restoreWebSocket = () => {
  global.WebSocket = original
}

export const implementations = [
  { name: "the ws package (Node 20)", install: () => void delete global.WebSocket },
  { name: "the global WebSocket (undici's, as in Node 22)", install: () => void (global.WebSocket = Undici.WebSocket) }
] as const

const FRAME = "{\"e\":\"PM_PRO_ACCOUNT_UPDATE\"}"
const PING = "are you there"

/** What the server and the connection saw, in the order a spec checks it. */
export interface PingSeen {
  readonly pong: string
  readonly texts: ReadonlyArray<string>
  readonly droppedBeforeInterrupt: boolean
  readonly droppedAfterInterrupt: string
  readonly closeCode: number
}

export const pingExpected: PingSeen = {
  pong: PING,
  texts: [FRAME],
  droppedBeforeInterrupt: false,
  droppedAfterInterrupt: "disconnected",
  closeCode: 1000
}

/** The stream URL a watcher would use against the server on `port`. */
export const streamUrl = (port: number) => `ws://127.0.0.1:${port}/pm-classic/ws/k`

/**
 * A stream server that sends one frame, then pings, on its first connection: `answered` tells the pong's payload
 * and a promise of the close code.
 */
export interface PingingServer {
  readonly port: number
  readonly answered: Promise<{ readonly pong: string; readonly closed: Promise<number> }>
  readonly close: () => Promise<void>
}

export const startPingingServer = () =>
  new Promise<PingingServer>((resolve) => {
    const server: WebSocketServer = new WebSocketServer({ host: "127.0.0.1", port: 0 }, () =>
      resolve({
        port: (server.address() as { port: number }).port,
        answered,
        close: () => new Promise<void>((done) => server.close(() => done()))
      }))
    const answered = new Promise<{ readonly pong: string; readonly closed: Promise<number> }>((answer) => {
      server.once("connection", (socket) => {
        const closed = new Promise<number>((closing) => socket.once("close", closing))
        socket.once("pong", (data) => answer({ pong: data.toString(), closed }))
        socket.send(FRAME)
        socket.ping(PING)
      })
    })
  })
