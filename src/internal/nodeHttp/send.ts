import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import * as Https from "node:https"
import * as CoreAgents from "../core/agents.js"
import type * as NodeSend from "../core/nodeSend.js"
import * as ProxyAgent from "../core/proxyAgent.js"
import { NodeResponse, readAll } from "./response.js"

/** `BinanceHttpClient`'s agents, as far as sending needs them. */
type Agents = NodeSend.Agents & {
  readonly proxy?: { readonly authorization?: Redacted.Redacted<string> | undefined } | undefined
}

/**
 * The `Proxy-Authorization` value of a checked proxy, read from its `Redacted` only when a request goes out.
 *
 * @internal
 */
export const authorizationOf = (proxy: Agents["proxy"]): ProxyAgent.Authorization =>
  CoreAgents.authorizationOf(proxy, Redacted.value)

// Bodies announced at up to this size are read before the response is handed over; larger or chunked ones are
// read on demand (or streamed).
const EAGER_BODY_BYTES = 64 * 1024

type Body = Buffer | Uint8Array | string | undefined

const transportError = (request: HttpClientRequest.HttpClientRequest, cause: unknown) =>
  new HttpClientError.RequestError({ request, reason: "Transport", cause })

const encodeError = (request: HttpClientRequest.HttpClientRequest, cause: unknown, description?: string) =>
  new HttpClientError.RequestError({
    request,
    reason: "Encode",
    cause,
    ...(description === undefined ? {} : { description })
  })

// Everything but Empty and in-memory bytes needs work before the request can be written.
/** @internal */
export const prepareBody = (
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<{ readonly body: Body; readonly contentType?: string | undefined }, HttpClientError.RequestError> => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return Effect.succeed({ body: undefined })
    case "Uint8Array":
      return Effect.succeed({ body: body.body })
    case "Raw":
      return typeof body.body === "string" || body.body instanceof Uint8Array
        ? Effect.succeed({ body: body.body })
        : Effect.fail(encodeError(request, body.body, "a Raw body must be a string or a Uint8Array"))
    case "FormData": {
      const encoded = new Response(body.formData)
      return Effect.tryPromise({
        try: () => encoded.arrayBuffer(),
        catch: (cause) => encodeError(request, cause)
      }).pipe(Effect.map((bytes) => ({
        body: Buffer.from(bytes),
        contentType: encoded.headers.get("content-type") ?? undefined
      })))
    }
    case "Stream":
      return Stream.runCollect(body.stream).pipe(
        Effect.mapError((cause) => encodeError(request, cause)),
        Effect.map((chunks) => ({ body: Buffer.concat(Chunk.toReadonlyArray(chunks)) }))
      )
  }
}

/**
 * One request/response over the agents. Interruption destroys the request; so does `signal`, when given (the
 * platform's `HttpClient.make` aborts it when a body read is interrupted, a scope closes, or a response is
 * dropped unread). Without a signal, a response whose body is left to read later is tracked so that dropping it
 * unread frees its socket.
 *
 * @internal
 */
export const send = (
  agents: Agents,
  request: HttpClientRequest.HttpClientRequest,
  url: URL,
  signal: AbortSignal | undefined,
  body: Body,
  contentType?: string | undefined
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> =>
  Effect.async((resume) => {
    if (signal?.aborted === true) {
      resume(Effect.fail(transportError(request, signal.reason)))
      return
    }
    const https = url.protocol === "https:"
    const headers: Record<string, string> = contentType === undefined
      ? request.headers
      : { ...request.headers, "content-type": contentType }
    const options = ProxyAgent.requestOptions(
      agents,
      agents.proxy,
      authorizationOf(agents.proxy),
      request.method,
      url,
      headers
    )
    const req = https ? Https.request(options) : Http.request(options)
    let settled = false
    let response: NodeResponse | undefined
    if (signal !== undefined) {
      signal.addEventListener("abort", () => {
        if (!req.destroyed) req.destroy(signal.reason instanceof Error ? signal.reason : new Error("aborted"))
      }, { once: true })
    }
    req.on("error", (cause) => {
      if (settled) return
      settled = true
      // Once the status line is in, a failure belongs to the body being read.
      resume(Effect.fail(response === undefined ? transportError(request, cause) : response.decodeError(cause)))
    })
    req.on("response", (source) => {
      if (settled) return
      response = new NodeResponse(request, source)
      const length = source.headers["content-length"]
      if (length === undefined || !(Number(length) <= EAGER_BODY_BYTES)) {
        settled = true
        if (signal === undefined) response.trackUnread()
        resume(Effect.succeed(response))
        return
      }
      // A small body: read it before handing the response over (one wake-up instead of two, and the socket is
      // back in the pool before the caller's next request).
      const small = response
      readAll(source, (bytes) => {
        if (settled) return
        settled = true
        if (Buffer.isBuffer(bytes)) {
          small.settle(Effect.succeed(bytes))
          resume(Effect.succeed(small))
        } else {
          resume(Effect.fail(small.decodeError(bytes.cause, bytes.description)))
        }
      })
    })
    if (body === undefined) req.end()
    else req.end(body)
    return Effect.sync(() => {
      settled = true
      req.destroy()
    })
  })
