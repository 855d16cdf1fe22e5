/**
 * The watcher fiber's decisions, as plain rules: what each input (a read answered, a demand, a listenKey answer, a
 * socket opened, heard from or dropped, time passing, a close) changes in the read schedule (./schedule.ts), the
 * stream's life cycle (./stream.ts) and the snapshot, and what the edition must then do (`Command`). No Effect, no
 * clock: each edition's `internal/watch/driver.ts` takes its inputs from one queue, passes the time, and runs the
 * commands in order. `W` is the edition's handle of a waiting `fresh`, `D` that of a waiting `close`.
 */
import type { Refusal } from "../endpoint.js"
import type { AccountEvent, AssetEvent, RiskEvent, StreamEvent, WatchEvent } from "./events.js"
import { type Checked, checkWatchOptions, checkWsBaseUrl, DEFAULTS, type WatchOptions } from "./options.js"
import * as ScheduleRules from "./schedule.js"
import type { Slots } from "./share.js"
import * as StreamRules from "./stream.js"

/** A subscriber this many events behind loses the oldest: a watcher nobody iterates holds no more than this. */
export const EVENTS_CAPACITY = 4096
/** The watcher wakes at least this often to update the `binance.watch.asset_age` gauges. */
export const AGES_EVERY_MS = 5000
/** How much longer than one request's timeout `close` waits for the listenKey's DELETE before it cuts anyway. */
export const CLOSE_GRACE_MS = 1000
/** A 429, 403 or 418 pauses the paced reads until the gate's end of it. */
const PAUSES = new Set(["RateLimited", "WafBlocked", "IpBanned"])

/** Why a `fresh` is refused without a read. */
export const CLOSED = { field: "fresh", reason: "the watcher is closed" } as const

/**
 * The latest of everything: each asset's last figure, the account's last update, the last risk level change, and
 * the stream's state (`off` when watching by polling alone).
 */
export interface Snapshot {
  /** Each asset's last figure, once read. */
  readonly assets: Readonly<Record<string, AssetEvent>>
  readonly account: AccountEvent | undefined
  readonly risk: RiskEvent | undefined
  /** `off` when watching by polling alone. */
  readonly stream: StreamEvent["state"] | "off"
}

/**
 * A watcher's options: `assets` (1 to 200), `maxAgeMs` (default 60 000), `weightShare` (default 0.1 of the budget's
 * weight per minute), `stream` (default `true`; `false` watches by polling alone), `vmwThreshold` (default 0.01: a
 * `vmw` move of more than 1 % re-reads every asset) and `wsBaseUrl` (default `wss://fstream.binance.com`; `ws:` to
 * loopback only, for a served `FakeBinance`).
 */
export interface Options extends WatchOptions {
  readonly wsBaseUrl?: string | undefined
}

/** The options checked (each edition fails a refusal as its `InvalidConfiguration`, before anything is built). */
export const check = (options: Options): (Checked & { readonly wsBaseUrl: string }) | Refusal => {
  const checked = checkWatchOptions(options)
  if ("field" in checked) return checked
  const wsBaseUrl = checkWsBaseUrl(options.wsBaseUrl ?? DEFAULTS.wsBaseUrl)
  return typeof wsBaseUrl === "string" ? { ...checked, wsBaseUrl } : wsBaseUrl
}

/** The rules' configuration for checked options; `streaming` is false when polling alone (or without a socket). */
export const configOf = (
  checked: Checked & { readonly wsBaseUrl: string },
  shared: {
    readonly weightLimit: number
    readonly streaming: boolean
    readonly slots: Slots
    readonly budgetKey: string
    /** The gate paces the fleet's paced reads (`RateLimit.Service.pace`): each claims its slot (`Claim`). */
    readonly fleet?: boolean | undefined
  }
): Config => ({
  schedule: {
    assets: checked.assets,
    maxAgeMs: checked.maxAgeMs,
    weightShare: checked.weightShare,
    weightLimit: shared.weightLimit,
    vmwThreshold: checked.vmwThreshold
  },
  wsBaseUrl: shared.streaming ? checked.wsBaseUrl : undefined,
  slots: shared.slots,
  budgetKey: shared.budgetKey,
  fleet: shared.fleet ?? false
})

/** The snapshot before anything is read. */
export const emptySnapshot = (streaming: boolean): Snapshot => ({
  assets: {},
  account: undefined,
  risk: undefined,
  stream: streaming ? "down" : "off"
})

/** The snapshot once an event is told. */
export const withEvent = <E>(snapshot: Snapshot, event: WatchEvent<E>): Snapshot => {
  switch (event.type) {
    case "asset":
      return { ...snapshot, assets: { ...snapshot.assets, [event.asset]: event } }
    case "account":
      return { ...snapshot, account: event }
    case "risk":
      return { ...snapshot, risk: event }
    case "stream":
      return { ...snapshot, stream: event.state }
    case "read-failed":
      return snapshot
  }
}

/** A read's end as the rules need it: the figures, or the typed error (`undefined`: interrupted or a defect). */
export type ReadResult<E> =
  | { readonly _tag: "Ok"; readonly maxWithdrawAmount: string; readonly maxWithdrawAmountUSD: string }
  | { readonly _tag: "Failed"; readonly error: E | undefined }

/** The `outcome` tag of the `binance.watch.reads` metric: `ok`, the error's tag, or `Interrupted`. */
export const outcomeOf = (result: ReadResult<{ readonly _tag: string }>): string =>
  result._tag === "Ok" ? "ok" : result.error?._tag ?? "Interrupted"

/** What the fiber is told, through its one queue. `X` is the edition's record of how a read ended. */
export type Input<X, W, D> =
  | { readonly _tag: "Wake" }
  | {
    readonly _tag: "ReadDone"
    readonly id: number
    readonly asset: string
    readonly reason: ScheduleRules.Reason
    readonly exit: X
    readonly at: number
  }
  | { readonly _tag: "Demand"; readonly asset: string; readonly deferred: W }
  /** A `Claim`'s slot: `at` on the watcher's clock (the edition converts from the gate's). */
  | (Omit<Claim, "_tag" | "intervalMs"> & { readonly _tag: "Claimed"; readonly at: number })
  | { readonly _tag: "Answered"; readonly answer: StreamRules.Answer }
  | { readonly _tag: "Opened"; readonly id: number }
  | { readonly _tag: "Text"; readonly id: number; readonly text: string }
  | { readonly _tag: "Dropped"; readonly id: number; readonly reason: string }
  | { readonly _tag: "Close"; readonly done: D }

export const WAKE = { _tag: "Wake" } as const

/**
 * Takes the next slot of the budget's paced reads from the gate (`RateLimit.Service.pace`, shared by the fleet),
 * then tells `Claimed` with the slot and the rest as given.
 */
export interface Claim {
  readonly _tag: "Claim"
  readonly id: number
  readonly asset: string
  readonly reason: ScheduleRules.Reason
  readonly intervalMs: number
}

/**
 * The `Claimed` input for the slot `at` the gate gave a `Claim`: the gate's slot is on Binance's clock (which the
 * fleet shares), the rules' on the watcher's; `server` and `host` are both clocks read as the claim was asked.
 */
export const claimed = <X, W, D>(claim: Claim, at: number, server: number, host: number): Input<X, W, D> => ({
  _tag: "Claimed",
  id: claim.id,
  asset: claim.asset,
  reason: claim.reason,
  at: at - server + host
})

/** What the edition does, in order. */
export type Command<E, W> =
  /** Reads `asset` after `delayMs` (through the gate), then tells `ReadDone` with `id`, `asset` and `reason`. */
  | {
    readonly _tag: "Read"
    readonly id: number
    readonly asset: string
    readonly reason: ScheduleRules.Reason
    readonly delayMs: number
  }
  | Claim
  /** Sends this listenKey request, then tells `Answered`. */
  | { readonly _tag: "Request"; readonly method: StreamRules.Method }
  /** Opens socket `id`, telling `Opened`, `Text` and `Dropped`. */
  | { readonly _tag: "Connect"; readonly id: number; readonly url: string }
  | { readonly _tag: "Disconnect"; readonly id: number }
  /** Updates the snapshot (`withEvent`) and the gauges, then publishes. */
  | { readonly _tag: "Publish"; readonly event: WatchEvent<E> }
  | { readonly _tag: "Malformed"; readonly reason: string }
  /** Reads the gate's state of the budget and tells `pause` its end. */
  | { readonly _tag: "Pause" }
  /** Settles these waiters with `event`, or (`undefined`) with the read's failure. */
  | { readonly _tag: "Settle"; readonly waiters: ReadonlyArray<W>; readonly event: AssetEvent | undefined }
  /** Fails this waiter with `InvalidConfiguration`. */
  | { readonly _tag: "Refuse"; readonly waiter: W; readonly field: string; readonly reason: string }

/** What is left to end once the fiber stops. */
export interface Finished<W, D> {
  /** Waiting on a read that will not end: interrupted. */
  readonly interrupted: ReadonlyArray<W>
  /** Refused with `CLOSED`. */
  readonly refused: ReadonlyArray<W>
  readonly done: ReadonlyArray<D>
}

/**
 * The inputs still queued once the fiber stopped: a `fresh` that asked while the watcher was closing is refused,
 * not left waiting for ever, and a second `close` is done.
 */
export const leftover = <W, D>(left: Iterable<Input<unknown, W, D>>): Finished<W, D> => {
  const refused: Array<W> = []
  const done: Array<D> = []
  for (const input of left) {
    if (input._tag === "Demand") refused.push(input.deferred)
    else if (input._tag === "Close") done.push(input.done)
  }
  return { interrupted: [], refused, done }
}

export interface Config {
  readonly schedule: ScheduleRules.Config
  /** The stream's base URL, `undefined` when watching by polling alone. */
  readonly wsBaseUrl: string | undefined
  /** The pacing shared with the other watchers of this budget in the process. */
  readonly slots: Slots
  readonly budgetKey: string
  /** The gate paces the fleet: paced reads `Claim` their slot instead of taking one of `slots`. */
  readonly fleet: boolean
}

/** The watcher's state, touched only by its fiber. */
export class State<E extends { readonly _tag: string }, W, D> {
  private schedule: ScheduleRules.State
  private stream: StreamRules.State | undefined
  private closing: D | undefined
  private stopped = false
  private readonly waiters = new Map<number, Array<W>>()
  private readonly intervalMs: number

  constructor(private readonly config: Config, now: number) {
    this.schedule = ScheduleRules.make(config.schedule, now)
    this.intervalMs = ScheduleRules.intervalMs(config.schedule)
  }

  /** No input is taken any more: `fresh` is refused, `close` returns at once. */
  get finished(): boolean {
    return this.stopped
  }

  get isClosing(): boolean {
    return this.closing !== undefined
  }

  ages(now: number): ReadonlyArray<ScheduleRules.Age> {
    return ScheduleRules.ages(this.schedule, now)
  }

  /** The stream's first steps (none when polling alone). */
  start(now: number): ReadonlyArray<Command<E, W>> {
    return this.config.wsBaseUrl === undefined ? [] : this.step(StreamRules.start(this.config.wsBaseUrl, now), now)
  }

  /** The reads due now, and when to wake next at the latest (`Infinity`: only for an input). */
  due(now: number): { readonly reads: ReadonlyArray<Command<E, W>>; readonly wakeAt: number } {
    const reads: Array<Command<E, W>> = []
    let wakeAt = Number.POSITIVE_INFINITY
    if (this.closing === undefined) {
      for (;;) {
        const [decision, next] = ScheduleRules.next(this.schedule, now)
        this.schedule = next
        if (decision._tag === "Read") {
          // Paced reads also keep their distance from the other watchers' on this budget (of the process, or of
          // the fleet through the gate); a fresh read goes at once.
          const { id, asset, reason } = decision
          if (reason !== "fresh" && this.config.fleet) {
            reads.push({ _tag: "Claim", id, asset, reason, intervalMs: this.intervalMs })
            continue
          }
          const delayMs = reason === "fresh"
            ? 0
            : this.config.slots.claim(this.config.budgetKey, now, this.intervalMs) - now
          reads.push({ _tag: "Read", id, asset, reason, delayMs })
          continue
        }
        if (decision._tag === "Wait") wakeAt = decision.until
        break
      }
      // The ages metric is kept current (a wake does nothing else).
      wakeAt = Math.min(wakeAt, now + AGES_EVERY_MS)
    }
    if (this.stream !== undefined) {
      wakeAt = Math.min(wakeAt, StreamRules.wakeAt(this.stream) ?? Number.POSITIVE_INFINITY)
    }
    return { reads, wakeAt }
  }

  /** A read ended (`result` is the edition's `exit` read). */
  readDone(
    input: { readonly id: number; readonly asset: string; readonly at: number },
    result: ReadResult<E>,
    now: number
  ): ReadonlyArray<Command<E, W>> {
    const waiters = this.waiters.get(input.id) ?? []
    this.waiters.delete(input.id)
    if (result._tag === "Ok") {
      const event: AssetEvent = {
        type: "asset",
        asset: input.asset,
        maxWithdrawAmount: result.maxWithdrawAmount,
        maxWithdrawAmountUSD: result.maxWithdrawAmountUSD,
        at: input.at
      }
      this.schedule = ScheduleRules.succeeded(this.schedule, input.id, input.at)
      return [{ _tag: "Publish", event }, { _tag: "Settle", waiters, event }]
    }
    const [failure, next] = ScheduleRules.failed(this.schedule, input.id, now)
    this.schedule = next
    const commands: Array<Command<E, W>> = []
    const error = result.error
    if (failure !== undefined && error !== undefined) {
      commands.push({ _tag: "Publish", event: { type: "read-failed", at: now, ...failure, error } })
    }
    if (error !== undefined && PAUSES.has(error._tag)) commands.push({ _tag: "Pause" })
    commands.push({ _tag: "Settle", waiters, event: undefined })
    return commands
  }

  /** The gate's state of the budget, read for a `Pause`. */
  pause(gated: { readonly pausedUntil: number; readonly blockedUntil: number; readonly bannedUntil: number }): void {
    this.schedule = ScheduleRules.pause(
      this.schedule,
      Math.max(gated.pausedUntil, gated.blockedUntil, gated.bannedUntil)
    )
  }

  /** Every input but `ReadDone` (see `readDone`). */
  handle(
    input: Exclude<Input<unknown, W, D>, { readonly _tag: "ReadDone" }>,
    now: number
  ): ReadonlyArray<Command<E, W>> {
    const stream = this.stream
    switch (input._tag) {
      case "Wake":
        return stream === undefined ? [] : this.step(StreamRules.tick(stream, now), now)
      case "Demand": {
        if (this.closing !== undefined) return [{ _tag: "Refuse", waiter: input.deferred, ...CLOSED }]
        const [demand, next] = ScheduleRules.demand(this.schedule, input.asset)
        this.schedule = next
        if (demand._tag === "NotWatched") {
          return [{
            _tag: "Refuse",
            waiter: input.deferred,
            field: "asset",
            reason: `${input.asset} is not one of the watched assets`
          }]
        }
        this.waiters.set(demand.id, [...(this.waiters.get(demand.id) ?? []), input.deferred])
        return []
      }
      case "Claimed":
        return [{
          _tag: "Read",
          id: input.id,
          asset: input.asset,
          reason: input.reason,
          delayMs: Math.max(0, input.at - now)
        }]
      case "Answered":
        return stream === undefined ? [] : this.step(StreamRules.answered(stream, input.answer, now), now)
      case "Opened":
        return stream === undefined ? [] : this.step(StreamRules.opened(stream, input.id, now), now)
      case "Text":
        return stream === undefined ? [] : this.step(StreamRules.received(stream, input.id, input.text, now), now)
      case "Dropped":
        return stream === undefined ? [] : this.step(StreamRules.dropped(stream, input.id, input.reason, now), now)
      case "Close":
        this.closing = input.done
        if (stream === undefined) {
          this.stopped = true
          return []
        }
        return this.step(StreamRules.close(stream, now), now)
    }
  }

  /** The fiber stopped (however): the waiters and the `close` left to end (then see `leftover`). */
  finish(): Finished<W, D> {
    this.stopped = true
    const interrupted = [...this.waiters.values()].flat()
    this.waiters.clear()
    return { interrupted, refused: [], done: this.closing === undefined ? [] : [this.closing] }
  }

  private step([state, actions]: StreamRules.Step, now: number): ReadonlyArray<Command<E, W>> {
    this.stream = state
    const commands: Array<Command<E, W>> = []
    for (const action of actions) {
      switch (action._tag) {
        case "Request":
        case "Connect":
        case "Disconnect":
        case "Malformed":
          commands.push(action)
          break
        // The platform's Socket cannot send a ping frame; silence is still caught (60 s, the account update
        // comes every 5 s), and the server's pings are answered by the WebSocket implementation itself.
        case "Ping":
          break
        case "Emit": {
          const event = action.event
          if (event.type === "account") {
            this.schedule = ScheduleRules.account(this.schedule, event.virtualMaxWithdrawUSD, now)[1]
          } else if (event.type === "risk") {
            this.schedule = ScheduleRules.risk(this.schedule, now)
          }
          commands.push({ _tag: "Publish", event })
          break
        }
        case "Closed":
          this.stopped = true
          break
      }
    }
    return commands
  }
}
