/**
 * `PortfolioMargin`'s models, written once for both editions: the body as Binance sends it, the decoded
 * information, the call's parameters and result, the endpoint's weight, and how the call's success becomes them.
 * Each edition's `PortfolioMargin` re-exports them with its own version tags; its entries (`pmAccountInfo`,
 * `pmAccountInfoResult`) are traced in its own dialect.
 */
import * as Schema from "effect/Schema"
import * as Amount from "../../../Amount.js"
import type * as CallRules from "../../core/call.js"
import * as Endpoint from "../../core/endpoint.js"
import * as Dialect from "../../dialect.js"

/** The response body exactly as Binance sends it, validated; amounts stay strings. */
export const PmAccountInfoResponse = Schema.Struct(Endpoint.bodyFields(Schema.String, Amount.DecimalString))

/** The response body exactly as Binance sends it; amounts stay strings. */
export type PmAccountInfoResponse = typeof PmAccountInfoResponse.Type

/** Account information for one asset. Its encoded form is Binance's JSON. */
export class PmAccountInfo extends Schema.Class<PmAccountInfo>("effect-binance-pm/PmAccountInfo")(
  Endpoint.bodyFields(Schema.String, Amount.DecimalFromString)
) {}

/** The parameters of a call: the asset, and a recvWindow for this call only. */
export type PmAccountInfoParams = Endpoint.PmAccountInfoParams

/** The information with what it took to get it: the body's own strings, the used weight, the attempts. */
export type PmAccountInfoResult = CallRules.PmAccountInfoResult<PmAccountInfo>

/** The request weight of `GET /fapi/v1/pmAccountInfo`. */
export const weight: number = Endpoint.WEIGHT

/**
 * The information of a call's success. The body's amounts were checked by the call: no second validation on the
 * hot path.
 *
 * @internal
 */
export const toInfo = (success: CallRules.Success): PmAccountInfo =>
  new PmAccountInfo(Endpoint.readAmounts(success.body, Dialect.decimalOfChecked), Dialect.checked)

/** A call's success with what it took. @internal */
export const toResult = (success: CallRules.Success): PmAccountInfoResult => ({
  info: toInfo(success),
  response: success.body,
  usedWeight: success.usedWeight,
  attempts: success.attempts
})
