/**
 * Which WebSocket the watcher's stream uses: the `Socket.WebSocketConstructor` in context when there is one, else
 * the global `WebSocket` (Node 22 and later, browsers, Deno, Bun), else the `ws` package (Node 20 has no global
 * `WebSocket` without a flag; `ws` is an optional peer, loaded only then). When the `HttpClient` in context is a
 * `BinanceHttpClient` with a proxy, the stream goes through that proxy, and that takes `ws` (its `agent` option:
 * a global `WebSocket` takes no proxy without undici's own `ProxyAgent`, which is no dependency of this package).
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Socket from "@effect/platform/Socket"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { InvalidConfiguration } from "../../BinanceError.js"
import { noStreamSocket, streamAgentOf } from "../core/agents.js"

type Constructor = Context.Tag.Service<typeof Socket.WebSocketConstructor>

/** @internal */
export const constructor: Effect.Effect<Constructor, InvalidConfiguration> = Effect.flatMap(
  Effect.all([Effect.serviceOption(Socket.WebSocketConstructor), Effect.serviceOption(HttpClient.HttpClient)]),
  ([provided, client]) => {
    if (Option.isSome(provided)) return Effect.succeed(provided.value)
    const agentOf = Option.isSome(client) ? streamAgentOf(client.value) : undefined
    if (agentOf === undefined && typeof globalThis.WebSocket === "function") {
      return Effect.succeed((url: string, protocols?: string | Array<string>) =>
        new globalThis.WebSocket(url, protocols)
      )
    }
    return Effect.tryPromise({
      try: () => import("ws"),
      catch: () => new InvalidConfiguration(noStreamSocket(agentOf !== undefined))
    }).pipe(
      Effect.map((ws) => (url: string, protocols?: string | Array<string>) =>
        new ws.WebSocket(
          url,
          protocols,
          agentOf === undefined ? undefined : { agent: agentOf(url) }
        ) as unknown as globalThis.WebSocket
      )
    )
  }
)
