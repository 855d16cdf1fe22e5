/**
 * A faithful, deterministic fake of Binance USDⓈ-M Futures (`fapi`) for the two endpoints this library
 * uses: `GET /fapi/v1/time` and `GET /fapi/v1/pmAccountInfo`, and their COIN-M twins `GET /dapi/v1/time` and
 * `GET /dapi/v1/pmAccountInfo` (same rules and accounts; one weight budget for both).
 *
 * One exchange implementation (`handle` of {@link Service}) is reachable two ways with identical behaviour:
 * an in-memory `HttpClient` ({@link layer}, driven by Effect's `Clock`, so `TestClock` controls
 * recvWindow checks, weight windows, bans and delays) and a loopback HTTP server ({@link serve}).
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Socket from "@effect/platform/Socket"
import * as Layer from "effect/Layer"
import type * as Model from "./internal/core/fake/model.js"
import { FakeBinance, type FakeBinanceError } from "./internal/wiring/api/FakeBinance.js"
import * as wiring from "./internal/wiring/fake/service.js"
import type * as RateLimit from "./RateLimit.js"

/**
 * @since 0.1.0
 * @category Errors
 */
export { FakeBinanceError } from "./internal/wiring/api/FakeBinance.js"

/**
 * The fake's plain shapes, shared by both editions (each documented where it is declared): `Options` and
 * `ServeOptions` (how a fake starts), `Account` (an API key and how it signs), `AssetAmounts` (what
 * `pmAccountInfo` answers for one asset), `ErrorReply` (a `{code,msg}` reply), and `FakeRequest` /
 * `FakeResponse` (a request as either transport sees it, and what the exchange decided), and
 * `StreamAccountFigures` (what the user-data stream's `PM_PRO_ACCOUNT_UPDATE` pushes).
 *
 * @since 0.1.0
 * @category Models
 */
export {
  type Account,
  type AssetAmounts,
  type ErrorReply,
  type FakeRequest,
  type FakeResponse,
  type Options,
  type ServeOptions,
  type StreamAccountFigures
} from "./internal/core/fake/model.js"

/**
 * @since 0.1.0
 * @category Faults
 */
export { Fault } from "./internal/wiring/api/FakeBinance.js"

/**
 * @since 0.1.0
 * @category Models
 */
export { type LogEntry } from "./internal/wiring/api/FakeBinance.js"

/**
 * @since 0.1.0
 * @category Models
 */
export { type Service } from "./internal/wiring/api/FakeBinance.js"

/**
 * @since 0.1.0
 * @category Context
 */
export { FakeBinance } from "./internal/wiring/api/FakeBinance.js"

/**
 * @since 0.1.0
 * @category Constructors
 */
export { make } from "./internal/wiring/api/FakeBinance.js"

/**
 * @since 0.1.0
 * @category Constructors
 */
export { httpClient } from "./internal/wiring/api/FakeBinance.js"

/**
 * The in-memory fake: an `HttpClient` wired to a new exchange, the `FakeBinance` service, a fresh `RateLimit` gate
 * for the one IP the fake stands for, and a `Socket.WebSocketConstructor` whose sockets reach the fake's user-data
 * stream in memory (whatever the host), on the clock the layer is built with: under `TestClock`, the account
 * updates every 5 s, pings, expiries and 24 h cuts move only when the test moves the clock.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layer = (
  options?: Model.Options
): Layer.Layer<
  FakeBinance | HttpClient.HttpClient | RateLimit.RateLimit | Socket.WebSocketConstructor,
  FakeBinanceError
> => Layer.scopedContext(wiring.inMemory(FakeBinance, options ?? {}))

/**
 * @since 0.1.0
 * @category Constructors
 */
export { serve } from "./internal/wiring/api/FakeBinance.js"

/**
 * @since 0.2.0
 * @category Models
 */
export { type Started } from "./internal/wiring/api/FakeBinance.js"

/**
 * @since 0.2.0
 * @category Constructors
 */
export { start } from "./internal/wiring/api/FakeBinance.js"

/**
 * @since 0.1.0
 * @category Layers
 */
export { layerServer } from "./internal/wiring/api/FakeBinance.js"

/**
 * @since 0.1.0
 * @category Accessors
 */
export { handle } from "./internal/wiring/api/FakeBinance.js"
