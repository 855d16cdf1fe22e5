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
 * program once in `internal/wiring/rateLimit` (both shared with the Effect 4 edition); this module keeps budgets in
 * memory, `RateLimitRedis` in Redis.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { InvalidConfiguration } from "./BinanceError.js"
import { fromConfigError } from "./internal/config.js"
import type * as Gate from "./internal/core/gate.js"
import * as StateFile from "./internal/core/stateFile.js"
import type { PersistedOptions } from "./internal/wiring/api/RateLimit.js"
import { makeUnsafe } from "./internal/wiring/api/RateLimit.js"
import * as RateLimitWiring from "./internal/wiring/rateLimit.js"

/**
 * @since 0.1.0
 * @category Models
 */
export { type Request } from "./internal/wiring/api/RateLimit.js"

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
 * @since 0.1.0
 * @category Models
 */
export { type Outcome } from "./internal/wiring/api/RateLimit.js"

/**
 * @since 0.1.0
 * @category Models
 */
export { type Snapshot } from "./internal/wiring/api/RateLimit.js"

/**
 * @since 0.2.0
 * @category Models
 */
export { type GateError } from "./internal/wiring/api/RateLimit.js"

/**
 * @since 0.1.0
 * @category Models
 */
export { type Service } from "./internal/wiring/api/RateLimit.js"

/**
 * @since 0.2.0
 * @category Models
 */
export { type Store } from "./internal/wiring/api/RateLimit.js"

/**
 * @since 0.2.0
 * @category Constructors
 */
export { memoryStore } from "./internal/wiring/api/RateLimit.js"

/**
 * @since 0.2.0
 * @category Constructors
 */
export { make } from "./internal/wiring/api/RateLimit.js"

/**
 * @since 0.1.0
 * @category Constructors
 */
export { makeUnsafe } from "./internal/wiring/api/RateLimit.js"

/**
 * The gate used when none is provided: one per process, shared by every fiber and every client, one budget
 * per base URL (and egress, when `BinanceConfig.egress` names one).
 *
 * @since 0.1.0
 * @category Context
 */
export class RateLimit extends Context.Reference<RateLimit>()("effect-binance-pm/RateLimit", {
  defaultValue: RateLimitWiring.processGate
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
 * @since 0.2.0
 * @category Models
 */
export { type PersistedOptions } from "./internal/wiring/api/RateLimit.js"

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
  Layer.effect(RateLimit, RateLimitWiring.persistedGate(options))

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
    Option.getOrUndefined
  )
): Layer.Layer<RateLimit, InvalidConfiguration> =>
  Layer.effect(RateLimit, RateLimitWiring.configuredGate(Effect.mapError(directory, fromConfigError)))
