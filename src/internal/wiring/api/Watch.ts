/**
 * The public `Watch` module's declarations, written once for both editions: each edition's `Watch.ts` re-exports
 * them under its own `@since`. What the editions spell differently (a subscription, the snapshot's view, the
 * metric types, the platform's client) is the dialect's; the watcher itself is `../watch/driver.ts`.
 */
import * as Effect from "effect/Effect"
import * as PubSub from "effect/PubSub"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as BinanceClock from "../../../BinanceClock.js"
import type { InvalidConfiguration, PmAccountInfoError } from "../../../BinanceError.js"
import type * as Credentials from "../../../Credentials.js"
import type * as DriverRules from "../../core/watch/driver.js"
import type * as Events from "../../core/watch/events.js"
import type * as ScheduleRules from "../../core/watch/schedule.js"
import * as Dialect from "../../dialect.js"
import * as WatchMetrics from "../../watch/metrics.js"
import * as Driver from "../watch/driver.js"
import type * as Model from "../watch/model.js"

/** One asset's figures as `pmAccountInfo` answered them. */
export type AssetEvent = Events.AssetEvent

/** The account-level picture of `PM_PRO_ACCOUNT_UPDATE`. */
export type AccountEvent = Events.AccountEvent

/** `RISK_LEVEL_CHANGE`. */
export type RiskEvent = Events.RiskEvent

/** The user-data stream went up or down. */
export type StreamEvent = Events.StreamEvent

/** A read failed; `error` is the typed error. */
export type ReadFailedEvent = Events.ReadFailedEvent<PmAccountInfoError>

/** What a watcher tells. */
export type WatchEvent = Events.WatchEvent<PmAccountInfoError>

/** The latest of everything. */
export type Snapshot = DriverRules.Snapshot

/** How old each asset's figure is. */
export type Age = ScheduleRules.Age

/** What a share can do for these assets. */
export type Plan = ScheduleRules.Plan

/** A watcher's options. */
export type Options = DriverRules.Options

/** A running watcher. */
export interface Watcher {
  /** Every event from the moment the stream is run (each run is a new subscriber); it ends when the watcher does. */
  readonly events: Stream.Stream<WatchEvent>
  /** A subscription to every event from now on, for the scope: nothing published after this returns is missed. */
  readonly subscribe: Effect.Effect<Dialect.Subscription<WatchEvent>, never, Scope.Scope>
  /** The latest snapshot, and its changes. */
  readonly snapshot: Dialect.SnapshotView
  /**
   * A read of `asset` now, ahead of the paced reads, joined with a read of it already pending or in flight. Fails
   * with the read's error, or `InvalidConfiguration` for an asset that is not watched or a closed watcher.
   */
  readonly fresh: (asset: string) => Effect.Effect<AssetEvent, PmAccountInfoError>
  /** How old each asset's figure is now. */
  readonly ages: Effect.Effect<ReadonlyArray<Age>>
  readonly plan: Plan
}

/**
 * What a watcher needs: the credentials and HTTP client of the user's layers, and the Binance clock (the market,
 * base URL, weight budget and retries come from `BinanceConfig`, the gate from `RateLimit`).
 */
export type Requirements = Credentials.Credentials | BinanceClock.BinanceClock | Dialect.HttpClient

const toWatcher = (watcher: Model.Watcher): Watcher => ({
  events: Stream.fromPubSub(watcher.events),
  subscribe: PubSub.subscribe(watcher.events),
  snapshot: Dialect.snapshotView(watcher.snapshot),
  fresh: Effect.fn("Watch.fresh")(function*(asset: string) {
    yield* Effect.annotateCurrentSpan("binance.asset", asset)
    return yield* watcher.fresh(asset)
  }),
  ages: watcher.ages,
  plan: watcher.plan
})

/**
 * Starts a watcher in the scope. Bad options fail at once with `InvalidConfiguration`, before anything is read or
 * connected (also a runtime without a WebSocket when `stream` is on). Closing the scope closes the stream, deletes
 * the listenKey and leaves no socket, timer or fiber behind.
 */
export const make: (options: Options) => Effect.Effect<Watcher, InvalidConfiguration, Requirements | Scope.Scope> =
  Effect.fn("Watch.make")(function*(options: Options) {
    const watcher = yield* Driver.make(options)
    yield* watcher.start
    return toWatcher(watcher)
  })

/**
 * A watcher as a stream of its events, from the very first: the watcher starts when the stream is run and closes
 * when it ends.
 */
export const stream = (options: Options): Stream.Stream<WatchEvent, InvalidConfiguration, Requirements> =>
  Dialect.unwrapScoped(Effect.gen(function*() {
    const watcher = yield* Driver.make(options)
    // Subscribed before the watcher starts: no event is missed.
    const subscription = yield* PubSub.subscribe(watcher.events)
    yield* watcher.start
    return Dialect.streamFromSubscription(subscription)
  }))

/**
 * `binance.watch.reads`: the reads watchers sent, tagged `reason` (`routine`, `fresh`, `stream`) and `outcome`
 * (`ok` or the error's tag).
 */
export const reads: Dialect.Counter<number> = WatchMetrics.reads

/**
 * `binance.watch.asset_age`: how old each watched asset's figure is, in ms (tagged `asset`, `unit: "ms"`; -1
 * before its first read), updated at least every 5 s.
 */
export const assetAge: Dialect.Gauge<number> = WatchMetrics.assetAge

/** `binance.watch.stream_up`: 1 while the user-data stream is connected, 0 while it is down. */
export const streamUp: Dialect.Gauge<number> = WatchMetrics.streamUp
