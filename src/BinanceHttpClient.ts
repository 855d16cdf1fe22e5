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
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as Http from "node:http"
import * as Https from "node:https"
import * as internal from "./internal/nodeHttp/send.js"

/**
 * @since 0.1.0
 * @category Models
 */
export interface Options {
  /** Most sockets per origin (default: unlimited, as in Node). */
  readonly maxSockets?: number | undefined
  /** Most idle sockets kept per origin (default 256). */
  readonly maxFreeSockets?: number | undefined
  /** Idle sockets are closed after this many ms (default 60000). */
  readonly idleTimeoutMs?: number | undefined
  /** Extra options for both agents: TLS settings such as `ca`, or `localAddress`. */
  readonly agentOptions?: Https.AgentOptions | undefined
}

/**
 * The agents a client sends through.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Agents {
  readonly http: Http.Agent
  readonly https: Https.Agent
}

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
  const exchange = (
    request: HttpClientRequest.HttpClientRequest,
    url: URL,
    signal: AbortSignal | undefined
  ) =>
    request.body._tag === "Empty"
      ? internal.send(agents, request, url, signal, undefined)
      : Effect.flatMap(internal.prepareBody(request), (prepared) =>
        internal.send(agents, request, url, signal, prepared.body, prepared.contentType))
  const traced = HttpClient.make(exchange)
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
            : exchange(request, url.right, undefined)
        })),
    Effect.succeed
  )
}

/**
 * Keep-alive agents for `http:` and `https:`, destroyed (every socket with them) when the scope closes.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeAgents = (options: Options = {}): Effect.Effect<Agents, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync((): Agents => {
      const agentOptions: Https.AgentOptions = {
        keepAlive: true,
        maxFreeSockets: options.maxFreeSockets ?? 256,
        timeout: options.idleTimeoutMs ?? 60_000,
        ...(options.maxSockets === undefined ? {} : { maxSockets: options.maxSockets }),
        ...options.agentOptions
      }
      return { http: new Http.Agent(agentOptions), https: new Https.Agent(agentOptions) }
    }),
    (agents) =>
      Effect.sync(() => {
        agents.http.destroy()
        agents.https.destroy()
      })
  )

/**
 * A client with keep-alive agents of its own, destroyed with the scope.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make = (options: Options = {}): Effect.Effect<HttpClient.HttpClient, never, Scope.Scope> =>
  Effect.map(makeAgents(options), makeWithAgents)

/**
 * The client as a layer; its sockets live as long as the layer.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layer = (options: Options = {}): Layer.Layer<HttpClient.HttpClient> =>
  Layer.scoped(HttpClient.HttpClient, make(options))
