/**
 * The rate-limit gate. Binance limits request weight per IP, so every call that leaves through the same IP
 * should share one gate: the default (`processWide`) is one per base URL for the whole process.
 *
 * The gate
 * - holds every request back while a 429's `Retry-After` runs (callers wait instead of piling on), or fails
 *   it with `RateLimited` when that wait is longer than the caller accepts;
 * - fails every request with `IpBanned`, without touching the network, while a 418 ban runs;
 * - tracks `X-MBX-USED-WEIGHT-1M` and the weight in flight, and holds a request back until the next minute
 *   window when it would push the IP past its limit.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { IpBanned, RateLimited } from "./BinanceError.js"

/**
 * What one request asks of the gate.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Request {
  /** Which budget: one per egress identity (by default the base URL). */
  readonly key: string
  readonly weight: number
  readonly weightLimit: number
  /** Longest wait for a `Retry-After` pause this caller accepts; a longer one fails with `RateLimited`. */
  readonly maxWaitMs: number
  /** The server-clock estimate used to align minute windows with Binance's. */
  readonly now: Effect.Effect<number>
}

/**
 * A reservation of weight for one request, handed back with `release`.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Permit {
  readonly key: string
  readonly weight: number
  readonly window: number
}

/**
 * What happened to a request, as far as the rate limits are concerned.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Outcome {
  /** HTTP status, or undefined when no response arrived. */
  readonly status?: number | undefined
  /** `X-MBX-USED-WEIGHT-1M` of the response. */
  readonly usedWeight?: number | undefined
  /** `Retry-After` of a 429 or 418, in ms. */
  readonly retryAfterMs?: number | undefined
  /** For a 418: when the ban ends (server ms), if Binance said. */
  readonly bannedUntil?: number | undefined
}

/**
 * A view of one budget, for dashboards and tests.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Snapshot {
  readonly window: number
  readonly usedWeight: number
  readonly reservedWeight: number
  /** End of a 429 pause, in ms on the local (Effect) clock. */
  readonly pausedUntil: number
  /** End of a 418 ban, in ms on the local (Effect) clock. */
  readonly bannedUntil: number
}

/**
 * @since 0.1.0
 * @category Models
 */
export interface Service {
  readonly acquire: (request: Request) => Effect.Effect<Permit, RateLimited | IpBanned>
  /** `now` is the server-clock estimate when the outcome arrived. */
  readonly release: (permit: Permit, outcome: Outcome, now: number) => Effect.Effect<void>
  readonly snapshot: (key: string) => Effect.Effect<Snapshot>
}

interface State {
  window: number
  used: number
  reserved: number
  /** What the previous minute used (and had in flight) when this one began. */
  previousUsed: number
  // Pauses and bans are kept on the local clock: re-learning the server offset must not shorten them.
  pausedUntil: number
  bannedUntil: number
}

const WINDOW_MS = 60_000
// Binance accepts timestamps up to 1000 ms ahead without a -1021, so a fast host clock can go uncorrected by
// that much: for the first second of our minute, Binance may still be counting the previous one. A request
// sent then must fit both budgets, and counts against both.
const WINDOW_SLACK_MS = 1000
const DEFAULT_BAN_MS = 120_000

/**
 * A fresh in-memory gate (one budget per key).
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeUnsafe = (): Service => {
  const states = new Map<string, State>()
  const stateFor = (key: string, now: number): State => {
    const window = Math.floor(now / WINDOW_MS)
    let state = states.get(key)
    if (state === undefined) {
      state = { window, used: 0, reserved: 0, previousUsed: 0, pausedUntil: 0, bannedUntil: 0 }
      states.set(key, state)
    } else if (window > state.window) {
      // A new minute: Binance starts counting from zero. Weight still in flight belongs to the old one.
      state.previousUsed = window === state.window + 1 ? state.used + state.reserved : 0
      state.window = window
      state.used = 0
      state.reserved = 0
    }
    return state
  }

  const acquire = (request: Request): Effect.Effect<Permit, RateLimited | IpBanned> =>
    Effect.flatMap(Effect.zip(request.now, Clock.currentTimeMillis), ([now, local]) => {
      const state = stateFor(request.key, now)
      if (state.bannedUntil > local) {
        return Effect.fail(
          new IpBanned({
            status: 418,
            msg: "IP ban in force; no request sent",
            retryAfterMs: state.bannedUntil - local
          })
        )
      }
      if (state.pausedUntil > local) {
        const wait = state.pausedUntil - local
        if (wait > request.maxWaitMs) {
          return Effect.fail(
            new RateLimited({ status: 429, msg: "Retry-After in force; no request sent", retryAfterMs: wait })
          )
        }
        return Effect.zipRight(Effect.sleep(Duration.millis(wait)), acquire(request))
      }
      const windowStart = state.window * WINDOW_MS
      if (state.used + state.reserved + request.weight > request.weightLimit) {
        const wait = windowStart + WINDOW_MS - now
        return Effect.zipRight(Effect.sleep(Duration.millis(wait)), acquire(request))
      }
      const straddles = now - windowStart < WINDOW_SLACK_MS
      if (straddles && state.previousUsed + request.weight > request.weightLimit) {
        const wait = windowStart + WINDOW_SLACK_MS - now
        return Effect.zipRight(Effect.sleep(Duration.millis(wait)), acquire(request))
      }
      state.reserved += request.weight
      if (straddles) state.previousUsed += request.weight
      return Effect.succeed({ key: request.key, weight: request.weight, window: state.window })
    })

  const release = (permit: Permit, outcome: Outcome, now: number): Effect.Effect<void> =>
    Effect.map(Clock.currentTimeMillis, (local) => {
      const state = stateFor(permit.key, now)
      const sameWindow = permit.window === state.window
      if (sameWindow) {
        state.reserved = Math.max(0, state.reserved - permit.weight)
        // The header is the server's count, ours included; without one, assume the server counted it.
        state.used = outcome.usedWeight !== undefined
          ? Math.max(state.used, outcome.usedWeight)
          : state.used + permit.weight
      }
      if (outcome.status === 429 && outcome.retryAfterMs !== undefined) {
        state.pausedUntil = Math.max(state.pausedUntil, local + outcome.retryAfterMs)
      }
      if (outcome.status === 418) {
        // Retry-After is relative, so immune to clock offsets; the message's "banned until" is the fallback.
        const until = outcome.retryAfterMs !== undefined
          ? local + outcome.retryAfterMs
          : outcome.bannedUntil !== undefined
          ? outcome.bannedUntil - (now - local) // server time to local time
          : local + DEFAULT_BAN_MS
        state.bannedUntil = Math.max(state.bannedUntil, until)
      }
    })

  const snapshot = (key: string): Effect.Effect<Snapshot> =>
    Effect.sync(() => {
      const state = states.get(key)
      return state === undefined
        ? { window: 0, usedWeight: 0, reservedWeight: 0, pausedUntil: 0, bannedUntil: 0 }
        : {
          window: state.window,
          usedWeight: state.used,
          reservedWeight: state.reserved,
          pausedUntil: state.pausedUntil,
          bannedUntil: state.bannedUntil
        }
    })

  return { acquire, release, snapshot }
}

/**
 * The gate used when none is provided: one per process, shared by every fiber, one budget per base URL.
 *
 * @since 0.1.0
 * @category Context
 */
export class RateLimit extends Context.Reference<RateLimit>()("effect-binance-pm/RateLimit", {
  defaultValue: makeUnsafe
}) {}

/**
 * A gate of its own, for a group of calls that should not share the process-wide one (tests, or calls that
 * leave through another IP).
 *
 * @since 0.1.0
 * @category Layers
 */
export const layer: Layer.Layer<RateLimit> = Layer.sync(RateLimit, makeUnsafe)
