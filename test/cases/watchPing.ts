// Binance's server pings; a client must pong. The platform's Socket cannot send or see ping frames, so the watcher
// relies on the WebSocket implementation answering them by itself. No Effect here: the two implementations it may
// use (the `ws` package on Node 20, the global WebSocket, undici's, as Node 22 ships it), a tiny `ws` server that
// pings over loopback, and the case itself, parameterised by how an edition opens and interrupts a watcher's
// connection. test/Watch.ping.test.ts (Effect 3) and effect4/test/Watch.ping.test.ts (Effect 4) give their
// edition's `connect` to `pingSeen` and compare what it saw with `pingExpected`.
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

/** The reports a watcher's connection makes, as `pingSeen` listens to them. */
export interface PingReports {
  readonly text: (text: string) => void
  readonly dropped: (reason: string) => void
}

/** Opens an edition's watcher connection to `url` (the implementation installed); the result interrupts it. */
export type Connect = (url: string, reports: PingReports) => () => Promise<void>

const within = <A>(promise: Promise<A>, ms: number) => {
  let timer: ReturnType<typeof setTimeout> | undefined
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no pong within ${ms} ms`)), ms)
    })
  ]).finally(() => clearTimeout(timer))
}

/** The case: a connection to the pinging server, interrupted once the ping is answered, and what it saw. */
export const pingSeen = async (connect: Connect): Promise<PingSeen> => {
  const server = await startPingingServer()
  try {
    const texts: Array<string> = []
    let dropped: string | undefined
    let reportDropped = (_reason: string) => {}
    const droppedAfterInterrupt = new Promise<string>((resolve) => {
      reportDropped = resolve
    })
    const interrupt = connect(streamUrl(server.port), {
      text: (text) => void texts.push(text),
      dropped: (reason) => {
        dropped = reason
        reportDropped(reason)
      }
    })
    const { closed, pong } = await within(server.answered, 5_000)
    const droppedBeforeInterrupt = dropped !== undefined
    await interrupt()
    return {
      pong,
      texts,
      droppedBeforeInterrupt,
      droppedAfterInterrupt: await droppedAfterInterrupt,
      closeCode: await closed
    }
  } finally {
    await server.close()
  }
}
