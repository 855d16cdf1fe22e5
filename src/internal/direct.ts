/**
 * The call's step-free paths. The clocks and gates this library makes register here how they answer in plain code,
 * so that an attempt reads Binance's clock, passes the gate and hands its permit back in the step it is already in,
 * instead of entering Effect for each (in Effect 3 every step is paid on every call). A clock or gate made
 * elsewhere (a user's store, a test's stub) is not registered: the attempt asks it through its Effects.
 */
import type * as Clock from "effect/Clock"
import type * as Effect from "effect/Effect"
import type * as RateLimit from "../RateLimit.js"

/** Binance's clock as estimated, read with the fiber's clock; `undefined` when reading it needs Effect. */
export type NowReader = (clock: Clock.Clock) => number | undefined

/** A gate's admission and release as plain code. */
export interface DirectGate {
  /**
   * The permit when the gate lets the request through now; the gate's Effect when it must wait or refuses;
   * `undefined` when `request.now` has no reader (ask `acquire`). Reading the clocks and admitting is one step.
   */
  readonly admit: (
    request: RateLimit.Request,
    clock: Clock.Clock
  ) => RateLimit.Permit | Effect.Effect<RateLimit.Permit, RateLimit.GateError> | undefined
  /** As `Service.release`, done now. */
  readonly release: (permit: RateLimit.Permit, outcome: RateLimit.Outcome, now: number, clock: Clock.Clock) => void
}

const nows = new WeakMap<Effect.Effect<number>, NowReader>()
const gates = new WeakMap<RateLimit.Service, DirectGate>()

/** Registers `read` as the plain reading of `now`, and returns `now`. */
export const withNowReader = (now: Effect.Effect<number>, read: NowReader): Effect.Effect<number> => {
  nows.set(now, read)
  return now
}

/** The plain reading of a clock's `currentTimeMillis`, if it has one. */
export const nowReaderOf = (now: Effect.Effect<number>): NowReader | undefined => nows.get(now)

/** Registers `direct` as the plain admission and release of `gate`, and returns `gate`. */
export const withDirectGate = (gate: RateLimit.Service, direct: DirectGate): RateLimit.Service => {
  gates.set(gate, direct)
  return gate
}

/** The plain admission and release of a gate, if it has them. */
export const directGateOf = (gate: RateLimit.Service): DirectGate | undefined => gates.get(gate)
