/**
 * The in-memory fake's user-data stream: a `Socket.WebSocketConstructor` whose sockets (`../core/fake/
 * streamSockets.ts`) reach the core's stream rules without a network, pumped on the clock of whoever built the
 * layer (so `TestClock` moves the account updates, pings, expiries and 24 h cuts).
 */
import type * as Socket from "@effect/platform/Socket"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import * as Streams from "../core/fake/streamSockets.js"
import type { Made } from "./exchange.js"
import { pump, ringing } from "./userStream.js"

/** @internal */
export const make = (
  made: Made
): Effect.Effect<Context.Tag.Service<typeof Socket.WebSocketConstructor>, never, Scope.Scope> =>
  Effect.gen(function*() {
    const clock = yield* Effect.clock
    const wake = yield* ringing(made)
    const sockets = Streams.inMemory(made.exchange.userStream, () => void Queue.unsafeOffer(wake, undefined))
    yield* Effect.forkScoped(Effect.withClock(pump(made, wake, sockets.deliver, undefined, sockets.accept), clock))
    yield* Effect.addFinalizer(() => Effect.sync(sockets.close))
    return (url: string) => sockets.construct(url) as unknown as globalThis.WebSocket
  })
