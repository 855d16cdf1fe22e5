/**
 * The desk watcher: every watched asset's withdrawable amounts (`pmAccountInfo`) kept current within a share of the
 * IP's weight budget, re-read at once when the Portfolio Margin Pro user-data stream says the account moved.
 *
 * Routine reads are paced to spend at most `weightShare` of the budget per minute, spread evenly; each asset is
 * re-read before it is `maxAgeMs` old where the share allows. The stream (`POST /fapi/v1/listenKey`, then
 * `wss://fstream.binance.com/pm-classic/ws/<listenKey>`) pushes the account's figures every 5 s at no weight; a
 * move of `vmw` beyond `vmwThreshold`, or a risk level change, re-reads every asset. `fresh(asset)` reads ahead of
 * everything and joins a read of that asset already pending or in flight (another watcher's of the same key,
 * market and asset too). The watchers on one `RateLimit` gate space their routine reads out together, so that
 * they spend the share between them. Every request goes through the gate. The rules are the shared core's
 * (`internal/core/watch`); this module only wires them.
 *
 * The stream's WebSocket is the `Socket.WebSocketConstructor` in context, else the global `WebSocket`, else the
 * optional `ws` package (Node 20 has no global `WebSocket`). Through a `BinanceHttpClient` with a proxy, the stream
 * goes through that proxy too, over `ws`. With `RateLimitRedis`, the watchers of every process on one budget share
 * one pace.
 *
 * @since 0.2.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import type * as Metric from "effect/Metric"
import * as PubSub from "effect/PubSub"
import type * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as Subscribable from "effect/Subscribable"
import type * as BinanceClock from "./BinanceClock.js"
import type { InvalidConfiguration, PmAccountInfoError } from "./BinanceError.js"
import type * as Credentials from "./Credentials.js"
import type * as DriverRules from "./internal/core/watch/driver.js"
import type * as Events from "./internal/core/watch/events.js"
import type * as ScheduleRules from "./internal/core/watch/schedule.js"
import * as WatchMetrics from "./internal/watch/metrics.js"
import * as Driver from "./internal/wiring/watch/driver.js"
import type * as Model from "./internal/wiring/watch/model.js"

/**
 * One asset's figures as `pmAccountInfo` answered them.
 *
 * @since 0.2.0
 * @category Models
 */
export type AssetEvent = Events.AssetEvent

/**
 * The account-level picture of `PM_PRO_ACCOUNT_UPDATE`.
 *
 * @since 0.2.0
 * @category Models
 */
export type AccountEvent = Events.AccountEvent

/**
 * `RISK_LEVEL_CHANGE`.
 *
 * @since 0.2.0
 * @category Models
 */
export type RiskEvent = Events.RiskEvent

/**
 * The user-data stream went up or down.
 *
 * @since 0.2.0
 * @category Models
 */
export type StreamEvent = Events.StreamEvent

/**
 * A read failed; `error` is the typed error.
 *
 * @since 0.2.0
 * @category Models
 */
export type ReadFailedEvent = Events.ReadFailedEvent<PmAccountInfoError>

/**
 * What a watcher tells.
 *
 * @since 0.2.0
 * @category Models
 */
export type WatchEvent = Events.WatchEvent<PmAccountInfoError>

/**
 * The latest of everything.
 *
 * @since 0.2.0
 * @category Models
 */
export type Snapshot = DriverRules.Snapshot

/**
 * How old each asset's figure is.
 *
 * @since 0.2.0
 * @category Models
 */
export type Age = ScheduleRules.Age

/**
 * What a share can do for these assets.
 *
 * @since 0.2.0
 * @category Models
 */
export type Plan = ScheduleRules.Plan

/**
 * A watcher's options.
 *
 * @since 0.2.0
 * @category Models
 */
export type Options = DriverRules.Options

/**
 * A running watcher.
 *
 * @since 0.2.0
 * @category Models
 */
export interface Watcher {
  /** Every event from the moment the stream is run (each run is a new subscriber); it ends when the watcher does. */
  readonly events: Stream.Stream<WatchEvent>
  /** A subscription to every event from now on, for the scope: nothing published after this returns is missed. */
  readonly subscribe: Effect.Effect<Queue.Dequeue<WatchEvent>, never, Scope.Scope>
  /** The latest snapshot, and its changes. */
  readonly snapshot: Subscribable.Subscribable<Snapshot>
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
 *
 * @since 0.2.0
 * @category Models
 */
export type Requirements = Credentials.Credentials | BinanceClock.BinanceClock | HttpClient.HttpClient

const toWatcher = (watcher: Model.Watcher): Watcher => ({
  events: Stream.fromPubSub(watcher.events),
  subscribe: PubSub.subscribe(watcher.events),
  snapshot: watcher.snapshot,
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
 *
 * @since 0.2.0
 * @category Constructors
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
 *
 * @since 0.2.0
 * @category Constructors
 */
export const stream = (options: Options): Stream.Stream<WatchEvent, InvalidConfiguration, Requirements> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const watcher = yield* Driver.make(options)
    // Subscribed before the watcher starts: no event is missed.
    const subscription = yield* PubSub.subscribe(watcher.events)
    yield* watcher.start
    return Stream.fromQueue(subscription)
  }))

/**
 * `binance.watch.reads`: the reads watchers sent, tagged `reason` (`routine`, `fresh`, `stream`) and `outcome`
 * (`ok` or the error's tag).
 *
 * @since 0.2.0
 * @category Metrics
 */
export const reads: Metric.Metric.Counter<number> = WatchMetrics.reads

/**
 * `binance.watch.asset_age`: how old each watched asset's figure is, in ms (tagged `asset`, `unit: "ms"`; -1
 * before its first read), updated at least every 5 s.
 *
 * @since 0.2.0
 * @category Metrics
 */
export const assetAge: Metric.Metric.Gauge<number> = WatchMetrics.assetAge

/**
 * `binance.watch.stream_up`: 1 while the user-data stream is connected, 0 while it is down.
 *
 * @since 0.2.0
 * @category Metrics
 */
export const streamUp: Metric.Metric.Gauge<number> = WatchMetrics.streamUp
