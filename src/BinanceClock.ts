/**
 * Request timestamps: Effect's `Clock` plus a learned offset to Binance's server clock. The offset is learned
 * from `GET /fapi/v1/time` when Binance answers -1021 (self-healing), or up front and when stale with
 * `layerSynced`. No timers: refreshing happens lazily, inside the calls that need a timestamp.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as BinanceConfig from "./BinanceConfig.js"
import type * as BinanceError from "./BinanceError.js"
import { learnOffset } from "./internal/attempt.js"
import * as ClockRules from "./internal/core/clock.js"
import * as Direct from "./internal/direct.js"
import * as SyncedClock from "./internal/wiring/syncedClock.js"
import * as RateLimit from "./RateLimit.js"

/**
 * @since 0.1.0
 * @category Models
 */
export interface Service {
  /** Milliseconds on the server's clock, as best known: `Clock.currentTimeMillis + offset`. */
  readonly currentTimeMillis: Effect.Effect<number>
  /** The learned offset (server − local), in ms; 0 until learned. */
  readonly offset: Effect.Effect<number>
  readonly setOffset: (offsetMs: number) => Effect.Effect<void>
  /**
   * Learns the offset now from `GET {baseUrl}/fapi/v1/time`, correcting for half the round trip, and
   * returns it. Concurrent callers share one request.
   */
  readonly sync: Effect.Effect<number, BinanceError.PmAccountInfoError, HttpClient.HttpClient>
  /**
   * What a call does on -1021 for a request stamped at `sentAt` (host clock): learn the offset, unless it was
   * learned after that request left (then the next request is stamped with the new one already). Concurrent
   * callers share one request.
   */
  readonly resync: (sentAt: number) => Effect.Effect<number, BinanceError.PmAccountInfoError, HttpClient.HttpClient>
}

/**
 * @since 0.1.0
 * @category Context
 */
export class BinanceClock extends Context.Tag("effect-binance-pm/BinanceClock")<BinanceClock, Service>() {}

interface Internal extends Service {
  /** Host clock when the last learned offset's answer arrived. */
  readonly syncedAt: () => number | undefined
  /** `currentTimeMillis` as plain code, with the fiber's clock. */
  readonly read: (clock: Clock.Clock) => number
}

/**
 * A clock with offset 0 until -1021 teaches it better.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make: Effect.Effect<Service> = Effect.sync(() => {
  let offset = 0
  let syncedAt: number | undefined
  let running: Fiber.RuntimeFiber<number, BinanceError.PmAccountInfoError> | undefined
  const learn = Effect.gen(function*() {
    const learned = yield* learnOffset({
      client: yield* HttpClient.HttpClient,
      config: yield* BinanceConfig.BinanceConfig,
      gate: yield* RateLimit.RateLimit,
      now: Effect.map(Clock.currentTimeMillis, (now) => now + offset)
    })
    offset = learned.offset
    syncedAt = learned.receivedAt
    yield* Effect.logDebug("BinanceClock synced", { offsetMs: offset })
    return offset
  }).pipe(
    Effect.ensuring(Effect.sync(() => {
      running = undefined
    })),
    Effect.withSpan("BinanceClock.sync")
  )
  // One request for everyone who needs it now. It runs in a fiber of its own (one bounded exchange), so a
  // caller that is interrupted stops waiting at once without cancelling it for the others.
  const sync = Effect.suspend(() => {
    if (running !== undefined) return Fiber.join(running)
    return Effect.flatMap(Effect.forkDaemon(learn), (fiber) => {
      running = fiber
      return Fiber.join(fiber)
    })
  })
  // Whole milliseconds: a TestClock moved by a jittered schedule can read 192.8 ms, which fapi rejects.
  const read = (clock: Clock.Clock) => Math.floor(clock.unsafeCurrentTimeMillis() + offset)
  const service: Internal = {
    // Read from the fiber's clock in one step, or in the caller's (internal/direct): every request asks for it.
    currentTimeMillis: Direct.withNowReader(Effect.clockWith((clock) => Effect.succeed(read(clock))), read),
    offset: Effect.sync(() => offset),
    setOffset: (offsetMs) =>
      Effect.sync(() => {
        offset = offsetMs
      }),
    sync,
    resync: (sentAt) =>
      Effect.suspend(() =>
        ClockRules.needsSync(sentAt, syncedAt, running !== undefined) ? sync : Effect.succeed(offset)
      ),
    syncedAt: () => syncedAt,
    read
  }
  return service
})

/**
 * The self-healing clock: offset 0 until a -1021 makes a call learn it.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layer: Layer.Layer<BinanceClock> = Layer.effect(BinanceClock, make)

/**
 * @since 0.1.0
 * @category Models
 */
export interface SyncedOptions {
  /** Re-learn the offset when it is older than this (default 10 minutes). */
  readonly maxAge?: Duration.DurationInput | undefined
}

/**
 * Learns the offset when the layer is built (failing the layer if Binance cannot be reached), and again
 * lazily, on the first timestamp asked for once the offset is older than `maxAge`. A failed refresh keeps
 * the old offset (a -1021 would still heal it), is logged at Debug, and is tried again no sooner than
 * `maxAge / 10` (at most 30 s) later.
 *
 * It reads `BinanceConfig` and `RateLimit` when built: provide a `BinanceConfig.layer` to it
 * (`Layer.provideMerge`), not beside it, or it syncs against the default (production) base URL.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerSynced = (
  options: SyncedOptions = {}
): Layer.Layer<BinanceClock, BinanceError.PmAccountInfoError, HttpClient.HttpClient> =>
  Layer.effect(
    BinanceClock,
    Effect.flatMap(make, (base) =>
      SyncedClock.make(
        base as Internal,
        options.maxAge === undefined ? ClockRules.DEFAULT_MAX_AGE_MS : Duration.toMillis(options.maxAge),
        { read: (base as Internal).read, register: Direct.withNowReader }
      ))
  )
