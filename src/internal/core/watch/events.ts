/**
 * What a watcher tells its user (`WatchEvent`), and the decoding of the Portfolio Margin Pro user-data stream's
 * messages into it. No Effect here. Decimals stay Binance's exact strings; decoding is liberal (unknown fields
 * and event types are ignored, the risk event's unconfirmed fields are optional) and never throws: anything
 * malformed is a `Malformed` with the reason.
 */
import { DECIMAL } from "../endpoint.js"
import type { Reason } from "./schedule.js"

/**
 * One asset's figures as `pmAccountInfo` answered them (Binance's exact strings); `at` is when the answer arrived
 * (epoch ms).
 */
export interface AssetEvent {
  readonly type: "asset"
  readonly asset: string
  readonly maxWithdrawAmount: string
  readonly maxWithdrawAmountUSD: string
  readonly at: number
}

/** The account-level picture of `PM_PRO_ACCOUNT_UPDATE` (every 5 s), amounts in USD as Binance wrote them. */
export interface AccountEvent {
  readonly type: "account"
  /** The event time, `E`. */
  readonly at: number
  readonly uniMMR: string
  readonly accountEquity: string
  readonly actualEquity: string
  readonly initialMargin: string
  readonly maintenanceMargin: string
  readonly availableBalance: string
  readonly virtualMaxWithdrawUSD: string
}

export const RISK_LEVELS = ["MARGIN_CALL", "REDUCE_ONLY", "FORCE_LIQUIDATION"] as const
export type RiskLevel = typeof RISK_LEVELS[number]

/**
 * `RISK_LEVEL_CHANGE`: `level` is MARGIN_CALL, REDUCE_ONLY or FORCE_LIQUIDATION (a new one is passed on as written).
 */
export interface RiskEvent {
  readonly type: "risk"
  readonly at: number
  readonly level: RiskLevel | (string & {})
  readonly uniMMR?: string
  readonly accountEquity?: string
  readonly actualEquity?: string
  readonly maintenanceMargin?: string
}

/** The user-data stream went up or down; polling covers the gap. */
export interface StreamEvent {
  readonly type: "stream"
  readonly state: "up" | "down"
  readonly reason?: string
}

/** A read failed: the asset keeps its last figure and is read again from `retryAt`; `error` is the typed error. */
export interface ReadFailedEvent<E = unknown> {
  readonly type: "read-failed"
  readonly asset: string
  readonly at: number
  readonly reason: Reason
  readonly failures: number
  readonly retryAt: number
  readonly error: E
}

/** What a watcher tells. */
export type WatchEvent<E = unknown> = AssetEvent | AccountEvent | RiskEvent | StreamEvent | ReadFailedEvent<E>

/** A stream message, decoded. */
export type Message =
  | { readonly _tag: "Account"; readonly event: AccountEvent }
  | { readonly _tag: "Risk"; readonly event: RiskEvent }
  | { readonly _tag: "ListenKeyExpired"; readonly at: number }
  /** A well-formed event of a type the watcher does not use. */
  | { readonly _tag: "Other"; readonly name: string }
  | { readonly _tag: "Malformed"; readonly reason: string }

const ACCOUNT_FIELDS = [
  ["u", "uniMMR"],
  ["eq", "accountEquity"],
  ["ae", "actualEquity"],
  ["im", "initialMargin"],
  ["mm", "maintenanceMargin"],
  ["avb", "availableBalance"],
  ["vmw", "virtualMaxWithdrawUSD"]
] as const

const RISK_FIELDS = [["u", "uniMMR"], ["eq", "accountEquity"], ["ae", "actualEquity"], [
  "m",
  "maintenanceMargin"
]] as const

const isDecimal = (u: unknown): u is string => typeof u === "string" && DECIMAL.test(u)

const malformed = (reason: string): Message => ({ _tag: "Malformed", reason })

/** The event time `E` (a number or a string of digits), or the arrival time when there is none. */
const eventTime = (u: unknown, receivedAt: number): number | undefined => {
  if (u === undefined) return receivedAt
  const n = typeof u === "string" && /^\d{1,16}$/.test(u) ? Number(u) : u
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0 ? n : undefined
}

/**
 * Decodes one text frame of `wss://…/pm-classic/ws/<listenKey>` (or of a combined stream's `{stream, data}`).
 * `receivedAt` stands in for a missing event time.
 */
export const decodeMessage = (text: string, receivedAt: number): Message => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return malformed("not JSON")
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return malformed("not a JSON object")
  let record = json as Record<string, unknown>
  if (typeof record.stream === "string" && typeof record.data === "object" && record.data !== null) {
    record = record.data as Record<string, unknown>
  }
  const name = record.e
  if (typeof name !== "string" || name === "") return malformed("e: expected the event type, a string")
  const at = eventTime(record.E, receivedAt)
  if (at === undefined) return malformed("E: expected the event time in epoch ms")
  switch (name) {
    case "PM_PRO_ACCOUNT_UPDATE": {
      const problems = ACCOUNT_FIELDS.filter(([wire]) => !isDecimal(record[wire]))
        .map(([wire]) => `${wire}: ${record[wire] === undefined ? "is missing" : "expected a decimal string"}`)
      if (problems.length > 0) return malformed(`${name}: ${problems.join("; ")}`)
      const event: Record<string, unknown> = { type: "account", at }
      for (const [wire, field] of ACCOUNT_FIELDS) event[field] = record[wire]
      return { _tag: "Account", event: event as unknown as AccountEvent }
    }
    case "RISK_LEVEL_CHANGE":
    case "riskLevelChange": {
      const level = record.s
      if (typeof level !== "string" || !/^[A-Z_]{1,40}$/.test(level)) {
        return malformed(`${name}: s: expected a risk level such as ${RISK_LEVELS.join(", ")}`)
      }
      const event: Record<string, unknown> = { type: "risk", at, level }
      // Unconfirmed for PM Pro: kept when they are decimals, else left out.
      for (const [wire, field] of RISK_FIELDS) if (isDecimal(record[wire])) event[field] = record[wire]
      return { _tag: "Risk", event: event as unknown as RiskEvent }
    }
    case "listenKeyExpired":
      return { _tag: "ListenKeyExpired", at }
    default:
      return { _tag: "Other", name }
  }
}
