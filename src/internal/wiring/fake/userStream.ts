/**
 * The fake's user-data stream on its two transports (`../../core/fake/streamSockets.ts`): WebSocket upgrades of
 * `/pm-classic/ws/<listenKey>` on the loopback server, on the real clock, and, in memory, a
 * `WebSocketConstructor` whose sockets reach the core's stream rules without a network, on the clock of
 * whoever built the layer (so `TestClock` moves the account updates, pings, expiries and 24 h cuts). A pump sends
 * each connection the frames the rules (`../../core/fake/userStream.ts`) say are due.
 *
 * The `ws` package does the WebSocket protocol (Node has no WebSocket server of its own); it is an optional peer,
 * loaded only here. The platform's `Socket` is not used on the served side: the fake must send pings and cut
 * connections without a close frame, which it cannot do.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import * as Streams from "../../core/fake/streamSockets.js"
import * as Dialect from "../../dialect.js"
import type { Made } from "./exchange.js"

/** The loopback server (`node:http`), as the core's `attach` takes it. */
type Server = Parameters<typeof Streams.attach>[0]

/**
 * Runs the sockets `open` gives until the scope closes: a pump on `clock` sends what is due, at each frame's instant,
 * or at once when rung (by the stream's scripting calls or the sockets themselves). The close cuts every connection.
 */
const run = <S extends Streams.Sockets>(
  made: Made,
  clock: Clock.Clock,
  open: (ring: () => void) => S
): Effect.Effect<S, never, Scope.Scope> =>
  Effect.gen(function*() {
    const wake = yield* Queue.sliding<void>(1)
    const ring = () => void Dialect.offerUnsafe(wake, undefined)
    const sockets = open(ring)
    made.streamChanged.add(ring)
    const pump = Effect.gen(function*() {
      while (true) {
        const delay = Streams.pumpTurn(made.exchange, sockets, yield* Clock.currentTimeMillis)
        yield* delay === undefined
          ? Queue.take(wake)
          : Effect.raceFirst(Effect.sleep(delay), Effect.asVoid(Queue.take(wake)))
      }
    })
    yield* Effect.forkScoped(Dialect.withClock(pump, clock))
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        made.streamChanged.delete(ring)
        sockets.close()
      })
    )
    return sockets
  })

/** Serves the stream on `server` until the scope closes, on the real clock, as the fake's HTTP side is. */
export const attach = (server: Server, made: Made): Effect.Effect<void, never, Scope.Scope> =>
  Effect.gen(function*() {
    const loaded = yield* Effect.promise(() => Streams.loadWs(() => import("ws")))
    yield* run(made, Dialect.liveClock, (ring) => Streams.attach(server, made.exchange, loaded, ring))
  })

/** The in-memory stream's WebSocket constructor, on the clock of whoever calls this. */
export const inMemory = (made: Made): Effect.Effect<Dialect.WebSocketConstructorService, never, Scope.Scope> =>
  Effect.gen(function*() {
    const clock = yield* Effect.clockWith(Effect.succeed)
    const sockets = yield* run(made, clock, (ring) => Streams.inMemory(made.exchange.userStream, ring))
    // The core's socket has the members a WebSocket client reads; Effect 3's type names the DOM's whole interface.
    return (url: string) => sockets.construct(url) as unknown as ReturnType<Dialect.WebSocketConstructorService>
  })
