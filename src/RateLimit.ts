/**
 * The rate-limit gate. Binance limits and bans per IP, so every call that leaves through the same IP must
 * share one gate: by default there is one budget per base URL for the whole process, shared by every fiber,
 * every Effect program and every Promise client (and by every copy of this library loaded in the process).
 *
 * The gate
 * - holds every request back while a 429 pause runs (its `Retry-After`, or 1 s doubling up to 60 s when it
 *   has none), or fails it with `RateLimited` when that wait is longer than the caller accepts;
 * - does the same while a 403 (Binance's web application firewall) pause runs (1 s doubling up to 5 min),
 *   failing with `WafBlocked`;
 * - fails every request with `IpBanned`, without touching the network, while a 418 ban runs;
 * - tracks `X-MBX-USED-WEIGHT-1M` and the weight in flight, and holds a request back until the next minute
 *   window when it would push the IP past its limit.
 *
 * The rules, and what the gate does with each decision, live once in `internal/core/gate` (shared with the Effect 4
 * edition); this module keeps budgets in memory, `RateLimitRedis` in Redis.
 *
 * @since 0.1.0
 */
import type * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { InvalidConfiguration, IpBanned, RateLimited, WafBlocked } from "./BinanceError.js"
import { fromConfigError } from "./internal/config.js"
import * as Budgets from "./internal/core/budgets.js"
import * as Gate from "./internal/core/gate.js"
import * as StateFile from "./internal/core/stateFile.js"
import * as Direct from "./internal/direct.js"
import * as Metrics from "./internal/metrics.js"

/**
 * What one request asks of the gate.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Request extends Pick<Gate.Ask, "weight" | "weightLimit" | "maxWaitMs"> {
  /** Which budget: one per egress identity (by default the base URL). */
  readonly key: string
  /** The server-clock estimate used to align minute windows with Binance's. */
  readonly now: Effect.Effect<number>
}

/**
 * A reservation of weight for one request, handed back with `release`.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Permit extends Gate.Admitted {
  readonly key: string
  /**
   * Binance's clock (estimated, `Request.now`) and the host's when the gate let the request through: the
   * request is stamped with them, so the gate's windows and the signed timestamp agree. A gate that leaves them
   * out has the request stamped with clocks read after `acquire`.
   */
  readonly now?: number | undefined
  readonly local?: number | undefined
}

/**
 * What happened to a request, as far as the rate limits are concerned.
 *
 * @since 0.1.0
 * @category Models
 */
export type Outcome = Gate.Outcome

/**
 * A view of one budget, for dashboards and tests. Instants are on the host (Effect) clock.
 *
 * @since 0.1.0
 * @category Models
 */
export type Snapshot = Gate.Snapshot

/**
 * Why the gate refused to let a request go.
 *
 * @since 0.2.0
 * @category Models
 */
export type GateError = RateLimited | IpBanned | WafBlocked | InvalidConfiguration

/**
 * @since 0.1.0
 * @category Models
 */
export interface Service {
  readonly acquire: (request: Request) => Effect.Effect<Permit, GateError>
  /** `now` is the server-clock estimate when the outcome arrived. Never sends anything and never waits. */
  readonly release: (permit: Permit, outcome: Outcome, now: number) => Effect.Effect<void>
  readonly snapshot: (key: string) => Effect.Effect<Snapshot>
  /**
   * Takes the next slot of budget `key`'s paced reads (the watchers'), at least `intervalMs` after the one taken
   * before it by anyone on this gate; `now` and the slot are on Binance's clock (estimated). `RateLimitRedis` has it,
   * so a fleet's watchers share one pace; without it, the watchers of each process pace themselves.
   */
  readonly pace?: ((key: string, intervalMs: number, now: number) => Effect.Effect<number>) | undefined
}

/**
 * Where budgets live, and how one is read and changed atomically. Every store applies the same rules.
 *
 * @since 0.2.0
 * @category Models
 */
export interface Store {
  readonly admit: (key: string, ask: Gate.Ask) => Effect.Effect<Gate.Decision>
  readonly settle: (
    key: string,
    admitted: Gate.Admitted,
    outcome: Outcome,
    now: number,
    local: number
  ) => Effect.Effect<void>
  readonly get: (key: string) => Effect.Effect<Gate.BudgetState | undefined>
  /** Extra wait after a pause or window boundary another process computed (clocks disagree a little). */
  readonly marginMs: number
}

/**
 * A store in a `Map`: each change is one synchronous step, so it is atomic for every fiber of the process.
 *
 * @since 0.2.0
 * @category Constructors
 */
export const memoryStore = (budgets: Map<string, Gate.BudgetState> = new Map()): Store => {
  const plain = Budgets.memoryBudgets(budgets)
  const store = syncStore(plain)
  plainBudgets.set(store, plain)
  return store
}

// The plain budgets behind an in-memory store: its gate changes them in its own step instead of entering Effect
// for each change (two Effect 3 steps per request, paid on every call).
const plainBudgets = new WeakMap<Store, Budgets.Budgets>()

/** A store over budgets whose every change is synchronous (memory, or memory over the state file). */
const syncStore = (budgets: Budgets.Budgets): Store => ({
  admit: (key, ask) => Effect.sync(() => budgets.admit(key, ask)),
  settle: (key, admitted, outcome, now, local) => Effect.sync(() => budgets.settle(key, admitted, outcome, now, local)),
  get: (key) => Effect.sync(() => budgets.get(key)),
  marginMs: 0
})

/**
 * A store in memory over a state file, so that bans (418), `Retry-After` pauses (429) and firewall pauses (403)
 * outlive the process: a process that starts while one runs fails at once, sending nothing. The memory is the
 * process-wide budgets unless `budgets` is given. A faulty file or directory is ignored with one warning.
 */
const persistedStore = (directory: string, budgets: Map<string, Gate.BudgetState>): Store => {
  const file = StateFile.persisted(budgets, { directory })
  const store = syncStore(file)
  const warn = Effect.suspend(() => {
    const warning = file.warning()
    return warning === undefined ? Effect.void : Effect.logWarning(warning)
  })
  return {
    ...store,
    admit: (key, ask) => Effect.zipLeft(store.admit(key, ask), warn),
    settle: (key, admitted, outcome, now, local) =>
      Effect.zipRight(store.settle(key, admitted, outcome, now, local), warn)
  }
}

const errors = { IpBanned, WafBlocked, RateLimited, InvalidConfiguration } as const

const gateError = (failure: Gate.Failure): GateError =>
  new (errors[failure._tag] as new(fields: Gate.Failure["fields"]) => GateError)(failure.fields)

/**
 * A gate over a store.
 *
 * @since 0.2.0
 * @category Constructors
 */
export const make = (store: Store): Service => {
  // The loop's rules are the core's (`core/budgets.admission`): here the clocks are read, the store asked, and the
  // turn's wait, failure or permit made Effects. `Permit.local` is the wall clock's reading, which stamps the
  // request; the store gets the step-free host clock.
  const gate = Budgets.admission(store.marginMs)
  const plain = plainBudgets.get(store)
  const acquire = (request: Request): Effect.Effect<Permit, GateError> => admit(request, 0)
  // What the store's decision makes of a request asked at `now` and `wall`: the permit, or the wait or failure.
  const decided = (
    decision: Gate.Decision,
    request: Request,
    waited: number,
    now: number,
    wall: number
  ): Permit | Effect.Effect<Permit, GateError> => {
    const turn = gate.turn(decision, request, waited, now, wall)
    if (turn._tag === "Wait") {
      return Effect.zipRight(Effect.sleep(Duration.millis(turn.ms)), admit(request, turn.waitedMs))
    }
    if (turn.waitedMs !== undefined) Metrics.unsafeRecordGateWait(turn.waitedMs)
    return turn._tag === "Admit" ? turn.permit : Effect.fail(gateError(turn.failure))
  }
  const asEffect = (turn: Permit | Effect.Effect<Permit, GateError>): Effect.Effect<Permit, GateError> =>
    Effect.isEffect(turn) ? turn : Effect.succeed(turn)
  // `waited`: ms already slept at this gate for this request (the `binance.gate.wait` metric). The host clock is
  // read in the same step as the store's answer is asked for: every Effect step here is paid on every call.
  const admit = (request: Request, waited: number): Effect.Effect<Permit, GateError> =>
    Effect.flatMap(request.now, (now) =>
      Effect.clockWith((clock) => {
        const wall = clock.unsafeCurrentTimeMillis()
        const ask = gate.ask(request, now, wall, clock.unsafeCurrentTimeNanos())
        return plain !== undefined
          ? asEffect(decided(plain.admit(request.key, ask), request, waited, now, wall))
          : Effect.flatMap(store.admit(request.key, ask), (decision) =>
            asEffect(decided(decision, request, waited, now, wall)))
      }))

  const hostTime = (clock: Clock.Clock) =>
    gate.hostTime(clock.unsafeCurrentTimeMillis(), clock.unsafeCurrentTimeNanos())
  const release = (permit: Permit, outcome: Outcome, now: number): Effect.Effect<void> =>
    Effect.clockWith((clock) => {
      const local = hostTime(clock)
      if (plain === undefined) return store.settle(permit.key, permit, outcome, now, local)
      plain.settle(permit.key, permit, outcome, now, local)
      return Effect.void
    })

  const snapshot = (key: string): Effect.Effect<Snapshot> => Effect.map(store.get(key), Gate.snapshotOf)

  const service: Service = { acquire, release, snapshot }
  if (plain === undefined) return service
  // Budgets in memory answer in plain code: a call's attempt passes the gate and hands its permit back in its own
  // steps (internal/direct), with the same rules and clocks as `acquire` and `release`.
  return Direct.withDirectGate(service, {
    admit: (request, clock) => {
      const now = Direct.nowReaderOf(request.now)?.(clock)
      if (now === undefined) return undefined
      const wall = clock.unsafeCurrentTimeMillis()
      const ask = gate.ask(request, now, wall, clock.unsafeCurrentTimeNanos())
      return decided(plain.admit(request.key, ask), request, 0, now, wall)
    },
    release: (permit, outcome, now, clock) => plain.settle(permit.key, permit, outcome, now, hostTime(clock))
  })
}

/**
 * A fresh in-memory gate of its own (one budget per key).
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeUnsafe = (): Service => make(memoryStore())

/**
 * The gate used when none is provided: one per process, shared by every fiber and every client, one budget
 * per base URL (and egress, when `BinanceConfig.egress` names one).
 *
 * @since 0.1.0
 * @category Context
 */
export class RateLimit extends Context.Reference<RateLimit>()("effect-binance-pm/RateLimit", {
  defaultValue: (): Service => make(memoryStore(Budgets.processBudgets()))
}) {}

/**
 * A gate of its own, for a group of calls that must not share the process-wide one: tests, or calls that
 * really leave through another IP (then prefer `BinanceConfig.egress`, which keeps them shared with each other).
 *
 * @since 0.1.0
 * @category Layers
 */
export const layer: Layer.Layer<RateLimit> = Layer.sync(RateLimit, makeUnsafe)

/**
 * Where the state that must outlive the process is kept.
 *
 * @since 0.2.0
 * @category Models
 */
export interface PersistedOptions {
  /** A directory of its own (created if missing); every process that leaves through the same IP should use it. */
  readonly directory: string
}

/**
 * The process-wide gate, with bans (418), `Retry-After` pauses (429) and firewall pauses (403), and their
 * back-off streaks, also kept in `<directory>/gate-state.json`: a process started while one runs (a restart, a
 * cron job, another process on the host) fails at once with `IpBanned` / `RateLimited` / `WafBlocked` and the
 * remaining `retryAfterMs`, sending nothing. Only such answers write the file; it is read at the first request
 * and again whenever it changed. A corrupt, unreadable or read-only file or directory is ignored with one
 * warning (a log line): the gate goes on in memory.
 *
 * @since 0.2.0
 * @category Layers
 */
export const layerPersisted = (options: PersistedOptions): Layer.Layer<RateLimit, InvalidConfiguration> =>
  Layer.effect(
    RateLimit,
    Effect.suspend(() => {
      const invalid = StateFile.checkDirectory("directory", options?.directory)
      return invalid !== undefined
        ? Effect.fail(new InvalidConfiguration(invalid))
        : Effect.succeed(make(persistedStore(options.directory, Budgets.processBudgets())))
    })
  )

/**
 * `layerPersisted` in the directory `BINANCE_STATE_DIR` names (read from `Config`, by default the environment);
 * the process-wide in-memory gate when it is not set.
 *
 * @since 0.2.0
 * @category Layers
 */
export const layerConfig = (
  directory: Config.Config<string | undefined> = Config.map(
    Config.option(Config.string(StateFile.STATE_DIR_VARIABLE)),
    (o) => o._tag === "Some" ? o.value : undefined
  )
): Layer.Layer<RateLimit, InvalidConfiguration> =>
  Layer.unwrapEffect(
    Effect.map(
      Effect.mapError(directory, fromConfigError),
      (path) =>
        path === undefined
          ? Layer.sync(RateLimit, () => make(memoryStore(Budgets.processBudgets())))
          : layerPersisted({ directory: path })
    )
  )
