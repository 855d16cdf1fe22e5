/**
 * The in-memory transport: an `HttpClient` that hands each request to the exchange's `handle`.
 * No sockets; the request runs on the caller's fiber, so a delay is interrupted with it.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
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
            new HttpClientError.RequestError({
              request,
              reason: "Transport",
              cause: transport.reset.cause(),
              description: transport.reset.description
            })
          )
          : Effect.succeed(HttpClientResponse.fromWeb(request, transport.webResponse(response)))
    )
  )
