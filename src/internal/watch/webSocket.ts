/**
 * Which WebSocket the watcher's stream uses: the `Socket.WebSocketConstructor` in context when there is one, else
 * the global `WebSocket` (Node 22 and later, browsers, Deno, Bun), else the `ws` package (Node 20 has no global
 * `WebSocket` without a flag; `ws` is an optional peer, loaded only then).
 */
import * as Socket from "@effect/platform/Socket"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { InvalidConfiguration } from "../../BinanceError.js"

type Constructor = Context.Tag.Service<typeof Socket.WebSocketConstructor>

const missing = new InvalidConfiguration({
  field: "stream",
  reason: "this runtime has no global WebSocket: install the `ws` package (npm install ws), or watch with stream: false"
})

/** @internal */
export const constructor: Effect.Effect<Constructor, InvalidConfiguration> = Effect.flatMap(
  Effect.serviceOption(Socket.WebSocketConstructor),
  (provided) => {
    if (Option.isSome(provided)) return Effect.succeed(provided.value)
    if (typeof globalThis.WebSocket === "function") {
      return Effect.succeed((url: string, protocols?: string | Array<string>) =>
        new globalThis.WebSocket(url, protocols)
      )
    }
    return Effect.tryPromise({
      try: () => import("ws"),
      catch: () => missing
    }).pipe(
      Effect.map((ws) => (url: string, protocols?: string | Array<string>) =>
        new ws.WebSocket(url, protocols) as unknown as globalThis.WebSocket
      )
    )
  }
)
