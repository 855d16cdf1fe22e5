/**
 * The public `FakeBinance` module's declarations, written once for both editions: each edition's `FakeBinance.ts`
 * re-exports them under its own `@since`, and declares `layer` (what it provides differs: in Effect 3 the gate's
 * key is a service of its own, in Effect 4 a reference). The bodies are `../fake/*`.
 */
import * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as Model from "../../core/fake/model.js"
import * as Dialect from "../../dialect.js"
import * as client from "../fake/client.js"
import * as internalError from "../fake/error.js"
import * as server from "../fake/server.js"
import * as wiring from "../fake/service.js"

/** Raised for bad options or scripting calls (unknown API key, unreadable key, rate outside 0..1, ...). */
export const FakeBinanceError: typeof internalError.FakeBinanceError = internalError.FakeBinanceError

/** Raised for bad options or scripting calls (unknown API key, unreadable key, rate outside 0..1, ...). */
export type FakeBinanceError = internalError.FakeBinanceError

/** A scripted misbehaviour of the network, the CDN or the exchange. Build them with {@link Fault}. */
export type Fault = Model.Fault

/**
 * Fault constructors. "Edge" faults answer before the exchange sees the request (no weight, no checks);
 * `delay` and `truncate` let the exchange process the request, then slow down or cut the answer.
 */
export const Fault: Model.Builders<Dialect.DurationInput> = Model.buildersFor(Duration.toMillis)

/**
 * One line of the request log. Secrets stay out of it: the signature value in `query` and the
 * `x-mbx-apikey` header read `<redacted>`; the originals are kept in `Redacted` fields.
 */
export type LogEntry = Model.LogEntry<Redacted.Redacted<string>>

/** The fake exchange: `handle`, and the scripting calls (documented on `ServiceShape`, shared by both editions). */
export type Service = Model.ServiceShape<
  Effect.Effect<void, FakeBinanceError>,
  Effect.Effect<void>,
  Effect.Effect<ReadonlyArray<LogEntry>>,
  Effect.Effect<number>,
  Effect.Effect<Model.FakeResponse>
>

/** The fake exchange in context: what `layer` and `layerServer` provide, and `handle` runs on. */
export class FakeBinance extends Dialect.ServiceClass<FakeBinance, Service>()("effect-binance-pm/FakeBinance") {}

/** Builds a fake exchange. Time comes from the ambient `Clock` of whoever calls it. */
export const make = (options?: Model.Options): Effect.Effect<Service, FakeBinanceError> => wiring.make(options ?? {})

/**
 * An `HttpClient` that sends every request to `fake` in memory, whatever the host. A `Reset` fails
 * with a `RequestError` (reason `"Transport"`); a `Truncate` body errors half-way when read.
 */
export const httpClient: (fake: Service) => Dialect.HttpClient = client.make

/**
 * The same exchange on a loopback HTTP server (`127.0.0.1`, a free port), on the real clock.
 * Closing the scope closes the server and every connection.
 */
export const serve = (
  options?: Model.ServeOptions
): Effect.Effect<{ readonly baseUrl: string; readonly fake: Service }, FakeBinanceError, Scope.Scope> =>
  server.serve(options ?? {})

/**
 * A served fake, started from Promise code: its `baseUrl`, the `fake` to script (its calls are effects), and
 * `close()`, which stops the server and closes every connection.
 */
export interface Started {
  readonly baseUrl: string
  readonly fake: Service
  readonly close: () => Promise<void>
}

/**
 * {@link serve} for Promise code and test runners that are not Effect's (vitest, jest, node:test): the same
 * options, resolved once the server listens on loopback. Call `close()` when done (in `afterAll`, say); it
 * leaves no socket open. Rejects with `FakeBinanceError` for bad options.
 */
export const start = (options?: Model.ServeOptions): Promise<Started> => server.start(options ?? {})

/** {@link serve} as a layer; read `baseUrl` from the service. */
export const layerServer = (
  options?: Model.ServeOptions
): Layer.Layer<FakeBinance, FakeBinanceError> => wiring.layerServer(FakeBinance, options ?? {})

/** Runs one request through the exchange in context. */
export const handle = (request: Model.FakeRequest): Effect.Effect<Model.FakeResponse, never, FakeBinance> =>
  wiring.handle(FakeBinance, request)
