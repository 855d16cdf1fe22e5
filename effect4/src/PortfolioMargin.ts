/**
 * Classic Portfolio Margin Account Information: `GET /fapi/v1/pmAccountInfo` (USER_DATA, weight 5) — how
 * much of an asset, and its USD value, can be moved out to the spot wallet. With `BinanceConfig.market`
 * `coin-m`, its COIN-M twin `GET /dapi/v1/pmAccountInfo` (same weight, parameters and answer).
 *
 * @since 1.0.0
 */
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import type * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Amount from "./Amount.js"
import type * as BinanceClock from "./BinanceClock.js"
import type { InvalidParameters, PmAccountInfoError } from "./BinanceError.js"
import type * as Credentials from "./Credentials.js"
import * as Call from "./internal/call.js"
import type * as CallRules from "./internal/core/call.js"
import * as Endpoint from "./internal/core/endpoint.js"

/**
 * The response body exactly as Binance sends it, validated; amounts stay strings.
 *
 * @since 1.0.0
 * @category Schemas
 */
export const PmAccountInfoResponse = Schema.Struct(Endpoint.bodyFields(Schema.String, Amount.DecimalString))

/**
 * @since 1.0.0
 * @category Models
 */
export type PmAccountInfoResponse = typeof PmAccountInfoResponse.Type

/**
 * Account information for one asset. Its encoded form is Binance's JSON.
 *
 * @since 1.0.0
 * @category Models
 */
export class PmAccountInfo extends Schema.Class<PmAccountInfo>("effect-binance-pm/PmAccountInfo")(
  Endpoint.bodyFields(Schema.String, Amount.DecimalFromString)
) {}

/**
 * The parameters of a call: the asset, and a recvWindow for this call only.
 *
 * @since 1.0.0
 * @category Models
 */
export type PmAccountInfoParams = Endpoint.PmAccountInfoParams

/**
 * The information with what it took to get it: the body's own strings, the used weight, the attempts.
 *
 * @since 1.0.0
 * @category Models
 */
export type PmAccountInfoResult = CallRules.PmAccountInfoResult<PmAccountInfo>

/**
 * The request weight of `GET /fapi/v1/pmAccountInfo`.
 *
 * @since 1.0.0
 * @category Constants
 */
export const weight: number = Endpoint.WEIGHT

/**
 * Checks call parameters; nothing is sent when they fail.
 *
 * @since 1.0.0
 * @category Validation
 */
export const validateParams: (
  params: unknown,
  defaultRecvWindow: number
) => Result.Result<Endpoint.Params, InvalidParameters> = Call.validateParams

const toInfo = (success: CallRules.Success): PmAccountInfo =>
  // The body's amounts were checked by the call: no second validation on the hot path.
  new PmAccountInfo(Endpoint.readAmounts(success.body, BigDecimal.fromStringUnsafe), { disableChecks: true })

const toResult = (success: CallRules.Success): PmAccountInfoResult => ({
  info: toInfo(success),
  response: success.body,
  usedWeight: success.usedWeight,
  attempts: success.attempts
})

/**
 * Reads Classic Portfolio Margin Account Information for one asset.
 *
 * Validates the parameters (nothing is sent when they are wrong), waits for the rate-limit gate, signs a
 * fresh request per attempt, heals a -1021 by re-syncing the clock once, retries transient failures on
 * `BinanceConfig.retrySchedule`, and decodes the body to exact decimals.
 *
 * @since 1.0.0
 * @category Endpoints
 */
export const pmAccountInfo: (
  params: PmAccountInfoParams
) => Effect.Effect<
  PmAccountInfo,
  PmAccountInfoError,
  Credentials.Credentials | BinanceClock.BinanceClock | HttpClient.HttpClient
> = Effect.fn("PortfolioMargin.pmAccountInfo")((params: PmAccountInfoParams) => Call.run(params, toInfo))

/**
 * Like `pmAccountInfo`, with the body's own strings, the used weight and the number of attempts.
 *
 * @since 1.0.0
 * @category Endpoints
 */
export const pmAccountInfoResult: (
  params: PmAccountInfoParams
) => Effect.Effect<
  PmAccountInfoResult,
  PmAccountInfoError,
  Credentials.Credentials | BinanceClock.BinanceClock | HttpClient.HttpClient
> = Effect.fn("PortfolioMargin.pmAccountInfoResult")((params: PmAccountInfoParams) => Call.run(params, toResult))
