/**
 * `RateLimit`'s declarations that both editions share, written once: each edition's `RateLimit` module re-exports
 * them under its own `@since`. What differs in shape stays in the edition's module: `Permit` (Effect 3's clocks are
 * optional), the `RateLimit` reference and its layers. The gate's program is `../rateLimit`, its rules
 * `core/gate`.
 */
import type * as Effect from "effect/Effect"
import type { InvalidConfiguration, IpBanned, RateLimited, WafBlocked } from "../../../BinanceError.js"
import type { Permit } from "../../../RateLimit.js"
import type * as Gate from "../../core/gate.js"
import * as RateLimitWiring from "../rateLimit.js"

/**
 * What one request asks of the gate.
 */
export interface Request extends Pick<Gate.Ask, "weight" | "weightLimit" | "maxWaitMs"> {
  /** Which budget: one per egress identity (by default the base URL). */
  readonly key: string
  /** The server-clock estimate used to align minute windows with Binance's. */
  readonly now: Effect.Effect<number>
}

/**
 * What happened to a request, as far as the rate limits are concerned.
 */
export type Outcome = Gate.Outcome

/**
 * A view of one budget, for dashboards and tests. Instants are on the host (Effect) clock.
 */
export type Snapshot = Gate.Snapshot

/**
 * Why the gate refused to let a request go.
 */
export type GateError = RateLimited | IpBanned | WafBlocked | InvalidConfiguration

/**
 * The gate: `acquire` before a request, `release` with its outcome.
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
 */
export const memoryStore: (budgets?: Map<string, Gate.BudgetState>) => Store = RateLimitWiring.memoryStore

/**
 * A gate over a store.
 */
export const make: (store: Store) => Service = RateLimitWiring.make

/**
 * A fresh in-memory gate of its own (one budget per key).
 */
export const makeUnsafe = (): Service => make(memoryStore())

/**
 * Where the state that must outlive the process is kept.
 */
export interface PersistedOptions {
  /** A directory of its own (created if missing); every process that leaves through the same IP should use it. */
  readonly directory: string
}
