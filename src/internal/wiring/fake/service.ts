/**
 * The bodies of the public `FakeBinance` module's constructors, layers and accessor. Its tag is declared once in
 * `../api/FakeBinance.ts` (through the dialect's `ServiceClass`) and handed in.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as api from "../../../FakeBinance.js"
import * as RateLimit from "../../../RateLimit.js"
import type * as Model from "../../core/fake/model.js"
import * as Dialect from "../../dialect.js"
import * as client from "./client.js"
import type { FakeBinanceError } from "./error.js"
import * as exchange from "./exchange.js"
import * as server from "./server.js"
import * as userStream from "./userStream.js"

/** An exchange on the clock of whoever calls it. @internal */
export const make = (options: Model.Options): Effect.Effect<api.Service, FakeBinanceError> =>
  Effect.map(exchange.make(options, undefined), (made) => made.service)

/**
 * The in-memory fake's services: a new exchange under `tag`, the `HttpClient` wired to it, a fresh `RateLimit`
 * gate, and the `WebSocketConstructor` of its user-data stream, on the clock of whoever builds them. The type is
 * inferred: the gate's key is a service of its own in Effect 3 and a reference (nothing required) in Effect 4.
 *
 * @internal
 */
export const inMemory = <I>(
  tag: Dialect.ServiceTag<I, api.Service>,
  options: Model.Options
) =>
  Effect.gen(function*() {
    const made = yield* exchange.make(options, undefined)
    const webSocket = yield* userStream.inMemory(made)
    return Context.make(tag, made.service).pipe(
      Context.add(Dialect.HttpClient, client.make(made.service)),
      // The fake is one IP of its own: a fresh gate, so no state leaks between specs through the
      // process-wide default gate (each spec's TestClock starts again at 0).
      Context.add(RateLimit.RateLimit, RateLimit.makeUnsafe()),
      Context.add(Dialect.WebSocketConstructor, webSocket)
    )
  })

/** A served exchange under `tag`, its server held by the layer's scope. @internal */
export const layerServer = <I>(
  tag: Dialect.ServiceTag<I, api.Service>,
  options: Model.ServeOptions
): Layer.Layer<I, FakeBinanceError> => Dialect.layerScoped(tag, Effect.map(server.serve(options), ({ fake }) => fake))

/** Runs one request through the exchange under `tag`. @internal */
export const handle = <I>(
  tag: Dialect.ServiceTag<I, api.Service>,
  request: Model.FakeRequest
): Effect.Effect<Model.FakeResponse, never, I> => Effect.flatMap(Dialect.service(tag), (fake) => fake.handle(request))
