/**
 * A faithful, deterministic fake of Binance USDⓈ-M Futures (`fapi`) for the two endpoints this library
 * uses: `GET /fapi/v1/time` and `GET /fapi/v1/pmAccountInfo`, and their COIN-M twins `GET /dapi/v1/time` and
 * `GET /dapi/v1/pmAccountInfo` (same rules and accounts; one weight budget for both).
 *
 * One exchange implementation (`handle` of {@link Service}) is reachable two ways with identical behaviour:
 * an in-memory `HttpClient` ({@link layer}, driven by Effect's `Clock`, so `TestClock` controls
 * recvWindow checks, weight windows, bans and delays) and a loopback HTTP server ({@link serve}).
 *
 * @since 1.0.0
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import type * as Socket from "effect/socket/Socket"
import * as Model from "./internal/core/fake/model.js"
import * as client from "./internal/wiring/fake/client.js"
import * as internalError from "./internal/wiring/fake/error.js"
import * as server from "./internal/wiring/fake/server.js"
import * as wiring from "./internal/wiring/fake/service.js"

/**
 * @since 1.0.0
 * @category Errors
 */
export const FakeBinanceError: typeof internalError.FakeBinanceError = internalError.FakeBinanceError

/**
 * Raised for bad options or scripting calls (unknown API key, unreadable key, rate outside 0..1, ...).
 *
 * @since 1.0.0
 * @category Errors
 */
export type FakeBinanceError = internalError.FakeBinanceError

/**
 * The fake's plain shapes, shared by both editions (each documented where it is declared): `Options` and
 * `ServeOptions` (how a fake starts), `Account` (an API key and how it signs), `AssetAmounts` (what
 * `pmAccountInfo` answers for one asset), `ErrorReply` (a `{code,msg}` reply), and `FakeRequest` /
 * `FakeResponse` (a request as either transport sees it, and what the exchange decided), and
 * `StreamAccountFigures` (what the user-data stream's `PM_PRO_ACCOUNT_UPDATE` pushes).
 *
 * @since 1.0.0
 * @category Models
 */
export type {
  Account,
  AssetAmounts,
  ErrorReply,
  FakeRequest,
  FakeResponse,
  Options,
  ServeOptions,
  StreamAccountFigures
} from "./internal/core/fake/model.js"

/**
 * A scripted misbehaviour of the network, the CDN or the exchange. Build them with {@link Fault}.
 *
 * @since 1.0.0
 * @category Faults
 */
export type Fault = Model.Fault

/**
 * Fault constructors. "Edge" faults answer before the exchange sees the request (no weight, no checks);
 * `delay` and `truncate` let the exchange process the request, then slow down or cut the answer.
 *
 * @since 1.0.0
 * @category Faults
 */
export const Fault: Model.Builders<Duration.Input> = Model.buildersFor(Duration.toMillis)

/**
 * One line of the request log. Secrets stay out of it: the signature value in `query` and the
 * `x-mbx-apikey` header read `<redacted>`; the originals are kept in `Redacted` fields.
 *
 * @since 1.0.0
 * @category Models
 */
export type LogEntry = Model.LogEntry<Redacted.Redacted<string>>

/**
 * The fake exchange: `handle`, and the scripting calls (documented on `ServiceShape`, shared by both editions).
 *
 * @since 1.0.0
 * @category Models
 */
export type Service = Model.ServiceShape<
  Effect.Effect<void, FakeBinanceError>,
  Effect.Effect<void>,
  Effect.Effect<ReadonlyArray<LogEntry>>,
  Effect.Effect<number>,
  Effect.Effect<Model.FakeResponse>
>

/**
 * @since 1.0.0
 * @category Context
 */
export class FakeBinance extends Context.Service<FakeBinance, Service>()("effect-binance-pm/FakeBinance") {}

/**
 * Builds a fake exchange. Time comes from the ambient `Clock` of whoever calls it.
 *
 * @since 1.0.0
 * @category Constructors
 */
export const make = (options?: Model.Options): Effect.Effect<Service, FakeBinanceError> => wiring.make(options ?? {})

/**
 * An `HttpClient` that sends every request to `fake` in memory, whatever the host. A `Reset` fails
 * with a `RequestError` (reason `"Transport"`); a `Truncate` body errors half-way when read.
 *
 * @since 1.0.0
 * @category Constructors
 */
export const httpClient: (fake: Service) => HttpClient.HttpClient = client.make

/**
 * The in-memory fake: an `HttpClient` wired to a new exchange, the `FakeBinance` service, a fresh `RateLimit` gate
 * for the one IP the fake stands for, and a `Socket.WebSocketConstructor` whose sockets reach the fake's user-data
 * stream in memory (whatever the host), on the clock the layer is built with: under `TestClock`, the account
 * updates every 5 s, pings, expiries and 24 h cuts move only when the test moves the clock.
 *
 * @since 1.0.0
 * @category Layers
 */
export const layer = (
  options?: Model.Options
): Layer.Layer<FakeBinance | HttpClient.HttpClient | Socket.WebSocketConstructor, FakeBinanceError> =>
  Layer.effectContext(wiring.inMemory(FakeBinance, options ?? {}))

/**
 * The same exchange on a loopback HTTP server (`127.0.0.1`, a free port), on the real clock.
 * Closing the scope closes the server and every connection.
 *
 * @since 1.0.0
 * @category Constructors
 */
export const serve = (
  options?: Model.ServeOptions
): Effect.Effect<{ readonly baseUrl: string; readonly fake: Service }, FakeBinanceError, Scope.Scope> =>
  server.serve(options ?? {})

/**
 * A served fake, started from Promise code: its `baseUrl`, the `fake` to script (its calls are effects), and
 * `close()`, which stops the server and closes every connection.
 *
 * @since 1.0.0
 * @category Models
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
 *
 * @since 1.0.0
 * @category Constructors
 */
export const start = (options?: Model.ServeOptions): Promise<Started> => server.start(options ?? {})

/**
 * {@link serve} as a layer; read `baseUrl` from the service.
 *
 * @since 1.0.0
 * @category Layers
 */
export const layerServer = (
  options?: Model.ServeOptions
): Layer.Layer<FakeBinance, FakeBinanceError> => wiring.layerServer(FakeBinance, options ?? {})

/**
 * Runs one request through the exchange in context.
 *
 * @since 1.0.0
 * @category Accessors
 */
export const handle = (request: Model.FakeRequest): Effect.Effect<Model.FakeResponse, never, FakeBinance> =>
  wiring.handle(FakeBinance, request)
