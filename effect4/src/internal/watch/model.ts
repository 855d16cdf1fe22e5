/**
 * The watcher's shapes: its events, snapshot and options, what the Effect and Promise APIs get, and the inputs of its
 * fiber (`./driver.ts`).
 */
import type * as Deferred from "effect/Deferred"
import type * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import type * as PubSub from "effect/PubSub"
import type * as SubscriptionRef from "effect/SubscriptionRef"
import type { PmAccountInfoError } from "../../BinanceError.js"
import type * as Call from "../call.js"
import type * as CallRules from "../core/call.js"
import type * as Events from "../core/watch/events.js"
import type * as WatchOptions from "../core/watch/options.js"
import type * as ScheduleRules from "../core/watch/schedule.js"
import type * as StreamRules from "../core/watch/stream.js"

/** @internal */
export type Event = Events.WatchEvent<PmAccountInfoError>

/** @internal */
export interface Snapshot {
  /** Each asset's last figure, once read. */
  readonly assets: Readonly<Record<string, Events.AssetEvent>>
  readonly account: Events.AccountEvent | undefined
  readonly risk: Events.RiskEvent | undefined
  /** `off` when watching by polling alone. */
  readonly stream: "up" | "down" | "off"
}

/** @internal */
export interface Options extends WatchOptions.WatchOptions {
  readonly wsBaseUrl?: string | undefined
}

/** @internal */
export interface Watcher {
  readonly events: PubSub.PubSub<Event>
  readonly snapshot: SubscriptionRef.SubscriptionRef<Snapshot>
  readonly fresh: (asset: string) => Effect.Effect<Events.AssetEvent, PmAccountInfoError>
  readonly ages: Effect.Effect<ReadonlyArray<ScheduleRules.Age>>
  readonly plan: ScheduleRules.Plan
  /** Starts the fiber (once), in the scope the watcher was made in. */
  readonly start: Effect.Effect<void>
}

/** @internal */
export type Requirements = Call.Requirements

/** @internal */
export type Input =
  | { readonly _tag: "Wake" }
  | {
    readonly _tag: "ReadDone"
    readonly id: number
    readonly asset: string
    readonly reason: ScheduleRules.Reason
    readonly exit: Exit.Exit<CallRules.Success, PmAccountInfoError>
    readonly at: number
  }
  | {
    readonly _tag: "Demand"
    readonly asset: string
    readonly deferred: Deferred.Deferred<Events.AssetEvent, PmAccountInfoError>
  }
  | { readonly _tag: "Answered"; readonly answer: StreamRules.Answer }
  | { readonly _tag: "Opened"; readonly id: number }
  | { readonly _tag: "Text"; readonly id: number; readonly text: string }
  | { readonly _tag: "Dropped"; readonly id: number; readonly reason: string }
  | { readonly _tag: "Close"; readonly done: Deferred.Deferred<void> }

/**
 * The snapshot once an event is told.
 *
 * @internal
 */
export const withEvent = (snapshot: Snapshot, event: Event): Snapshot => {
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
