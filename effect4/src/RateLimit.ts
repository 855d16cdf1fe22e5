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
 * The rules live in one place (`internal/core/gate`, shared with the Effect 3 edition); this module keeps them in memory, `RateLimitRedis` in Redis.
 *
 * @since 1.0.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { InvalidConfiguration, IpBanned, RateLimited, WafBlocked } from "./BinanceError.js"
import * as Gate from "./internal/core/gate.js"
import * as Metrics from "./internal/metrics.js"

/**
 * What one request asks of the gate.
 *
 * @since 1.0.0
 * @category Models
 */
export interface Request {
  /** Which budget: one per egress identity (by default the base URL). */
  readonly key: string
  readonly weight: number
  readonly weightLimit: number
  /** Longest 429 or 403 pause this caller waits out; a longer one fails at once. */
  readonly maxWaitMs: number
  /** The server-clock estimate used to align minute windows with Binance's. */
  readonly now: Effect.Effect<number>
}

/**
 * A reservation of weight for one request, handed back with `release`.
 *
 * @since 1.0.0
 * @category Models
 */
export interface Permit {
  readonly key: string
  readonly weight: number
  readonly window: number
  /** The budget's 429 and 403 counts when the gate let the request through (see `internal/core/gate`). */
  readonly rateLimitEpoch: number
  readonly wafEpoch: number
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
export const memoryStore = (budgets: Map<string, Gate.BudgetState> = new Map()): Store => ({
  admit: (key, ask) =>
    Effect.sync(() => {
      const [decision, state] = Gate.admit(budgets.get(key), ask)
      budgets.set(key, state)
      return decision
    }),
  settle: (key, admitted, outcome, now, local) =>
    Effect.sync(() => {
      budgets.set(key, Gate.settle(budgets.get(key), admitted, outcome, now, local))
    }),
  get: (key) => Effect.sync(() => budgets.get(key)),
  marginMs: 0
})

const refusal = (decision: Extract<Gate.Decision, { _tag: "Refuse" }>): RateLimited | IpBanned | WafBlocked => {
  const retryAfterMs = decision.retryAfterMs
  switch (decision.reason) {
    case "418":
      return new IpBanned({ status: 418, msg: Gate.refusalMessages[418], retryAfterMs })
    case "403":
      return new WafBlocked({ status: 403, excerpt: Gate.refusalMessages[403], retryAfterMs })
    case "429":
      return new RateLimited({ status: 429, msg: Gate.refusalMessages[429], retryAfterMs })
  }
}

/**
 * A gate over a store.
 *
 * @since 1.0.0
 * @category Constructors
 */
export const make = (store: Store): Service => {
  const acquire = (request: Request): Effect.Effect<Permit, GateError> => admit(request, 0)
  // `waited`: ms already slept at this gate for this request (the `binance.gate.wait` metric). The fiber's context
  // gives the host clock and the metric registry in one step.
  const admit = (request: Request, waited: number): Effect.Effect<Permit, GateError> =>
    Effect.flatMap(request.now, (now) =>
      Effect.contextWith((context: Context.Context<never>) => {
        const local = Context.get(context, Clock.Clock).currentTimeMillisUnsafe()
        return Effect.flatMap(
          store.admit(request.key, {
            weight: request.weight,
            weightLimit: request.weightLimit,
            maxWaitMs: request.maxWaitMs,
            now,
            local
          }),
          (decision): Effect.Effect<Permit, GateError> => {
            switch (decision._tag) {
              case "Admit":
                Metrics.recordGateWaitUnsafe(context, waited)
                return Effect.succeed({
                  key: request.key,
                  weight: request.weight,
                  window: decision.window,
                  rateLimitEpoch: decision.rateLimitEpoch,
                  wafEpoch: decision.wafEpoch,
                  now,
                  local
                })
              case "Wait": {
                const ms = decision.ms + store.marginMs
                return Effect.andThen(Effect.sleep(Duration.millis(ms)), admit(request, waited + ms))
              }
              case "Refuse":
                Metrics.recordGateWaitUnsafe(context, waited)
                return Effect.fail(refusal(decision))
              case "Invalid":
                return Effect.fail(new InvalidConfiguration({ field: decision.field, reason: decision.reason }))
            }
          }
        )
      }))

  const release = (permit: Permit, outcome: Outcome, now: number): Effect.Effect<void> =>
    Effect.clockWith((clock) => store.settle(permit.key, permit, outcome, now, clock.currentTimeMillisUnsafe()))

  const snapshot = (key: string): Effect.Effect<Snapshot> => Effect.map(store.get(key), Gate.snapshotOf)

  return { acquire, release, snapshot }
}

/**
 * A fresh in-memory gate of its own (one budget per key).
 *
 * @since 1.0.0
 * @category Constructors
 */
export const makeUnsafe = (): Service => make(memoryStore())

// Held on `globalThis` under a registered symbol, so that every copy of this library in the process (ESM and
// CommonJS, two installed versions) shares the same budgets: they all leave through the same IP.
const PROCESS_BUDGETS = Symbol.for("effect-binance-pm/RateLimit/processBudgets")

/** The budgets every default gate of the process shares. */
const processBudgets = (): Map<string, Gate.BudgetState> => {
  const holder = globalThis as { [PROCESS_BUDGETS]?: Map<string, Gate.BudgetState> }
  return (holder[PROCESS_BUDGETS] ??= new Map())
}

/**
 * The gate used when none is provided: one per process, shared by every fiber and every client, one budget
 * per base URL (and egress, when `BinanceConfig.egress` names one).
 *
 * @since 1.0.0
 * @category Context
 */
export const RateLimit: Context.Reference<Service> = Context.Reference<Service>("effect-binance-pm/RateLimit", {
  defaultValue: () => make(memoryStore(processBudgets()))
})

/**
 * A gate of its own, for a group of calls that must not share the process-wide one: tests, or calls that
 * really leave through another IP (then prefer `BinanceConfig.egress`, which keeps them shared with each other).
 *
 * @since 1.0.0
 * @category Layers
 */
export const layer: Layer.Layer<never> = Layer.sync(RateLimit, makeUnsafe)
