/**
 * The watcher as the Effect and Promise APIs get it from `./driver.ts`. The plain shapes (snapshot, options, the
 * fiber's inputs) are the core's (`../../core/watch/driver.ts`).
 */
import type * as Effect from "effect/Effect"
import type * as PubSub from "effect/PubSub"
import type * as SubscriptionRef from "effect/SubscriptionRef"
import type { PmAccountInfoError } from "../../../BinanceError.js"
import type * as Call from "../../call.js"
import type * as DriverRules from "../../core/watch/driver.js"
import type * as Events from "../../core/watch/events.js"
import type * as ScheduleRules from "../../core/watch/schedule.js"

/** @internal */
export type Event = Events.WatchEvent<PmAccountInfoError>

/** @internal */
export interface Watcher {
  readonly events: PubSub.PubSub<Event>
  readonly snapshot: SubscriptionRef.SubscriptionRef<DriverRules.Snapshot>
  readonly fresh: (asset: string) => Effect.Effect<Events.AssetEvent, PmAccountInfoError>
  readonly ages: Effect.Effect<ReadonlyArray<ScheduleRules.Age>>
  readonly plan: ScheduleRules.Plan
  /** Starts the fiber (once), in the scope the watcher was made in. */
  readonly start: Effect.Effect<void>
}

/** @internal */
export type Requirements = Call.Requirements
