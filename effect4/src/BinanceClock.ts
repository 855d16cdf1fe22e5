/**
 * Request timestamps: Effect's `Clock` plus a learned offset to Binance's server clock. The offset is learned
 * from `GET /fapi/v1/time` when Binance answers -1021 (self-healing), or up front and when stale with
 * `layerSynced`. No timers: refreshing happens lazily, inside the calls that need a timestamp.
 *
 * @since 1.0.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as BinanceConfig from "./BinanceConfig.js"
import type * as BinanceError from "./BinanceError.js"
import { learnOffset } from "./internal/attempt.js"
import * as ClockRules from "./internal/core/clock.js"
import * as SyncedClock from "./internal/wiring/syncedClock.js"
import * as RateLimit from "./RateLimit.js"

/**
 * @since 1.0.0
 * @category Models
 */
export interface Service {
  /** Milliseconds on the server's clock, as best known: `Clock.currentTimeMillis + offset`. */
  readonly currentTimeMillis: Effect.Effect<number>
  /** The learned offset (server − local), in ms; 0 until learned. */
  readonly offset: Effect.Effect<number>
  readonly setOffset: (offsetMs: number) => Effect.Effect<void>
  /**
   * Learns the offset now from `GET {baseUrl}/fapi/v1/time` (`/dapi/v1/time` for COIN-M), correcting for half
   * the round trip, and returns it. Concurrent callers share one request.
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
 * @since 1.0.0
 * @category Context
 */
export class BinanceClock extends Context.Service<BinanceClock, Service>()("effect-binance-pm/BinanceClock") {}

interface Internal extends Service {
  /** Host clock when the last learned offset's answer arrived. */
  readonly syncedAt: () => number | undefined
}

const makeInternal: Effect.Effect<Internal> = Effect.sync(() => {
  let offset = 0
  let syncedAt: number | undefined
  let running: Fiber.Fiber<number, BinanceError.PmAccountInfoError> | undefined
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
    return Effect.flatMap(Effect.forkDetach(learn), (fiber) => {
      running = fiber
      return Fiber.join(fiber)
    })
  })
  return {
    // Whole milliseconds: a TestClock moved by a jittered schedule can read 192.8 ms, which fapi rejects. (Read
    // from the fiber's clock in one step: every request asks for it.)
    currentTimeMillis: Effect.clockWith((clock) =>
      Effect.succeed(Math.floor(clock.currentTimeMillisUnsafe() + offset))
    ),
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
    syncedAt: () => syncedAt
  }
})

/**
 * A clock with offset 0 until -1021 teaches it better.
 *
 * @since 1.0.0
 * @category Constructors
 */
export const make: Effect.Effect<Service> = makeInternal

/**
 * The self-healing clock: offset 0 until a -1021 makes a call learn it.
 *
 * @since 1.0.0
 * @category Layers
 */
export const layer: Layer.Layer<BinanceClock> = Layer.effect(BinanceClock, make)

/**
 * @since 1.0.0
 * @category Models
 */
export interface SyncedOptions {
  /** Re-learn the offset when it is older than this (default 10 minutes). */
  readonly maxAge?: Duration.Input | undefined
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
 * @since 1.0.0
 * @category Layers
 */
export const layerSynced = (
  options: SyncedOptions = {}
): Layer.Layer<BinanceClock, BinanceError.PmAccountInfoError, HttpClient.HttpClient> =>
  Layer.effect(
    BinanceClock,
    Effect.flatMap(
      makeInternal,
      (base) =>
        SyncedClock.make(
          base,
          options.maxAge === undefined ? ClockRules.DEFAULT_MAX_AGE_MS : Duration.toMillis(options.maxAge)
        )
    )
  )
