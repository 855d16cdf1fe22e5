/**
 * This package's own `HttpClient`: a lean client over `node:http` / `node:https` with its own keep-alive
 * agents, for the lowest latency and CPU per call on Node. It depends on nothing but `effect`,
 * `@effect/platform` and Node builtins. (It used to be called `NodeHttpClient`, the name of
 * `@effect/platform-node`'s module; that name stays as a deprecated alias.)
 *
 * Use it to call Binance from Node with the fewest dependencies and the least overhead. Use
 * `@effect/platform-node`'s `NodeHttpClient` (`layerUndici`, `layer`) or `FetchHttpClient` instead when your
 * application already provides one `HttpClient` for everything, or needs what those offer (undici's
 * dispatcher options, proxies through a global dispatcher, non-Node runtimes).
 *
 * - Connections are kept alive and reused; closing the layer's scope destroys every socket it opened.
 * - Interruption (a timeout, a lost race) aborts the request in flight.
 * - Socket failures are `RequestError` with reason `"Transport"`; a body cut short is a `ResponseError`.
 * - Bodies announced at up to 64 KiB are read before the response is handed over (one wake-up, and the socket
 *   is back in the pool before the next request); larger or chunked ones are read on demand or streamed.
 * - Request bodies are sent whole: a streamed body is collected before it is sent.
 * - Requests that would not be traced skip the platform's per-request wrapper (see `makeWithAgents`).
 * - `proxy: "http://[user:password@]host:port"` sends everything through a forward proxy: `http:` targets as
 *   plain forwarded requests, `https:` targets through a `CONNECT` tunnel (TLS end to end with Binance). The
 *   proxy's credentials go only into `Proxy-Authorization`, and never into an error, a log or a span. The
 *   client's rate-limit budget is then the proxy's (`BinanceConfig.egress`, unless set, is `proxy host:port`):
 *   Binance sees the proxy's IP. A watcher's user-data stream (`Watch`) goes through it too, over `ws`.
 *
 * @since 0.1.0
 */
// Kept in the emitted .d.ts: a consumer's TypeScript 7 loads no @types by itself, and this file's types name `node:*`.
/// <reference types="node" preserve="true" />
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberRef from "effect/FiberRef"
import { EgressKey } from "./internal/core/egress.js"
import * as NodeSend from "./internal/core/nodeSend.js"
import * as PlainOptions from "./internal/core/options.js"
import * as internal from "./internal/nodeHttp/send.js"
import type { Agents } from "./internal/wiring/api/BinanceHttpClient.js"

/**
 * @since 0.1.0
 * @category Models
 */
export { type Options } from "./internal/wiring/api/BinanceHttpClient.js"

/**
 * @since 0.2.0
 * @category Models
 */
export { type Proxy } from "./internal/wiring/api/BinanceHttpClient.js"

/**
 * @since 0.1.0
 * @category Models
 */
export { type Agents } from "./internal/wiring/api/BinanceHttpClient.js"

/**
 * @since 0.2.0
 * @category Validation
 */
export { validateProxy } from "./internal/wiring/api/BinanceHttpClient.js"

/**
 * An `HttpClient` that sends through the given agents. The agents stay the caller's to destroy.
 *
 * Two paths, one behaviour. When the request would be traced (the tracer is on and
 * `HttpClient.currentTracerDisabledWhen` does not exclude it), it goes through `HttpClient.make`: the
 * platform's `http.client` span, trace headers, `HttpClient.withScope` and abort-on-drop. When no span would
 * be made, it goes straight to the socket: that wrapper's AbortController, URL re-parse, FinalizationRegistry
 * entry and extra Effect steps are measured at a quarter of a call's CPU (docs/performance.md); interruption
 * still aborts the request, and an unread body is still released when its response is dropped.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeWithAgents = (agents: Agents): HttpClient.HttpClient => {
  const client = makeClient(agents)
  // This library's own requests skip the platform's per-request wrapper (see internal/http's `get`): they make no
  // platform span and read the whole body. A client wrapped by the caller is another object, so it is used.
  Object.defineProperty(client, NodeSend.DirectKey, {
    value: NodeSend.directOf(agents, internal.authorizationOf(agents.proxy)),
    enumerable: false
  })
  if (agents.proxy !== undefined) {
    Object.defineProperty(client, EgressKey, {
      value: PlainOptions.proxyEgress({ ...agents.proxy, authorization: undefined }),
      enumerable: false
    })
  }
  return client
}

const makeClient = (agents: Agents): HttpClient.HttpClient => {
  const roundTrip = (
    request: HttpClientRequest.HttpClientRequest,
    url: URL,
    signal: AbortSignal | undefined
  ) =>
    request.body._tag === "Empty"
      ? internal.send(agents, request, url, signal, undefined)
      : Effect.flatMap(internal.prepareBody(request), (prepared) =>
        internal.send(agents, request, url, signal, prepared.body, prepared.contentType))
  const traced = HttpClient.make(roundTrip)
  return HttpClient.makeWith(
    (effect: Effect.Effect<HttpClientRequest.HttpClientRequest>) =>
      Effect.flatMap(effect, (request) =>
        Effect.withFiberRuntime((fiber) => {
          if (
            fiber.getFiberRef(FiberRef.currentTracerEnabled) &&
            !fiber.getFiberRef(HttpClient.currentTracerDisabledWhen)(request)
          ) {
            return traced.execute(request)
          }
          const url = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
          return Either.isLeft(url)
            ? Effect.fail(new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause: url.left }))
            : roundTrip(request, url.right, undefined)
        })),
    Effect.succeed
  )
}

/**
 * @since 0.1.0
 * @category Constructors
 */
export { makeAgents } from "./internal/wiring/api/BinanceHttpClient.js"

/**
 * @since 0.1.0
 * @category Constructors
 */
export { make } from "./internal/wiring/api/BinanceHttpClient.js"

/**
 * @since 0.1.0
 * @category Layers
 */
export { layer } from "./internal/wiring/api/BinanceHttpClient.js"
