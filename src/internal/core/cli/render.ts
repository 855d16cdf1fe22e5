/**
 * What the command prints: the account table, the JSON lines, log lines and the error texts with what to check.
 * Pure functions over plain rows and errors, the same for both editions.
 */
import type { PmAccountInfoResponse } from "../endpoint.js"
import * as Gate from "../gate.js"

/** One asset's answer, with Binance's own strings. */
export interface Row {
  readonly response: PmAccountInfoResponse
  readonly usedWeight: number | undefined
  readonly attempts: number
}

/** What the command needs of the library's errors: each is an `Error` with a `_tag`. */
export interface TaggedError {
  readonly _tag: string
  readonly message: string
  readonly field?: string | undefined
  readonly reason?: string | undefined
  readonly retryAfterMs?: number | undefined
  readonly code?: number | undefined
  readonly msg?: string | undefined
  readonly excerpt?: string | undefined
}

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

/** The human table: one row per asset, the amounts exactly as Binance wrote them. */
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

/** One JSON object per asset and line: Binance's own strings, nothing added. */
export const jsonLines = (rows: ReadonlyArray<Row>): string =>
  rows.map((row) => JSON.stringify(row.response)).join("\n")

/** `2026-01-02T03:04:05.678Z DEBUG pmAccountInfo attempt failed error=ServerError attempts=1`. */
export const logLine = (date: Date, level: string, message: ReadonlyArray<unknown>): string => {
  const parts = message.map((part) =>
    typeof part === "object" && part !== null && !Array.isArray(part)
      ? Object.entries(part).map(([key, value]) =>
        `${key}=${typeof value === "string" && !/\s/.test(value) ? value : JSON.stringify(value)}`
      ).join(" ")
      : typeof part === "string"
      ? part
      : JSON.stringify(part)
  )
  return `${date.toISOString()} ${level.toUpperCase()} ${parts.join(" ")}`
}

/** How to set the credentials. */
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

/** An `InvalidConfiguration` for people: which variable is missing, and how to set the credentials. */
export const invalidConfigurationText = (error: TaggedError): string => {
  const field = error.field ?? ""
  if (field === "credentials" && error.reason?.endsWith("(found 0)") === true) {
    return `No Binance credentials: BINANCE_API_KEY is set, but no key to sign with.\n${credentialsHelp}`
  }
  if (field.startsWith("BINANCE_") && error.reason === "is not set") {
    return `No Binance credentials: ${field} is not set.\n${credentialsHelp}`
  }
  return CREDENTIAL_FIELDS.has(field) ? `${error.message}\n${credentialsHelp}` : error.message
}

/** Whether the error is about the credentials (their absence or their text). */
export const isCredentialsError = (error: TaggedError): boolean => CREDENTIAL_FIELDS.has(error.field ?? "")

/** "45 s", "2 min 5 s", "3 h 20 min": how long a wait Binance asked for, rounded up to the second. */
export const duration = (ms: number): string => {
  const seconds = Math.max(1, Math.ceil(ms / 1000))
  if (seconds < 60) return `${seconds} s`
  if (seconds < 3600) {
    const rest = seconds % 60
    return `${Math.floor(seconds / 60)} min${rest === 0 ? "" : ` ${rest} s`}`
  }
  const minutes = Math.ceil((seconds % 3600) / 60)
  return `${Math.floor(seconds / 3600)} h${minutes === 0 ? "" : ` ${minutes} min`}`
}

/** The proxy a call went through: its `host:port` and the variable it came from (never its credentials). */
export interface ProxyInUse {
  readonly host: string
  readonly variable: string
}

const wait = (error: TaggedError, otherwise: string) =>
  error.retryAfterMs === undefined ? otherwise : `Binance asked to wait ${duration(error.retryAfterMs)}`

const network = (proxy: ProxyInUse | undefined) =>
  proxy === undefined
    ? "Check the network and the base URL."
    : `Check the proxy ${proxy.host} (from ${proxy.variable}), that it is running and reachable, and the network.`

// A pause or ban this host already knew of (the state dir, or an earlier call of this process): nothing was sent.
const inForce = (error: TaggedError): string | undefined => {
  if (error.retryAfterMs === undefined) return undefined
  const left = duration(error.retryAfterMs)
  if (error.msg === Gate.refusalMessages[418]) return `This IP is banned by Binance for another ${left}`
  if (error.msg === Gate.refusalMessages[429]) return `Binance's rate limit holds this IP for another ${left}`
  if (error.excerpt === Gate.refusalMessages[403]) return `Binance's firewall holds this IP for another ${left}`
  return undefined
}

const hint = (error: TaggedError, proxy: ProxyInUse | undefined): string | undefined => {
  const known = inForce(error)
  if (known !== undefined) return `${known}: nothing was sent. Wait that long before calling again.`
  switch (error._tag) {
    case "Unauthorized":
      return "Check BINANCE_API_KEY, that the key may read Futures data and is allowed from this IP, and that " +
        "the account uses Classic Portfolio Margin."
    case "InvalidSignature":
      return "Check that the secret or private key belongs to BINANCE_API_KEY."
    case "InvalidTimestamp":
      return "Check this machine's clock (NTP) or raise --recv-window."
    case "IpBanned":
      return `${wait(error, "Binance banned this IP for a while")}: wait for the ban to end before calling again.`
    case "RateLimited":
      return `${wait(error, "This IP used its request weight for this minute")}: wait that long before calling again.`
    case "WafBlocked":
      return "Binance's firewall (CloudFront) blocked the request: the IP, its country or its traffic looked " +
        `wrong to it. ${wait(error, "Wait a few minutes")} before calling again, from another network if it lasts.`
    case "BinanceApiError":
      // -1108 is Binance's "Invalid asset.": the symbol is well formed but no such asset is in the account.
      return error.code === -1108
        ? "Check the asset's symbol (BTC, ETH, USDT, ...): Binance knows no such asset in this account."
        : undefined
    case "TransportError":
    case "Timeout":
      return network(proxy)
    default:
      return undefined
  }
}

/**
 * An API error for people: its tag, Binance's code and message, and what to check. Errors never hold secrets,
 * and the proxy is named by `host:port` only, so this is safe to print.
 */
export const apiErrorText = (error: TaggedError, proxy?: ProxyInUse): string => {
  const what = hint(error, proxy)
  return `${error._tag}: ${error.message}${what === undefined ? "" : `\n${what}`}`
}
