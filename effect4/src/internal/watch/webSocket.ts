/**
 * Which WebSocket the watcher's stream uses: the `Socket.WebSocketConstructor` in context when there is one, else
 * the global `WebSocket` (Node 22 and later, browsers, Deno, Bun), else the `ws` package (Node 20 has no global
 * `WebSocket` without a flag; `ws` is an optional peer, loaded only then).
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Socket from "effect/socket/Socket"
import { InvalidConfiguration } from "../../BinanceError.js"

type Constructor = Socket.WebSocketConstructor["Service"]

const missing = new InvalidConfiguration({
  field: "stream",
  reason: "this runtime has no global WebSocket: install the `ws` package (npm install ws), or watch with stream: false"
})

const protocolsOf = (options: Socket.WebSocketConstructorOptions | undefined) =>
  typeof options === "string" || Array.isArray(options) ? options : options?.protocols

/** @internal */
export const constructor: Effect.Effect<Constructor, InvalidConfiguration> = Effect.flatMap(
  Effect.serviceOption(Socket.WebSocketConstructor),
  (provided) => {
    if (Option.isSome(provided)) return Effect.succeed(provided.value)
    if (typeof globalThis.WebSocket === "function") {
      return Effect.succeed<Constructor>((url, options) => new globalThis.WebSocket(url, protocolsOf(options)))
    }
    return Effect.tryPromise({
      try: () => import("ws"),
      catch: () => missing
    }).pipe(
      Effect.map((ws): Constructor => (url, options) =>
        new ws.WebSocket(url, protocolsOf(options)) as unknown as Socket.WebSocketLike
      )
    )
  }
)
