/**
 * What `watch` prints, as pure functions: the NDJSON line of an event, the plain line of an event (stdout is not
 * a terminal), and on a terminal the screen (a table of the assets and the account line) folded from the events
 * and redrawn in place with ANSI cursor moves.
 */
import type { AccountEvent, AssetEvent, RiskEvent, WatchEvent } from "../watch/events.js"
import type { TaggedError } from "./render.js"

const time = (ms: number) => new Date(ms).toISOString()

/** What the screen shows: the latest of everything the watcher told. */
export interface View {
  /** In the order given. */
  readonly assets: ReadonlyArray<string>
  readonly figures: Readonly<Record<string, AssetEvent>>
  /** The last failed read of an asset, until its next figure. */
  readonly failures: Readonly<Record<string, { readonly tag: string; readonly retryAt: number }>>
  readonly account: AccountEvent | undefined
  readonly risk: RiskEvent | undefined
  /** `off` with `--no-stream`; `connecting` until the first `stream` event. */
  readonly stream: "up" | "down" | "off" | "connecting"
  readonly streamReason: string | undefined
}

/** The screen before any event. */
export const initial = (assets: ReadonlyArray<string>, stream: boolean): View => ({
  assets,
  figures: {},
  failures: {},
  account: undefined,
  risk: undefined,
  stream: stream ? "connecting" : "off",
  streamReason: undefined
})

const without = <A>(record: Readonly<Record<string, A>>, key: string): Readonly<Record<string, A>> => {
  const { [key]: _, ...rest } = record
  return rest
}

/** The view after one event. */
export const reduce = (view: View, event: WatchEvent): View => {
  switch (event.type) {
    case "asset":
      return {
        ...view,
        figures: { ...view.figures, [event.asset]: event },
        failures: without(view.failures, event.asset)
      }
    case "account":
      return { ...view, account: event }
    case "risk":
      return { ...view, risk: event }
    case "stream":
      return { ...view, stream: event.state, streamReason: event.reason }
    case "read-failed":
      return {
        ...view,
        failures: { ...view.failures, [event.asset]: { tag: errorTag(event.error), retryAt: event.retryAt } }
      }
  }
}

const errorTag = (error: unknown): string =>
  typeof error === "object" && error !== null && typeof (error as { _tag?: unknown })._tag === "string"
    ? (error as TaggedError)._tag
    : "Error"

/** "0 s", "59 s", "2 min 5 s", "3 h 20 min": how old a figure is, rounded down to the second. */
export const age = (ms: number): string => {
  const seconds = Math.max(0, Math.floor(ms / 1000))
  if (seconds < 60) return `${seconds} s`
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`
}

// Lines decimals up on their point, so amounts of different scales can be compared at a glance; `-` (no figure
// yet) is left as is, to sit at the column's right.
const alignDecimals = (values: ReadonlyArray<string>): Array<string> => {
  const parts = values.map((value) => {
    const dot = value.indexOf(".")
    return dot === -1 ? [value, ""] as const : [value.slice(0, dot), value.slice(dot)] as const
  })
  const figures = parts.filter(([int]) => int !== "-")
  const intWidth = Math.max(0, ...figures.map(([int]) => int.length))
  const fracWidth = Math.max(0, ...figures.map(([, frac]) => frac.length))
  return parts.map(([int, frac]) => int === "-" ? int : int.padStart(intWidth) + frac.padEnd(fracWidth))
}

/**
 * The account's lines under the table: equity, virtual max withdraw and uniMMR from the stream's last account
 * update, then the last risk level change and the stream's state.
 */
export const accountLines = (view: View): readonly [string, string] => {
  const account = view.account === undefined
    ? "Account: no update from the stream yet"
    : `Equity ${view.account.accountEquity} USD   Virtual max withdraw ${view.account.virtualMaxWithdrawUSD} USD   ` +
      `uniMMR ${view.account.uniMMR}`
  const risk = view.risk === undefined ? "none yet" : `${view.risk.level} at ${time(view.risk.at).slice(11, 19)}`
  const stream = view.stream === "off"
    ? "off (polling alone)"
    : `${view.stream}${view.streamReason === undefined ? "" : ` (${view.streamReason})`}`
  return [account, `Risk level: ${risk}   Stream: ${stream}`]
}

/**
 * The screen at `now`: one row per asset (its amounts exactly as Binance wrote them, their age, and a failed read's
 * error and retry), then the account's lines. `-` is an asset not read yet.
 */
export const screen = (view: View, now: number): ReadonlyArray<string> => {
  const header = ["Asset", "Max withdraw amount", "USD value", "Age", "Status"] as const
  const rows = view.assets.map((asset) => view.figures[asset])
  const columns = [
    [...view.assets],
    alignDecimals(rows.map((row) => row?.maxWithdrawAmount ?? "-")),
    alignDecimals(rows.map((row) => row?.maxWithdrawAmountUSD ?? "-")),
    rows.map((row) => row === undefined ? "-" : age(now - row.at)),
    view.assets.map((asset) => {
      const failed = view.failures[asset]
      return failed === undefined ? "" : `${failed.tag}, retry in ${age(Math.max(0, failed.retryAt - now) + 999)}`
    })
  ]
  const widths = header.map((title, i) => Math.max(title.length, ...columns[i]!.map((cell) => cell.length)))
  // The asset and the status read left to right; numbers line up on the right.
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((cell, i) => i === 0 || i === 4 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)).join("  ")
      .trimEnd()
  return [
    line(header),
    ...view.assets.map((_, r) => line(columns.map((column) => column[r]!))),
    ...accountLines(view)
  ]
}

const ESC = "\x1b["

/**
 * The bytes that replace the `previous` lines last drawn (the cursor below them) with `lines`: up to the first
 * line, each line then cleared to its end, and what is left below cleared. No full-screen clear: no flicker, and
 * what was on the terminal above stays. Lines are cut at `columns` so that none wraps (a wrapped line would put
 * the next redraw off by one). The caller writes a newline after it.
 */
export const redraw = (previous: number, lines: ReadonlyArray<string>, columns: number | undefined): string => {
  const cut = columns === undefined || columns < 1 ? lines : lines.map((line) => line.slice(0, columns - 1))
  return `${previous > 0 ? `${ESC}${previous}F` : ""}${cut.map((line) => `${line}${ESC}K`).join("\n")}${ESC}J`
}

// A tagged error as JSON: its tag, its fields and its message (JSON.stringify of an Error drops the message), in
// that order whichever edition made it.
const errorJson = (error: unknown): unknown =>
  typeof error === "object" && error !== null
    ? { _tag: errorTag(error), ...error, message: (error as { message?: unknown }).message }
    : error

/** One event as one line of JSON: the Promise API's `WatchEvent`, Binance's strings as they came. */
export const jsonLine = (event: WatchEvent): string =>
  JSON.stringify(event.type === "read-failed" ? { ...event, error: errorJson(event.error) } : event)

/** One event as one line for people (stdout is not a terminal): its time, then what it says. */
export const plainLine = (event: WatchEvent, now: number): string => {
  switch (event.type) {
    case "asset":
      return `${time(event.at)} ${event.asset} ${event.maxWithdrawAmount} (${event.maxWithdrawAmountUSD} USD)`
    case "account":
      return `${time(event.at)} account equity ${event.accountEquity} USD, virtual max withdraw ` +
        `${event.virtualMaxWithdrawUSD} USD, uniMMR ${event.uniMMR}`
    case "risk":
      return `${time(event.at)} risk ${event.level}${event.uniMMR === undefined ? "" : `, uniMMR ${event.uniMMR}`}`
    case "stream":
      return `${time(now)} stream ${event.state}${event.reason === undefined ? "" : ` (${event.reason})`}`
    case "read-failed": {
      const message = (event.error as { readonly message?: unknown } | undefined)?.message
      return `${time(event.at)} ${event.asset} read failed (${event.reason}, failure ${event.failures}): ` +
        `${errorTag(event.error)}${typeof message === "string" ? `: ${message}` : ""}; retry at ${time(event.retryAt)}`
    }
  }
}
