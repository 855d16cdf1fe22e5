/**
 * The in-memory transport: an `HttpClient` that hands each request to the exchange's `handle`.
 * No sockets; the request runs on the caller's fiber, so a delay is interrupted with it.
 */
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import type * as api from "../../FakeBinance.js"
import * as transport from "../core/fake/transport.js"

/** @internal */
export const make = (fake: api.Service): HttpClient.HttpClient =>
  HttpClient.make((request, url) =>
    Effect.flatMap(
      fake.handle({ method: request.method, url, headers: request.headers }),
      (response) =>
        response._tag === "Reset"
          ? Effect.fail(
            new HttpClientError.HttpClientError({
              reason: new HttpClientError.TransportError({
                request,
                cause: transport.reset.cause(),
                description: transport.reset.description
              })
            })
          )
          : Effect.succeed(HttpClientResponse.fromWeb(request, transport.webResponse(response)))
    )
  )
