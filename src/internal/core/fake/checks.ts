/**
 * Validation of what a test hands the fake: options, accounts, assets, faults. Each check returns the problem as
 * a message (the editions wrap it in `FakeBinanceError`) or the checked value.
 */
import type * as api from "./model.js"
import type * as rules from "./rules.js"
import * as signature from "./signature.js"

const isStatus = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 200 && (n as number) <= 599

/** A positive integer: a weight limit or a fault count. */
export const isLimit = (limit: unknown): limit is number => Number.isInteger(limit) && (limit as number) > 0

export const errorReply = (
  name: string,
  reply: api.ErrorReply | undefined,
  fallback: api.ErrorReply
): api.ErrorReply | string => {
  if (reply === undefined) return fallback
  if (!isStatus(reply.status) || !Number.isInteger(reply.code) || typeof reply.msg !== "string") {
    return `errors.${name} must be { status: 200..599, code: integer, msg: string }`
  }
  return { status: reply.status, code: reply.code, msg: reply.msg }
}

export const amounts = (asset: string, given: api.AssetAmounts): string | undefined =>
  asset === "" || typeof given?.maxWithdrawAmount !== "string" || typeof given.maxWithdrawAmountUSD !== "string"
    ? `asset '${asset}' needs a non-empty name and string maxWithdrawAmount / maxWithdrawAmountUSD`
    : undefined

export const account = (given: api.Account): rules.AccountState | string => {
  if (typeof given?.apiKey !== "string" || given.apiKey === "") return "account.apiKey must be a non-empty string"
  const hasSecret = given.hmacSecret !== undefined
  if (hasSecret === (given.publicKey !== undefined)) {
    return `account ${given.apiKey.slice(0, 6)}…: give exactly one of hmacSecret or publicKey`
  }
  let verifier: signature.Verifier
  if (hasSecret) {
    if (typeof given.hmacSecret !== "string" || given.hmacSecret === "") {
      return "hmacSecret must be a non-empty string"
    }
    verifier = signature.hmac(given.hmacSecret)
  } else {
    const result = signature.fromPublicKey(given.publicKey!)
    if (typeof result === "string") return result
    verifier = result
  }
  const assets = new Map<string, api.AssetAmounts>()
  for (const [asset, each] of Object.entries(given.assets ?? {})) {
    const problem = amounts(asset, each)
    if (problem) return problem
    assets.set(asset, { maxWithdrawAmount: each.maxWithdrawAmount, maxWithdrawAmountUSD: each.maxWithdrawAmountUSD })
  }
  return { verifier, assets, portfolioMargin: given.portfolioMargin ?? true }
}

export const fault = (fault: api.Fault): string | undefined => {
  switch (fault?._tag) {
    case "Respond":
      return isStatus(fault.status) ? undefined : "Fault.respond status must be an integer in 200..599"
    case "Delay":
      return Number.isFinite(fault.millis) && fault.millis >= 0 ? undefined : "Fault.delay needs a finite duration"
    case "RateLimited":
      return Number.isInteger(fault.retryAfterSeconds) && fault.retryAfterSeconds > 0
        ? undefined
        : "Fault.rateLimited needs a positive whole number of seconds"
    case "Banned":
      return Number.isInteger(fault.retryAfterSeconds) && fault.retryAfterSeconds > 0
        ? undefined
        : "Fault.banned needs a positive whole number of seconds"
    case "RateLimitedBare":
      return ["json", "empty", "html"].includes(fault.body)
        ? undefined
        : "Fault.rateLimitedBare body must be json, empty or html"
    case "ServiceUnavailable":
      return ["unknown", "unavailable", "internal"].includes(fault.variant) ? undefined : "unknown 503 variant"
    case "Html502":
    case "Reset":
    case "Truncate":
    case "NonJson200":
    case "WrongSchema200":
    case "WafBlocked":
      return undefined
    default:
      return "not a Fault; build one with FakeBinance.Fault"
  }
}
