/**
 * Classic Portfolio Margin Account Information: `GET /fapi/v1/pmAccountInfo` (USER_DATA, weight 5) — how
 * much of an asset, and its USD value, can be moved out to the spot wallet. With `BinanceConfig.market`
 * `coin-m`, its COIN-M twin `GET /dapi/v1/pmAccountInfo` (same weight, parameters and answer).
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Amount from "./Amount.js"
import type * as BinanceClock from "./BinanceClock.js"
import { InvalidParameters, type PmAccountInfoError } from "./BinanceError.js"
import type * as Credentials from "./Credentials.js"
import * as Call from "./internal/call.js"
import * as Endpoint from "./internal/core/endpoint.js"
import * as Api from "./internal/wiring/api/PortfolioMargin.js"

/**
 * @since 0.1.0
 * @category Schemas
 * @deprecated Use `Amount.DecimalString`.
 */
export const DecimalString: typeof Amount.DecimalString = Amount.DecimalString

/**
 * @since 0.1.0
 * @category Schemas
 * @deprecated Use `Amount.DecimalFromString`.
 */
export const DecimalFromString: typeof Amount.DecimalFromString = Amount.DecimalFromString

/**
 * @since 0.1.0
 * @category Formatting
 * @deprecated Use `Amount.formatPlain`.
 */
export const formatPlain: typeof Amount.formatPlain = Amount.formatPlain

/**
 * The response body exactly as Binance sends it, validated (amounts stay strings): the schema and its type.
 *
 * @since 0.1.0
 * @category Schemas
 */
export { PmAccountInfoResponse } from "./internal/wiring/api/PortfolioMargin.js"

/**
 * Account information for one asset. Its encoded form is Binance's JSON.
 *
 * @since 0.1.0
 * @category Models
 */
export { PmAccountInfo } from "./internal/wiring/api/PortfolioMargin.js"

/**
 * The parameters of a call, and the information with what it took to get it.
 *
 * @since 0.1.0
 * @category Models
 */
export { type PmAccountInfoParams, type PmAccountInfoResult } from "./internal/wiring/api/PortfolioMargin.js"

/**
 * The request weight of `GET /fapi/v1/pmAccountInfo`.
 *
 * @since 0.1.0
 * @category Constants
 */
export { weight } from "./internal/wiring/api/PortfolioMargin.js"

/**
 * Checks call parameters; nothing is sent when they fail.
 *
 * @since 0.1.0
 * @category Validation
 */
export const validateParams = (
  params: unknown,
  defaultRecvWindow: number
): Either.Either<Endpoint.Params, InvalidParameters> => {
  const checked = Endpoint.checkParams(params, defaultRecvWindow)
  return Endpoint.isRefusal(checked) ? Either.left(new InvalidParameters(checked)) : Either.right(checked)
}

// Both entries are traced with `Call.traced`: Effect.fn's span and call-site frame, at a third of its Effect 3 steps
// (test/traced.test.ts runs both on the same bodies).

/**
 * Reads Classic Portfolio Margin Account Information for one asset.
 *
 * Validates the parameters (nothing is sent when they are wrong), waits for the rate-limit gate, signs a
 * fresh request per attempt, heals a -1021 by re-syncing the clock once, retries transient failures on
 * `BinanceConfig.retrySchedule`, and decodes the body to exact decimals.
 *
 * @since 0.1.0
 * @category Endpoints
 */
export const pmAccountInfo: (
  params: Api.PmAccountInfoParams
) => Effect.Effect<
  Api.PmAccountInfo,
  PmAccountInfoError,
  Credentials.Credentials | BinanceClock.BinanceClock | HttpClient.HttpClient
> = Call.traced("PortfolioMargin.pmAccountInfo", (params: Api.PmAccountInfoParams) => Call.run(params, Api.toInfo))

/**
 * Like `pmAccountInfo`, with the body's own strings, the used weight and the number of attempts.
 *
 * @since 0.1.0
 * @category Endpoints
 */
export const pmAccountInfoResult: (
  params: Api.PmAccountInfoParams
) => Effect.Effect<
  Api.PmAccountInfoResult,
  PmAccountInfoError,
  Credentials.Credentials | BinanceClock.BinanceClock | HttpClient.HttpClient
> = Call.traced(
  "PortfolioMargin.pmAccountInfoResult",
  (params: Api.PmAccountInfoParams) => Call.run(params, Api.toResult)
)
