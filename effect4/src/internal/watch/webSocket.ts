/**
 * Which WebSocket the watcher's stream uses: the `Socket.WebSocketConstructor` in context when there is one, else
 * the global `WebSocket` (Node 22 and later, browsers, Deno, Bun), else the `ws` package (Node 20 has no global
 * `WebSocket` without a flag; `ws` is an optional peer, loaded only then). When the `HttpClient` in context is a
 * `BinanceHttpClient` with a proxy, the stream goes through that proxy, and that takes `ws` (its `agent` option:
 * a global `WebSocket` takes no proxy without undici's own `ProxyAgent`, which is no dependency of this package).
 */
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as Option from "effect/Option"
import * as Socket from "effect/socket/Socket"
import { InvalidConfiguration } from "../../BinanceError.js"
import { noStreamSocket, streamAgentOf } from "../core/agents.js"

type Constructor = Socket.WebSocketConstructor["Service"]

const protocolsOf = (options: Socket.WebSocketConstructorOptions | undefined) =>
  typeof options === "string" || Array.isArray(options) ? options : options?.protocols

/** @internal */
export const constructor: Effect.Effect<Constructor, InvalidConfiguration> = Effect.flatMap(
  Effect.all([Effect.serviceOption(Socket.WebSocketConstructor), Effect.serviceOption(HttpClient.HttpClient)]),
  ([provided, client]) => {
    if (Option.isSome(provided)) return Effect.succeed(provided.value)
    const agentOf = Option.isSome(client) ? streamAgentOf(client.value) : undefined
    if (agentOf === undefined && typeof globalThis.WebSocket === "function") {
      return Effect.succeed<Constructor>((url, options) => new globalThis.WebSocket(url, protocolsOf(options)))
    }
    return Effect.tryPromise({
      try: () => import("ws"),
      catch: () => new InvalidConfiguration(noStreamSocket(agentOf !== undefined))
    }).pipe(
      Effect.map((ws): Constructor => (url, options) =>
        new ws.WebSocket(
          url,
          protocolsOf(options),
          agentOf === undefined ? undefined : { agent: agentOf(url) }
        ) as unknown as Socket.WebSocketLike
      )
    )
  }
)
