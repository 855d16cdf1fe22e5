/**
 * The in-memory transport: an `HttpClient` that hands each request to the exchange's `handle`.
 * No sockets; the request runs on the caller's fiber, so a delay is interrupted with it.
 */
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import type * as api from "../../FakeBinance.js"

const NULL_BODY_STATUS = new Set([101, 204, 205, 304])

// The bytes sent, then the error a socket closed mid-body gives (undici says "terminated").
const truncatedBody = (bytes: Uint8Array) => {
  let sent = false
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent) return controller.error(new TypeError("terminated", { cause: new Error("other side closed") }))
      sent = true
      controller.enqueue(bytes)
    }
  })
}

/** @internal */
export const make = (fake: api.Service): HttpClient.HttpClient =>
  HttpClient.make((request, url) =>
    Effect.flatMap(fake.handle({ method: request.method, url, headers: request.headers }), (response) => {
      switch (response._tag) {
        case "Reset":
          return Effect.fail(
            new HttpClientError.HttpClientError({
              reason: new HttpClientError.TransportError({
                request,
                cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
                description: "connection reset by FakeBinance"
              })
            })
          )
        case "Truncate": {
          const bytes = Buffer.from(response.body, "utf8").subarray(0, response.cutAt)
          return Effect.succeed(HttpClientResponse.fromWeb(
            request,
            new Response(truncatedBody(new Uint8Array(bytes)), { status: response.status, headers: response.headers })
          ))
        }
        case "Reply":
          return Effect.succeed(HttpClientResponse.fromWeb(
            request,
            new Response(NULL_BODY_STATUS.has(response.status) ? null : response.body, {
              status: response.status,
              headers: response.headers
            })
          ))
      }
    })
  )
