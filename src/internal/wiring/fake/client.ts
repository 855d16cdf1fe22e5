/**
 * The in-memory transport: an `HttpClient` that hands each request to the exchange's `handle`.
 * No sockets; the request runs on the caller's fiber, so a delay is interrupted with it.
 */
import * as Effect from "effect/Effect"
import type * as api from "../../../FakeBinance.js"
import * as transport from "../../core/fake/transport.js"
import * as Dialect from "../../dialect.js"

/** @internal */
export const make = (fake: api.Service): Dialect.HttpClient =>
  Dialect.makeHttpClient((request, url) =>
    Effect.flatMap(
      fake.handle({ method: request.method, url, headers: request.headers }),
      (response) =>
        response._tag === "Reset"
          ? Effect.fail(Dialect.transportError(request, transport.reset.cause(), transport.reset.description))
          : Effect.succeed(Dialect.responseFromWeb(request, transport.webResponse(response)))
    )
  )
