/**
 * The fake's user-data stream on its two transports, as plain code over the core's rules (./userStream.ts): the
 * served fake's WebSocket upgrades (the `ws` package, an optional peer, written against the small part of it used
 * here) and the in-memory fake's sockets, plus one turn of the pump that sends what is due. No Effect here: each
 * edition's `internal/wiring/fake/userStream.ts` (one source, both editions) runs the pump on a clock and scope.
 */
import type * as Http from "node:http"
import type * as Net from "node:net"
import type { Exchange } from "./exchange.js"
import type { Frame, UserStream } from "./userStream.js"

/** The served fake wakes at least this often: an upgrade or a client's close changes what is due without ringing. */
export const MAX_SLEEP_MS = 1000

/**
 * Sends every frame due at server time `now`; returns how long to sleep at most before the next turn (`undefined`:
 * until rung).
 */
export const turn = (
  rules: UserStream,
  now: number,
  deliver: (frame: Frame) => void,
  maxSleepMs: number | undefined
): number | undefined => {
  for (const frame of rules.advance(now)) deliver(frame)
  const next = rules.nextAt()
  return next === undefined ? maxSleepMs : Math.max(0, Math.min(maxSleepMs ?? Infinity, next - now))
}

/** What a pump drives: one transport's sockets. */
export interface Sockets {
  /** Runs first at every turn, at server time `now` (the in-memory sockets accept their connections). */
  readonly accept?: (now: number) => void
  readonly deliver: (frame: Frame) => void
  /** The longest sleep between turns (`undefined`: until rung). */
  readonly maxSleepMs?: number | undefined
  /** Cuts every connection. */
  readonly close: () => void
}

/**
 * One turn of the pump at this reading of the edition's clock: accept, then send every frame due at the fake's
 * server time; returns how long to sleep at most before the next turn (`undefined`: until rung).
 */
export const pumpTurn = <Secret>(
  exchange: Exchange<Secret>,
  sockets: Sockets,
  clockMillis: number
): number | undefined => {
  const now = exchange.serverTime(clockMillis)
  sockets.accept?.(now)
  return turn(exchange.userStream, now, sockets.deliver, sockets.maxSleepMs)
}

// ---------------------------------------------------------------------------------------------------------------
// Served: WebSocket upgrades of `/pm-classic/ws/<listenKey>` on the loopback server.

/** What is used of a `ws` connection. */
export interface Client {
  readonly send: (text: string) => void
  readonly ping: () => void
  readonly close: (code: number, reason: string) => void
  readonly terminate: () => void
  readonly on: (event: string, listener: () => void) => void
}

/** What is used of a `ws` server. */
export interface Server {
  readonly handleUpgrade: (
    request: Http.IncomingMessage,
    socket: Net.Socket,
    head: Buffer,
    done: (client: Client) => void
  ) => void
  readonly close: () => void
}

export type Loaded = { readonly make: () => Server } | { readonly missing: string }

/**
 * The `ws` package (the edition imports it: the core imports only Node's built-ins), if installed: without it an
 * upgrade is refused with a 501 that says so.
 */
export const loadWs = (
  importWs: () => Promise<{ readonly WebSocketServer: new(options: { readonly noServer: true }) => unknown }>
): Promise<Loaded> =>
  importWs().then(
    (ws): Loaded => ({ make: () => new ws.WebSocketServer({ noServer: true }) as unknown as Server }),
    (cause: unknown): Loaded => ({ missing: cause instanceof Error ? cause.message : String(cause) })
  )

const refuse = (socket: Net.Socket, status: number, body: string): void => {
  const reason = status === 501 ? "Not Implemented" : "Bad Request"
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${
      Buffer.byteLength(body)
    }\r\nconnection: close\r\n\r\n${body}`
  )
}

/** The served stream's connections: `onUpgrade` for the HTTP server, `deliver` for the pump, `close` at the end. */
export const served = (
  rules: UserStream,
  loaded: Loaded,
  /** Wakes the pump. */
  ring: () => void,
  serverNow: () => number
) => {
  const clients = new Map<number, Client>()
  const wss = "make" in loaded ? loaded.make() : undefined

  const onUpgrade = (request: Http.IncomingMessage, socket: Net.Socket, head: Buffer) => {
    socket.on("error", () => {})
    if (wss === undefined) {
      const missing = "missing" in loaded ? loaded.missing : ""
      return refuse(
        socket,
        501,
        JSON.stringify({ msg: `FakeBinance needs the ws package to serve WebSocket: ${missing}` })
      )
    }
    const path = (request.url ?? "/").split("?")[0]!
    const connected = rules.connect(path, serverNow())
    if (connected._tag === "Refused") return refuse(socket, connected.status, connected.body)
    wss.handleUpgrade(request, socket, head, (client) => {
      const id = connected.id
      clients.set(id, client)
      client.on("pong", () => rules.pong(id))
      client.on("error", () => {})
      client.on("close", () => {
        clients.delete(id)
        rules.disconnect(id)
      })
      ring()
    })
  }

  const deliver = (frame: Frame) => {
    const client = clients.get(frame.id)
    if (client === undefined) return
    switch (frame._tag) {
      case "Text":
        return client.send(frame.text)
      case "Ping":
        return client.ping()
      case "Close":
        clients.delete(frame.id)
        // 1006 is never sent: it is what the client sees when the connection ends without a close frame.
        return frame.code === 1006 ? client.terminate() : client.close(frame.code, frame.reason)
    }
  }

  /** Cuts every connection. */
  const close = () => {
    for (const [id, client] of clients) {
      client.terminate()
      rules.disconnect(id)
    }
    clients.clear()
    wss?.close()
  }

  return { onUpgrade, deliver, close }
}

/**
 * The served stream on `server`, on the real clock (the served fake's), until `close`, which also stops taking
 * upgrades.
 */
export const attach = <Secret>(
  server: Http.Server,
  exchange: Exchange<Secret>,
  loaded: Loaded,
  ring: () => void
): Sockets => {
  const stream = served(exchange.userStream, loaded, ring, () => exchange.serverTime(Date.now()))
  server.on("upgrade", stream.onUpgrade)
  return {
    deliver: stream.deliver,
    maxSleepMs: MAX_SLEEP_MS,
    close: () => {
      server.off("upgrade", stream.onUpgrade)
      stream.close()
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// In memory: sockets that reach the rules without a network, whatever the URL's host.

const CONNECTING = 0
const OPEN = 1
const CLOSED = 3

const event = (type: string, fields: Record<string, unknown> = {}): Event => Object.assign(new Event(type), fields)

/** A WebSocket as the platform's `Socket` uses it; like a browser's, it answers the fake's pings itself. */
export class MemorySocket extends EventTarget {
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

/**
 * The in-memory stream's sockets: `construct` is the WebSocket constructor, `accept` runs first at every pump turn,
 * `deliver` sends a frame, `close` cuts every connection.
 */
export const inMemory = (rules: UserStream, ring: () => void): Sockets & {
  readonly construct: (url: string) => MemorySocket
  readonly accept: (now: number) => void
} => {
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

  return {
    construct: (url: string): MemorySocket => {
      const socket = new MemorySocket(url, forget)
      pending.push(socket)
      ring()
      return socket
    },
    accept: (now: number) => {
      for (const socket of pending.splice(0)) connect(socket, now)
    },
    deliver,
    close: () => {
      for (const socket of open.values()) socket.ended(1006, "FakeBinance closed")
      open.clear()
    }
  }
}
