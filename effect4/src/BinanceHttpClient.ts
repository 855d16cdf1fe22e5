/**
 * This package's own `HttpClient`: a lean client over `node:http` / `node:https` with its own keep-alive
 * agents, for the lowest latency and CPU per call on Node. It depends on nothing but `effect` and Node
 * builtins (Effect 4's `@effect/platform-node` needs Node 22; this works from Node 20.19).
 *
 * Use it to call Binance from Node with the fewest dependencies and the least overhead. Use `FetchHttpClient`
 * (`effect/http`) or `@effect/platform-node`'s `NodeHttpClient` instead when your application already provides
 * one `HttpClient` for everything, or needs what those offer.
 *
 * - Connections are kept alive and reused; closing the layer's scope destroys every socket it opened.
 * - Interruption (a timeout, a lost race) aborts the request in flight.
 * - Socket failures are a `TransportError` reason; a body cut short is a `DecodeError` reason.
 * - The whole body is read before the response is handed over (Binance's answers are small): one wake-up, and
 *   the socket is back in the pool before the next request. It is not a client for streaming large bodies.
 * - Request bodies are sent whole: empty, a string or bytes.
 * - `proxy: "http://[user:password@]host:port"` sends everything through a forward proxy: `http:` targets as
 *   plain forwarded requests, `https:` targets through a `CONNECT` tunnel (TLS end to end with Binance). The
 *   proxy's credentials go only into `Proxy-Authorization`, and never into an error, a log or a span. The
 *   client's rate-limit budget is then the proxy's (`BinanceConfig.egress`, unless set, is `proxy host:port`):
 *   Binance sees the proxy's IP. A watcher's user-data stream (`Watch`) goes through it too, over `ws`.
 *
 * @since 1.0.0
 */
// Kept in the emitted .d.ts: a consumer's TypeScript 7 loads no @types by itself, and this file's types name `node:*`.
/// <reference types="node" preserve="true" />
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import { EgressKey } from "./internal/core/egress.js"
import * as NodeSend from "./internal/core/nodeSend.js"
import * as PlainOptions from "./internal/core/options.js"
import { BufferedResponse, NULL_BODY_STATUS } from "./internal/nodeHttp/response.js"
import * as Send from "./internal/nodeHttp/send.js"
import type { Agents } from "./internal/wiring/api/BinanceHttpClient.js"

/**
 * @since 1.0.0
 * @category Models
 */
export { type Options } from "./internal/wiring/api/BinanceHttpClient.js"

/**
 * @since 1.0.0
 * @category Models
 */
export { type Proxy } from "./internal/wiring/api/BinanceHttpClient.js"

/**
 * @since 1.0.0
 * @category Models
 */
export { type Agents } from "./internal/wiring/api/BinanceHttpClient.js"

/**
 * @since 1.0.0
 * @category Validation
 */
export { validateProxy } from "./internal/wiring/api/BinanceHttpClient.js"

const failure = (
  reason: HttpClientError.HttpClientErrorReason
): Effect.Effect<never, HttpClientError.HttpClientError> => Effect.fail(new HttpClientError.HttpClientError({ reason }))

const requestBody = (request: HttpClientRequest.HttpClientRequest): Uint8Array | string | undefined | false => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return undefined
    case "Uint8Array":
      return body.body
    case "Raw":
      return typeof body.body === "string" || body.body instanceof Uint8Array ? body.body : false
    default:
      return false
  }
}

const roundTrip = (
  agents: Agents,
  request: HttpClientRequest.HttpClientRequest,
  url: URL,
  signal: AbortSignal
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> => {
  const body = requestBody(request)
  if (body === false) {
    return failure(
      new HttpClientError.EncodeError({ request, description: "BinanceHttpClient sends empty, string or byte bodies" })
    )
  }
  return Effect.callback<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((resume) => {
    const onAbort = () => stop()
    const stop = Send.send(agents, request.method, url, request.headers, body, (result) => {
      signal.removeEventListener("abort", onAbort)
      if (NodeSend.isReceived(result)) {
        const { bytes, headers, remoteAddress, status } = result
        return resume(Effect.succeed(
          new BufferedResponse(
            request,
            url,
            status,
            headers,
            NULL_BODY_STATUS.has(status) ? undefined : bytes,
            remoteAddress
          )
        ))
      }
      const { body: cut, cause } = result
      resume(failure(
        cut === undefined
          ? new HttpClientError.TransportError({ request, cause })
          : new HttpClientError.DecodeError({
            request,
            response: new BufferedResponse(request, url, cut.status, cut.headers, undefined, undefined),
            cause,
            description: "the response body was cut short"
          })
      ))
    })
    signal.addEventListener("abort", onAbort, { once: true })
    return Effect.sync(() => {
      signal.removeEventListener("abort", onAbort)
      stop()
    })
  })
}

/**
 * An `HttpClient` that sends through the given agents. The agents stay the caller's to destroy.
 *
 * @since 1.0.0
 * @category Constructors
 */
export const makeWithAgents = (agents: Agents): HttpClient.HttpClient => {
  // Effect 4's `HttpClient.make` is lean when no span is made (Effect 3's was a quarter of a call's CPU, so the
  // Effect 3 edition bypassed it): one wrapper for both cases, with its abort-on-interrupt.
  const client = HttpClient.make((request, url, signal) => roundTrip(agents, request, url, signal))
  // This library's own requests skip `HttpClient.make`'s per-request wrapper (its AbortController, URL re-parse,
  // response tracking, and the request and response objects): they make no platform span, read the whole body,
  // and interruption stops them all the same. A client wrapped by the caller is another object, so it is used.
  Object.defineProperty(client, NodeSend.DirectKey, { value: Send.direct(agents), enumerable: false })
  if (agents.proxy !== undefined) {
    // The gate keys this client's budget by the proxy (never by its credentials).
    Object.defineProperty(client, EgressKey, {
      value: PlainOptions.proxyEgress({ ...agents.proxy, authorization: undefined }),
      enumerable: false
    })
  }
  return client
}

/**
 * @since 1.0.0
 * @category Constructors
 */
export { makeAgents } from "./internal/wiring/api/BinanceHttpClient.js"

/**
 * @since 1.0.0
 * @category Constructors
 */
export { make } from "./internal/wiring/api/BinanceHttpClient.js"

/**
 * @since 1.0.0
 * @category Layers
 */
export { layer } from "./internal/wiring/api/BinanceHttpClient.js"
