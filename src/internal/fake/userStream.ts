/**
 * The served fake's user-data stream: WebSocket upgrades of `/pm-classic/ws/<listenKey>` on the loopback server
 * (`../core/fake/streamSockets.ts`), and a pump that sends each connection the frames the core's rules
 * (`../core/fake/userStream.ts`) say are due, on Effect's clock.
 *
 * The `ws` package does the WebSocket protocol (Node has no WebSocket server of its own); it is an optional peer,
 * loaded only here. The platform's `Socket` is not used on this side: the fake must send pings and cut connections
 * without a close frame, which it cannot do.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import type * as Http from "node:http"
import * as Streams from "../core/fake/streamSockets.js"
import type { Frame } from "../core/fake/userStream.js"
import type { Made } from "./exchange.js"

/**
 * A wake-up the stream's scripting calls ring (for the scope), so that the pump sends what they scripted at once.
 *
 * @internal
 */
export const ringing = (made: Made): Effect.Effect<Queue.Queue<void>, never, Scope.Scope> =>
  Effect.gen(function*() {
    const wake = yield* Queue.sliding<void>(1)
    const ring = () => void Queue.unsafeOffer(wake, undefined)
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
    while (true) {
      const now = made.exchange.serverTime(yield* Clock.currentTimeMillis)
      onTurn(now)
      const delay = Streams.turn(made.exchange.userStream, now, deliver, maxSleepMs)
      yield* delay === undefined ? Queue.take(wake) : Effect.raceFirst(Effect.sleep(delay), Queue.take(wake))
    }
  })

/** Serves the stream on `server` until the scope closes, which cuts every connection. */
export const attach = (server: Http.Server, made: Made): Effect.Effect<void, never, Scope.Scope> =>
  Effect.gen(function*() {
    const loaded = yield* Effect.promise(() => Streams.loadWs(() => import("ws")))
    const wake = yield* ringing(made)
    const stream = Streams.served(
      made.exchange.userStream,
      loaded,
      () => void Queue.unsafeOffer(wake, undefined),
      () => made.exchange.serverTime(Date.now())
    )
    server.on("upgrade", stream.onUpgrade)
    // The served fake runs on the real clock, as its HTTP side does (`Clock.make()` is the live clock).
    yield* Effect.forkScoped(Effect.withClock(pump(made, wake, stream.deliver, Streams.MAX_SLEEP_MS), Clock.make()))
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        server.off("upgrade", stream.onUpgrade)
        stream.close()
      })
    )
  })
