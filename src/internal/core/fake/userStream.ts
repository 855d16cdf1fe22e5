/**
 * The fake exchange's Portfolio Margin Pro user-data stream (`/pm-classic/ws/<listenKey>`), as rules over time:
 * which frames each connection gets and when. No socket here: the edition's fake accepts the WebSocket, asks
 * `connect`, calls `advance(now)` at `nextAt()` and writes the frames it returns.
 *
 * Like Binance: an account update every 5 s (once the test sets the account's figures), a ping every 3 minutes
 * and a close when no pong came within 10, a close after 24 h, and `listenKeyExpired` then a close when a key
 * runs out. A test scripts the rest: pushes, drops, expiries at given instants.
 */
import type { AccountEvent } from "../watch/events.js"
import type { ListenKeys } from "./listenKeys.js"

export const PATH_PREFIX = "/pm-classic/ws/"
export const CONNECTION_LIFETIME_MS = 24 * 3_600_000
export const PING_EVERY_MS = 3 * 60_000
export const PONG_WITHIN_MS = 10 * 60_000
export const ACCOUNT_EVERY_MS = 5_000

/** An account's figures as the stream pushes them (decimal strings, written as given). */
export type AccountFigures = Omit<AccountEvent, "type" | "at">

/** A scripted happening; `apiKey` limits it to that account's connections (all when absent). */
export type ScriptItem =
  /** Push this frame: an object is sent as JSON, a string as is (so a test can send garbage). */
  | { readonly _tag: "Push"; readonly at: number; readonly frame: unknown; readonly apiKey?: string | undefined }
  /** Close the connections abruptly (1006). */
  | { readonly _tag: "Drop"; readonly at: number; readonly apiKey?: string | undefined }
  /** The listenKey runs out now: `listenKeyExpired`, then the close; a PUT then gets -1125. */
  | { readonly _tag: "Expire"; readonly at: number; readonly apiKey?: string | undefined }

export type Frame =
  | { readonly _tag: "Text"; readonly id: number; readonly at: number; readonly text: string }
  | { readonly _tag: "Ping"; readonly id: number; readonly at: number }
  | { readonly _tag: "Close"; readonly id: number; readonly at: number; readonly code: number; readonly reason: string }

export type Connected =
  | { readonly _tag: "Accepted"; readonly id: number }
  /** The upgrade is answered with this HTTP status and body. */
  | { readonly _tag: "Refused"; readonly status: number; readonly body: string }

interface Connection {
  readonly id: number
  readonly apiKey: string
  readonly key: string
  readonly openedAt: number
  nextPingAt: number
  pongDue: number
  nextAccountAt: number
}

const WIRE: ReadonlyArray<readonly [keyof AccountFigures, string]> = [
  ["uniMMR", "u"],
  ["accountEquity", "eq"],
  ["actualEquity", "ae"],
  ["initialMargin", "im"],
  ["maintenanceMargin", "mm"],
  ["availableBalance", "avb"],
  ["virtualMaxWithdrawUSD", "vmw"]
]

/** The `PM_PRO_ACCOUNT_UPDATE` frame for these figures at `at`. */
export const accountFrame = (figures: AccountFigures, at: number): string => {
  const wire: Record<string, unknown> = { e: "PM_PRO_ACCOUNT_UPDATE", E: at }
  for (const [field, name] of WIRE) wire[name] = figures[field]
  return JSON.stringify(wire)
}

const isDue = (item: ScriptItem): boolean => typeof item?.at === "number" && Number.isFinite(item.at)

export class UserStream {
  private readonly connections = new Map<number, Connection>()
  private script: Array<ScriptItem> = []
  private readonly figures = new Map<string, AccountFigures>()
  private readonly expired = new Set<string>()
  private nextId = 1

  constructor(private readonly keys: ListenKeys) {}

  /** A WebSocket upgrade for `path` (`/pm-classic/ws/<listenKey>`) at `now`. */
  connect(path: string, now: number): Connected {
    const key = path.startsWith(PATH_PREFIX) ? path.slice(PATH_PREFIX.length) : undefined
    const apiKey = key === undefined ? undefined : this.keys.ownerOf(key, now)
    if (key === undefined || apiKey === undefined) {
      return {
        _tag: "Refused",
        status: 400,
        body: JSON.stringify({ code: -1125, msg: "This listenKey does not exist." })
      }
    }
    const id = this.nextId++
    this.connections.set(id, {
      id,
      apiKey,
      key,
      openedAt: now,
      nextPingAt: now + PING_EVERY_MS,
      pongDue: Number.POSITIVE_INFINITY,
      nextAccountAt: now + ACCOUNT_EVERY_MS
    })
    return { _tag: "Accepted", id }
  }

  /** A pong (any pong answers every ping so far). */
  pong(id: number): void {
    const connection = this.connections.get(id)
    if (connection !== undefined) connection.pongDue = Number.POSITIVE_INFINITY
  }

  /** The client closed the connection. */
  disconnect(id: number): void {
    this.connections.delete(id)
  }

  /**
   * The figures pushed every 5 s (counted from each connection's opening) to this account's connections, from
   * `now` on; `undefined` stops the pushes.
   */
  setAccount(apiKey: string, figures: AccountFigures | undefined, now: number): void {
    if (figures === undefined) {
      this.figures.delete(apiKey)
      return
    }
    this.figures.set(apiKey, { ...figures })
    for (const c of this.matching(apiKey)) {
      // No catching up on the pushes missed while there were no figures.
      if (c.nextAccountAt <= now) {
        c.nextAccountAt = c.openedAt + (Math.floor((now - c.openedAt) / ACCOUNT_EVERY_MS) + 1) * ACCOUNT_EVERY_MS
      }
    }
  }

  /** Adds scripted happenings (kept in time order, each once). */
  addScript(items: ReadonlyArray<ScriptItem>): string | undefined {
    const bad = items.find((item) => !isDue(item) || !["Push", "Drop", "Expire"].includes(item._tag))
    if (bad !== undefined) return "a stream script item needs _tag Push, Drop or Expire and a finite `at`"
    // Stable: equal instants keep the order they were given in.
    this.script = [...this.script, ...items].map((item, index) => ({ item, index }))
      .sort((a, b) => a.item.at - b.item.at || a.index - b.index).map(({ item }) => item)
    return undefined
  }

  /** Open connections' ids. */
  open(): ReadonlyArray<number> {
    return [...this.connections.keys()]
  }

  /** When the next frame is due, if any. */
  nextAt(): number | undefined {
    return this.earliest()?.at
  }

  /** Every frame due up to `now`, in time order. */
  advance(now: number): ReadonlyArray<Frame> {
    const frames: Array<Frame> = []
    for (let next = this.earliest(); next !== undefined && next.at <= now; next = this.earliest()) next.run(frames)
    return frames
  }

  reset(): void {
    this.connections.clear()
    this.script = []
    this.figures.clear()
    this.expired.clear()
  }

  private close(connection: Connection, at: number, code: number, reason: string, frames: Array<Frame>): void {
    frames.push({ _tag: "Close", id: connection.id, at, code, reason })
    this.connections.delete(connection.id)
  }

  private matching(apiKey: string | undefined): Array<Connection> {
    return [...this.connections.values()].filter((c) => apiKey === undefined || c.apiKey === apiKey)
  }

  /** The earliest due happening; ties go to the script, then expiries, then connections in order. */
  private earliest(): { readonly at: number; readonly run: (frames: Array<Frame>) => void } | undefined {
    let best: { at: number; run: (frames: Array<Frame>) => void } | undefined
    const consider = (at: number, run: (frames: Array<Frame>) => void) => {
      if (best === undefined || at < best.at) best = { at, run }
    }
    const item = this.script[0]
    if (item !== undefined) consider(item.at, (frames) => this.play(item, frames))
    for (const [apiKey, key, expiresAt] of this.keys.entries()) {
      if (this.expired.has(key) || !this.matching(apiKey).some((c) => c.key === key)) continue
      consider(expiresAt, (frames) => {
        this.expired.add(key)
        const text = JSON.stringify({ e: "listenKeyExpired", E: expiresAt, listenKey: key })
        for (const c of this.matching(apiKey).filter((c) => c.key === key)) {
          frames.push({ _tag: "Text", id: c.id, at: expiresAt, text })
          this.close(c, expiresAt, 1000, "listenKey expired", frames)
        }
      })
    }
    for (const c of this.connections.values()) {
      consider(
        c.openedAt + CONNECTION_LIFETIME_MS,
        (frames) => this.close(c, c.openedAt + CONNECTION_LIFETIME_MS, 1000, "24 h", frames)
      )
      consider(c.pongDue, (frames) => this.close(c, c.pongDue, 1008, "no pong", frames))
      consider(c.nextPingAt, (frames) => {
        frames.push({ _tag: "Ping", id: c.id, at: c.nextPingAt })
        c.pongDue = Math.min(c.pongDue, c.nextPingAt + PONG_WITHIN_MS)
        c.nextPingAt += PING_EVERY_MS
      })
      const figures = this.figures.get(c.apiKey)
      if (figures !== undefined) {
        consider(c.nextAccountAt, (frames) => {
          frames.push({ _tag: "Text", id: c.id, at: c.nextAccountAt, text: accountFrame(figures, c.nextAccountAt) })
          c.nextAccountAt += ACCOUNT_EVERY_MS
        })
      }
    }
    return best
  }

  private play(item: ScriptItem, frames: Array<Frame>): void {
    this.script.shift()
    switch (item._tag) {
      case "Push": {
        const text = typeof item.frame === "string" ? item.frame : JSON.stringify(item.frame)
        for (const c of this.matching(item.apiKey)) frames.push({ _tag: "Text", id: c.id, at: item.at, text })
        break
      }
      case "Drop":
        for (const c of this.matching(item.apiKey)) this.close(c, item.at, 1006, "dropped", frames)
        break
      case "Expire":
        for (const [apiKey] of this.keys.entries()) {
          if (item.apiKey === undefined || item.apiKey === apiKey) this.keys.expire(apiKey, item.at)
        }
    }
  }
}
