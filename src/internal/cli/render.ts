/**
 * What the CLI prints: the account table, the JSON lines and the error texts. Pure functions over the
 * library's results and errors, so they can be tested without a terminal.
 */
import * as ConfigError from "effect/ConfigError"
import type * as BinanceError from "../../BinanceError.js"
import type * as PortfolioMargin from "../../PortfolioMargin.js"

/** @internal */
export type Row = Pick<PortfolioMargin.PmAccountInfoResult, "response" | "usedWeight">

// Lines decimals up on their point, so amounts of different scales can be compared at a glance.
const alignDecimals = (values: ReadonlyArray<string>): Array<string> => {
  const parts = values.map((value) => {
    const dot = value.indexOf(".")
    return dot === -1 ? [value, ""] as const : [value.slice(0, dot), value.slice(dot)] as const
  })
  const intWidth = Math.max(0, ...parts.map(([int]) => int.length))
  const fracWidth = Math.max(0, ...parts.map(([, frac]) => frac.length))
  return parts.map(([int, frac]) => int.padStart(intWidth) + frac.padEnd(fracWidth))
}

/**
 * The human table: one row per asset, the amounts exactly as Binance wrote them.
 *
 * @internal
 */
export const table = (rows: ReadonlyArray<Row>): string => {
  const header = ["Asset", "Max withdraw amount", "USD value", "Used weight"] as const
  const columns = [
    rows.map((row) => row.response.asset),
    alignDecimals(rows.map((row) => row.response.maxWithdrawAmount)),
    alignDecimals(rows.map((row) => row.response.maxWithdrawAmountUSD)),
    rows.map((row) => row.usedWeight === undefined ? "-" : String(row.usedWeight))
  ]
  const widths = header.map((title, i) => Math.max(title.length, ...columns[i]!.map((cell) => cell.length)))
  // The asset reads left to right; numbers line up on the right.
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((cell, i) => i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)).join("  ").trimEnd()
  return [line(header), ...rows.map((_, r) => line(columns.map((column) => column[r]!)))].join("\n")
}

/**
 * One JSON object per asset and line: Binance's own strings, nothing added.
 *
 * @internal
 */
export const jsonLines = (rows: ReadonlyArray<Row>): string =>
  rows.map((row) => JSON.stringify(row.response)).join("\n")

/** @internal */
export const credentialsHelp = [
  "Set BINANCE_API_KEY and exactly one of:",
  "  BINANCE_SECRET_KEY        the secret key of an HMAC API key",
  "  BINANCE_PRIVATE_KEY       the PEM text of an Ed25519 or RSA private key",
  "  BINANCE_PRIVATE_KEY_FILE  the path of a PEM file holding that key",
  "and BINANCE_PRIVATE_KEY_PASSPHRASE as well if the private key is encrypted.",
  "To try the CLI without an account: effect-binance-pm account-info --demo"
].join("\n")

const CREDENTIAL_FIELDS = new Set([
  "credentials",
  "apiKey",
  "secretKey",
  "privateKey",
  "passphrase",
  "BINANCE_API_KEY",
  "BINANCE_SECRET_KEY",
  "BINANCE_PRIVATE_KEY",
  "BINANCE_PRIVATE_KEY_FILE",
  "BINANCE_PRIVATE_KEY_PASSPHRASE"
])

/** @internal */
export const configErrorText = (error: ConfigError.ConfigError): string => {
  // Only the names of missing variables are printed, never what was read.
  const missing = ConfigError.reduceWithContext(error, undefined, {
    andCase: (_, left: Array<string>, right: Array<string>) => [...left, ...right],
    orCase: (_, left: Array<string>, right: Array<string>) => [...left, ...right],
    invalidDataCase: () => [],
    missingDataCase: (_, path) => [path.join(".")],
    sourceUnavailableCase: () => [],
    unsupportedCase: () => []
  })
  return missing.length > 0
    ? `No Binance credentials: ${missing.join(", ")} is not set.\n${credentialsHelp}`
    : `The Binance credentials could not be read from the environment.\n${credentialsHelp}`
}

/** @internal */
export const invalidConfigurationText = (error: BinanceError.InvalidConfiguration): string => {
  if (error.field === "credentials" && error.reason.endsWith("(found 0)")) {
    return `No Binance credentials: BINANCE_API_KEY is set, but no key to sign with.\n${credentialsHelp}`
  }
  if (error.field.startsWith("BINANCE_") && error.reason === "is not set") {
    return `No Binance credentials: ${error.field} is not set.\n${credentialsHelp}`
  }
  return CREDENTIAL_FIELDS.has(error.field) ? `${error.message}\n${credentialsHelp}` : error.message
}

const hints: Partial<Record<BinanceError.PmAccountInfoError["_tag"], string>> = {
  Unauthorized: "Check BINANCE_API_KEY, that the key may read Futures data and is allowed from this IP, and that " +
    "the account uses Classic Portfolio Margin.",
  InvalidSignature: "Check that the secret or private key belongs to BINANCE_API_KEY.",
  InvalidTimestamp: "Check this machine's clock (NTP) or raise --recv-window.",
  IpBanned: "Wait for the ban to end before calling again.",
  RateLimited: "Wait a minute before calling again.",
  TransportError: "Check the network and the base URL.",
  Timeout: "Check the network and the base URL."
}

/**
 * An API error for people: its tag, Binance's code and message, and what to check. Errors never hold
 * secrets (see BinanceError), so this is safe to print.
 *
 * @internal
 */
export const apiErrorText = (error: BinanceError.PmAccountInfoError): string => {
  const hint = hints[error._tag]
  return `${error._tag}: ${error.message}${hint === undefined ? "" : `\n${hint}`}`
}
