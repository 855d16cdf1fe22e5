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
 * The rules, and what the gate does with each decision, live once in `internal/core/gate`, and the gate's Effect
 * program once in `internal/wiring/rateLimit` (both shared with the Effect 3 edition); this module keeps budgets in
 * memory, `RateLimitRedis` in Redis.
 *
 * @since 1.0.0
 */
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { IpBanned, RateLimited, WafBlocked } from "./BinanceError.js"
import { InvalidConfiguration } from "./BinanceError.js"
import { fromConfigError } from "./internal/config.js"
import * as Budgets from "./internal/core/budgets.js"
import type * as Gate from "./internal/core/gate.js"
import * as StateFile from "./internal/core/stateFile.js"
import * as RateLimitWiring from "./internal/wiring/rateLimit.js"

/**
 * What one request asks of the gate.
 *
 * @since 1.0.0
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
 * @since 1.0.0
 * @category Models
 */
export interface Permit extends Gate.Admitted {
  readonly key: string
  /**
   * Binance's clock (estimated, `Request.now`) and the host's when the gate let the request through: the
   * request is stamped with them, so the gate's windows and the signed timestamp agree.
   */
  readonly now: number
  readonly local: number
}

/**
 * What happened to a request, as far as the rate limits are concerned.
 *
 * @since 1.0.0
 * @category Models
 */
export type Outcome = Gate.Outcome

/**
 * A view of one budget, for dashboards and tests. Instants are on the host (Effect) clock.
 *
 * @since 1.0.0
 * @category Models
 */
export type Snapshot = Gate.Snapshot

/**
 * Why the gate refused to let a request go.
 *
 * @since 1.0.0
 * @category Models
 */
export type GateError = RateLimited | IpBanned | WafBlocked | InvalidConfiguration

/**
 * @since 1.0.0
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
 * @since 1.0.0
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
 * @since 1.0.0
 * @category Constructors
 */
export const memoryStore: (budgets?: Map<string, Gate.BudgetState>) => Store = RateLimitWiring.memoryStore

/**
 * A gate over a store.
 *
 * @since 1.0.0
 * @category Constructors
 */
export const make: (store: Store) => Service = RateLimitWiring.make

/**
 * A fresh in-memory gate of its own (one budget per key).
 *
 * @since 1.0.0
 * @category Constructors
 */
export const makeUnsafe = (): Service => make(memoryStore())

/**
 * The gate used when none is provided: one per process, shared by every fiber and every client, one budget
 * per base URL (and egress, when `BinanceConfig.egress` names one).
 *
 * @since 1.0.0
 * @category Context
 */
export const RateLimit: Context.Reference<Service> = Context.Reference<Service>("effect-binance-pm/RateLimit", {
  defaultValue: () => make(memoryStore(Budgets.processBudgets()))
})

/**
 * A gate of its own, for a group of calls that must not share the process-wide one: tests, or calls that
 * really leave through another IP (then prefer `BinanceConfig.egress`, which keeps them shared with each other).
 *
 * @since 1.0.0
 * @category Layers
 */
export const layer: Layer.Layer<never> = Layer.sync(RateLimit, makeUnsafe)

/**
 * Where the state that must outlive the process is kept.
 *
 * @since 1.0.0
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
 * @since 1.0.0
 * @category Layers
 */
export const layerPersisted = (options: PersistedOptions): Layer.Layer<never, InvalidConfiguration> =>
  Layer.effect(
    RateLimit,
    Effect.suspend(() => {
      const invalid = StateFile.checkDirectory("directory", options?.directory)
      return invalid !== undefined
        ? Effect.fail(new InvalidConfiguration(invalid))
        : Effect.succeed(make(RateLimitWiring.persistedStore(options.directory, Budgets.processBudgets())))
    })
  )

/**
 * `layerPersisted` in the directory `BINANCE_STATE_DIR` names (read from `Config`, by default the environment);
 * the process-wide in-memory gate when it is not set.
 *
 * @since 1.0.0
 * @category Layers
 */
export const layerConfig = (
  directory: Config.Config<string | undefined> = Config.map(
    Config.option(Config.String(StateFile.STATE_DIR_VARIABLE)),
    Option.getOrUndefined
  )
): Layer.Layer<never, InvalidConfiguration> =>
  Layer.unwrap(
    Effect.map(
      Effect.mapError(directory, (error) => fromConfigError(error)),
      (path) =>
        path === undefined
          ? Layer.sync(RateLimit, () => make(memoryStore(Budgets.processBudgets())))
          : layerPersisted({ directory: path })
    )
  )
