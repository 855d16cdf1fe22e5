/**
 * The served fake's user-data stream: WebSocket upgrades of `/pm-classic/ws/<listenKey>` on the loopback server,
 * and a pump that sends each connection the frames the core's rules (`../core/fake/userStream.ts`) say are due.
 *
 * The `ws` package does the WebSocket protocol (Node has no WebSocket server of its own); it is an optional peer,
 * loaded only here. Without it an upgrade is refused with a 501 that says so. The platform's `Socket` is not used
 * on this side: the fake must send pings and cut connections without a close frame, which it cannot do.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import type * as Http from "node:http"
import type * as Net from "node:net"
import type { Frame } from "../core/fake/userStream.js"
import type { Made } from "./exchange.js"

/** Wake at least this often: an upgrade or a client's close changes what is due without ringing. */
const MAX_SLEEP_MS = 1000

interface Client {
  readonly send: (text: string) => void
  readonly ping: () => void
  readonly close: (code: number, reason: string) => void
  readonly terminate: () => void
  readonly on: (event: string, listener: () => void) => void
}

interface Server {
  readonly handleUpgrade: (
    request: Http.IncomingMessage,
    socket: Net.Socket,
    head: Buffer,
    done: (client: Client) => void
  ) => void
  readonly close: () => void
}

type Loaded = { readonly make: () => Server } | { readonly missing: string }

const load: Effect.Effect<Loaded> = Effect.promise(() =>
  import("ws").then(
    (ws): Loaded => ({ make: () => new ws.WebSocketServer({ noServer: true }) as unknown as Server }),
    (cause: unknown): Loaded => ({ missing: cause instanceof Error ? cause.message : String(cause) })
  )
)

const refuse = (socket: Net.Socket, status: number, body: string): void => {
  const reason = status === 501 ? "Not Implemented" : "Bad Request"
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${
      Buffer.byteLength(body)
    }\r\nconnection: close\r\n\r\n${body}`
  )
}

/**
 * A wake-up the stream's scripting calls ring (for the scope), so that the pump sends what they scripted at once.
 *
 * @internal
 */
export const ringing = (made: Made): Effect.Effect<Queue.Queue<void>, never, Scope.Scope> =>
  Effect.gen(function*() {
    const wake = yield* Queue.sliding<void>(1)
    const ring = () => void Queue.offerUnsafe(wake, undefined)
    made.streamChanged.add(ring)
    yield* Effect.addFinalizer(() => Effect.sync(() => made.streamChanged.delete(ring)))
    return wake
  })

/**
 * Sends each connection the frames the rules say are due, on the ambient clock: at each frame's instant, or when
 * rung, or after `maxSleepMs` at the latest (`undefined`: no limit).
 *
 * @internal
 */
export const pump = (
  made: Made,
  wake: Queue.Queue<void>,
  deliver: (frame: Frame) => void,
  maxSleepMs: number | undefined,
  /** Runs first at every turn, at server time `now`. */
  onTurn: (now: number) => void = () => {}
): Effect.Effect<never> =>
  Effect.gen(function*() {
    const rules = made.exchange.userStream
    while (true) {
      const now = made.exchange.serverTime(yield* Clock.currentTimeMillis)
      onTurn(now)
      for (const frame of rules.advance(now)) deliver(frame)
      const next = rules.nextAt()
      const delay = next === undefined ? maxSleepMs : Math.max(0, Math.min(maxSleepMs ?? Infinity, next - now))
      yield* delay === undefined
        ? Queue.take(wake)
        : Effect.raceFirst(Effect.sleep(delay), Effect.asVoid(Queue.take(wake)))
    }
  })

/** Serves the stream on `server` until the scope closes, which cuts every connection. */
export const attach = (server: Http.Server, made: Made): Effect.Effect<void, never, Scope.Scope> =>
  Effect.gen(function*() {
    const loaded = yield* load
    const rules = made.exchange.userStream
    const clients = new Map<number, Client>()
    const wake = yield* ringing(made)
    const ring = () => void Queue.offerUnsafe(wake, undefined)
    const wss = "make" in loaded ? loaded.make() : undefined
    // The served fake runs on the real clock, as its HTTP side does (the reference's default is the live clock).
    const live = Clock.Clock.defaultValue()
    const serverNow = () => made.exchange.serverTime(Date.now())

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

    server.on("upgrade", onUpgrade)
    yield* Effect.forkScoped(Effect.provideService(pump(made, wake, deliver, MAX_SLEEP_MS), Clock.Clock, live))
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        server.off("upgrade", onUpgrade)
        for (const [id, client] of clients) {
          client.terminate()
          rules.disconnect(id)
        }
        clients.clear()
        wss?.close()
      })
    )
  })
