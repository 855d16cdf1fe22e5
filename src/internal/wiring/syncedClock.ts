/**
 * `BinanceClock.layerSynced`'s clock, the same program in both editions: the offset learned once when the layer is
 * built, then again lazily, inside the first call that asks for a timestamp once it is stale; one refresh at a
 * time, and none again soon after a failed one (core/clock.ts decides when).
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type * as BinanceClock from "../../BinanceClock.js"
import * as BinanceConfig from "../../BinanceConfig.js"
import * as RateLimit from "../../RateLimit.js"
import * as ClockRules from "../core/clock.js"
import * as Dialect from "../dialect.js"

/** A clock as `BinanceClock.make` makes it, with when it last learned the offset. */
export interface Base extends BinanceClock.Service {
  /** Host clock when the last learned offset's answer arrived. */
  readonly syncedAt: () => number | undefined
}

/** An edition's step-free reading of the clock (Effect 3's: internal/direct). */
export interface Plain {
  /** `currentTimeMillis` as plain code, with the fiber's clock. */
  readonly read: (clock: Clock.Clock) => number
  /** Registers `read` as the plain reading of `now` (undefined: ask `now`), and returns `now`. */
  readonly register: (
    now: Effect.Effect<number>,
    read: (clock: Clock.Clock) => number | undefined
  ) => Effect.Effect<number>
}

/** The synced clock over `base`, its first sync done. */
export const make = (base: Base, maxAgeMs: number, plain?: Plain) =>
  Effect.gen(function*() {
    const client = yield* Dialect.HttpClient
    const config = yield* BinanceConfig.BinanceConfig
    const gate = yield* RateLimit.RateLimit
    // Refreshes run inside callers' fibers: pin the services this layer was built with.
    const pin = <A, E>(effect: Effect.Effect<A, E, Dialect.HttpClient>) =>
      effect.pipe(
        Effect.provideService(Dialect.HttpClient, client),
        Effect.provideService(BinanceConfig.BinanceConfig, config),
        Effect.provideService(RateLimit.RateLimit, gate)
      )
    const sync = pin(base.sync)
    yield* sync
    // After a failed refresh, wait before the next try: every try costs weight, and Binance may be refusing us.
    let failedAt: number | undefined
    const refresh = Dialect.catchFailure(Effect.asVoid(sync), (error) =>
      Effect.andThen(
        Effect.flatMap(Clock.currentTimeMillis, (at) =>
          Effect.sync(() => {
            failedAt = at
          })),
        Effect.logDebug("BinanceClock refresh failed; keeping the old offset", error._tag)
      ))
    // One refresh at a time; callers that arrive meanwhile use the current offset instead of queueing. (A flag
    // is enough: it is checked and set in one synchronous step, and cleared by a finalizer installed in the same
    // uninterruptible region, so an interruption cannot leave it set.)
    let refreshing = false
    const refreshOnce = Effect.uninterruptibleMask((restore) =>
      Effect.suspend(() => {
        if (refreshing) return Effect.void
        refreshing = true
        return Effect.ensuring(
          restore(refresh),
          Effect.sync(() => {
            refreshing = false
          })
        )
      })
    )
    const refreshDue = (clock: Clock.Clock) =>
      !refreshing && ClockRules.refreshDue(Dialect.wallMillisUnsafe(clock), base.syncedAt(), failedAt, maxAgeMs)
    // The staleness check is plain code in the clock's step (or the caller's, where the edition reads the clock
    // step-free while no refresh is due): a fresh offset costs nothing more.
    const now = Effect.clockWith((clock) =>
      refreshDue(clock) ? Effect.andThen(refreshOnce, base.currentTimeMillis) : base.currentTimeMillis
    )
    const service: BinanceClock.Service = {
      currentTimeMillis: plain === undefined
        ? now
        : plain.register(now, (clock) => refreshDue(clock) ? undefined : plain.read(clock)),
      offset: base.offset,
      setOffset: base.setOffset,
      sync,
      resync: (sentAt: number) => pin(base.resync(sentAt))
    }
    return service
  })
