/**
 * The rate-limit gate's Effect wiring (`RateLimit.make`, its stores, its layers' gates), the same program in both
 * editions: the rules are the core's (`core/budgets`, `core/gate`); here the clocks are read, the store asked, and
 * each turn's wait, failure or permit made Effects.
 */
import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { InvalidConfiguration, IpBanned, RateLimited, WafBlocked } from "../../BinanceError.js"
import type * as RateLimit from "../../RateLimit.js"
import * as Budgets from "../core/budgets.js"
import * as Gate from "../core/gate.js"
import * as StateFile from "../core/stateFile.js"
import * as Dialect from "../dialect.js"

/** @internal */
export const memoryStore = (budgets: Map<string, Gate.BudgetState> = new Map()): RateLimit.Store => {
  const plain = Budgets.memoryBudgets(budgets)
  const store = syncStore(plain)
  plainBudgets.set(store, plain)
  return store
}

// The plain budgets behind an in-memory store: its gate changes them in its own step instead of entering Effect
// for each change (paid on every call).
const plainBudgets = new WeakMap<RateLimit.Store, Budgets.Budgets>()

/** A store over budgets whose every change is synchronous (memory, or memory over the state file). */
const syncStore = (budgets: Budgets.Budgets): RateLimit.Store => ({
  admit: (key, ask) => Effect.sync(() => budgets.admit(key, ask)),
  settle: (key, admitted, outcome, now, local) => Effect.sync(() => budgets.settle(key, admitted, outcome, now, local)),
  get: (key) => Effect.sync(() => budgets.get(key)),
  marginMs: 0
})

/**
 * A store in memory (`budgets`) over a state file in `directory`, so that bans (418), `Retry-After` pauses (429)
 * and firewall pauses (403) outlive the process: a process that starts while one runs fails at once, sending
 * nothing. A faulty file or directory is ignored with one warning.
 *
 * @internal
 */
export const persistedStore = (directory: string, budgets: Map<string, Gate.BudgetState>): RateLimit.Store => {
  const file = StateFile.persisted(budgets, { directory })
  const store = syncStore(file)
  const warn = Effect.suspend(() => {
    const warning = file.warning()
    return warning === undefined ? Effect.void : Effect.logWarning(warning)
  })
  return {
    ...store,
    admit: (key, ask) => Effect.tap(store.admit(key, ask), () => warn),
    settle: (key, admitted, outcome, now, local) =>
      Effect.andThen(store.settle(key, admitted, outcome, now, local), warn)
  }
}

const errors = { IpBanned, WafBlocked, RateLimited, InvalidConfiguration } as const

const gateError = (failure: Gate.Failure): RateLimit.GateError =>
  new (errors[failure._tag] as new(fields: Gate.Failure["fields"]) => RateLimit.GateError)(failure.fields)

/**
 * A gate over budgets in memory, answering in plain code with the same rules and clocks as its `acquire` and
 * `release`, for an edition whose calls can pass the gate in a step they are already in (Effect 3's direct path).
 *
 * @internal
 */
export interface PlainGate {
  /** The permit when the gate lets the request through now (asked at `now`, Binance's clock), else its Effect. */
  readonly admit: (
    request: RateLimit.Request,
    now: number,
    clock: Clock.Clock
  ) => RateLimit.Permit | Effect.Effect<RateLimit.Permit, RateLimit.GateError>
  readonly release: (permit: RateLimit.Permit, outcome: RateLimit.Outcome, now: number, clock: Clock.Clock) => void
}

/**
 * A gate over a store (`RateLimit.make`); over budgets in memory, its plain admission and release go to the
 * edition's direct path (`Dialect.withPlainGate`).
 *
 * @internal
 */
export const make = (store: RateLimit.Store): RateLimit.Service => {
  // `Permit.local` is the wall clock's reading, which stamps the request; the store gets the step-free host clock.
  const gate = Budgets.admission(store.marginMs)
  const plain = plainBudgets.get(store)
  const acquire = (request: RateLimit.Request): Effect.Effect<RateLimit.Permit, RateLimit.GateError> =>
    admit(request, 0)
  // What the store's decision makes of a request asked at `now` and `wall`: the permit, or the wait or failure.
  // `services`: the fiber's, where the `binance.gate.wait` metric is recorded.
  const decided = (
    decision: Gate.Decision,
    request: RateLimit.Request,
    waited: number,
    now: number,
    wall: number,
    services: Dialect.Services | undefined
  ): RateLimit.Permit | Effect.Effect<RateLimit.Permit, RateLimit.GateError> => {
    const turn = gate.turn(decision, request, waited, now, wall)
    if (turn._tag === "Wait") {
      return Effect.andThen(Effect.sleep(Duration.millis(turn.ms)), admit(request, turn.waitedMs))
    }
    if (turn.waitedMs !== undefined) Dialect.recordGateWaitUnsafe(services, turn.waitedMs)
    return turn._tag === "Admit" ? turn.permit : Effect.fail(gateError(turn.failure))
  }
  const asEffect = (
    turn: RateLimit.Permit | Effect.Effect<RateLimit.Permit, RateLimit.GateError>
  ): Effect.Effect<RateLimit.Permit, RateLimit.GateError> => Effect.isEffect(turn) ? turn : Effect.succeed(turn)
  // `waited`: ms already slept at this gate for this request (the `binance.gate.wait` metric). The host clock is
  // read in the same step as the store's answer is asked for: every Effect step here is paid on every call.
  const admit = (request: RateLimit.Request, waited: number): Effect.Effect<RateLimit.Permit, RateLimit.GateError> =>
    Effect.flatMap(request.now, (now) =>
      Dialect.clockAndServicesWith((clock, services) => {
        const wall = Dialect.wallMillisUnsafe(clock)
        const ask = gate.ask(request, now, wall, Dialect.hostNanosUnsafe(clock))
        return plain !== undefined
          ? asEffect(decided(plain.admit(request.key, ask), request, waited, now, wall, services))
          : Effect.flatMap(store.admit(request.key, ask), (decision) =>
            asEffect(decided(decision, request, waited, now, wall, services)))
      }))

  const hostTime = (clock: Clock.Clock) =>
    gate.hostTime(Dialect.wallMillisUnsafe(clock), Dialect.hostNanosUnsafe(clock))
  const release = (permit: RateLimit.Permit, outcome: RateLimit.Outcome, now: number): Effect.Effect<void> =>
    Effect.clockWith((clock) => {
      const local = hostTime(clock)
      if (plain === undefined) return store.settle(permit.key, permit, outcome, now, local)
      plain.settle(permit.key, permit, outcome, now, local)
      return Effect.void
    })

  const snapshot = (key: string): Effect.Effect<RateLimit.Snapshot> => Effect.map(store.get(key), Gate.snapshotOf)

  const service: RateLimit.Service = { acquire, release, snapshot }
  if (plain === undefined) return service
  return Dialect.withPlainGate(service, {
    admit: (request, now, clock) => {
      const wall = Dialect.wallMillisUnsafe(clock)
      const ask = gate.ask(request, now, wall, Dialect.hostNanosUnsafe(clock))
      return decided(plain.admit(request.key, ask), request, 0, now, wall, undefined)
    },
    release: (permit, outcome, now, clock) => plain.settle(permit.key, permit, outcome, now, hostTime(clock))
  })
}

/** The process-wide gate: one budget per key for every fiber and client of the process. @internal */
export const processGate = (): RateLimit.Service => make(memoryStore(Budgets.processBudgets()))

/** The process-wide gate over the state file in `options.directory` (`RateLimit.layerPersisted`). @internal */
export const persistedGate = (
  options: RateLimit.PersistedOptions
): Effect.Effect<RateLimit.Service, InvalidConfiguration> =>
  Effect.suspend(() => {
    const invalid = StateFile.checkDirectory("directory", options?.directory)
    return invalid !== undefined
      ? Effect.fail(new InvalidConfiguration(invalid))
      : Effect.succeed(make(persistedStore(options.directory, Budgets.processBudgets())))
  })

/**
 * The persisted gate in the directory `directory` gives, or the process-wide one when it gives none
 * (`RateLimit.layerConfig`). @internal
 */
export const configuredGate = (
  directory: Effect.Effect<string | undefined, InvalidConfiguration>
): Effect.Effect<RateLimit.Service, InvalidConfiguration> =>
  Effect.flatMap(
    directory,
    (path) => path === undefined ? Effect.sync(processGate) : persistedGate({ directory: path })
  )
