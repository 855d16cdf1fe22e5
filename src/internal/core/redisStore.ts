/**
 * The shared gate's Redis side over Promises: reading a budget, changing it by optimistic compare-and-set (the
 * script in `redisScripts.ts`), and what a process does with its own copy. The editions add the timeouts, the
 * fallback to the in-process gate and the fibers.
 *
 * The key layout (`<prefix>{<budget>}`, one hash with `state` and `version`) and the JSON state are shared by both
 * editions: a fleet that runs both shares one budget per IP. Keep them as they are.
 */
import type { Redis } from "ioredis"
import * as Gate from "./gate.js"
import * as scripts from "./redisScripts.js"
import { Slots } from "./watch/share.js"

// Clocks of different hosts, or of one host's processes, disagree a little: wait this much past an instant
// another process computed (a window boundary or the end of a pause).
export const MARGIN_MS = 50
// Budgets outlive what they describe (their minute, the next, their pauses and ban) by this much, then Redis
// drops them: a process killed mid-request leaves its reservation behind for no longer than that.
const GRACE_MS = 5_000
// A write loses only when another process wrote in between, so each retry means progress elsewhere.
const MAX_CONFLICTS = 100

/** An error's text, safe to log: ioredis names host and port at most; strip anything shaped like URL credentials. */
export const describeError = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).replace(/\/\/[^@\s/]*@/g, "//<credentials>@")

/** Why a Redis command failed when it did not answer in time (logged as the lost-Redis warning's reason). */
export const noAnswer = (commandTimeoutMs: number): string => `no answer within ${commandTimeoutMs} ms`

const parse = (json: string | null | undefined): Gate.BudgetState | undefined => {
  if (json === null || json === undefined) return undefined
  try {
    const state: unknown = JSON.parse(json)
    if (typeof state === "object" && state !== null && typeof (state as Gate.BudgetState).window === "number") {
      return { ...Gate.initial((state as Gate.BudgetState).window), ...(state as Gate.BudgetState) }
    }
  } catch {
    // a budget nobody can read is a budget nobody has used: start again
  }
  return undefined
}

/** The fleet's copy of a budget, if there is a readable one. */
export const read = async (redis: Redis, redisKey: string): Promise<Gate.BudgetState | undefined> =>
  parse(await redis.hget(redisKey, "state"))

/**
 * Applies `f` to the fleet's copy atomically: read, decide, write only if nobody wrote in between, else again.
 * Rejects with the client's error, or after `MAX_CONFLICTS` lost writes in a row.
 */
export const modify = async <A>(
  redis: Redis,
  redisKey: string,
  f: (state: Gate.BudgetState | undefined) => readonly [A, Gate.BudgetState],
  now: number,
  host: number
): Promise<A> => {
  for (let i = 0; i < MAX_CONFLICTS; i++) {
    const [json, version] = await redis.hmget(redisKey, "state", "version")
    const before = parse(json)
    const [result, after] = f(before)
    if (after === before) return result
    const ttl = Math.ceil(Gate.ttlMs(after, now, host) + GRACE_MS)
    const written = await scripts.run(redis, scripts.compareAndSet, [redisKey], [
      version ?? "0",
      JSON.stringify(after),
      ttl
    ])
    if (written === 1) return result
  }
  throw new Error(`${MAX_CONFLICTS} concurrent updates in a row`)
}

/** The budget as this process sees it: the fleet's copy, with the pauses and bans this process met itself. */
export const merge = (
  own: Gate.BudgetState | undefined,
  shared: Gate.BudgetState | undefined
): Gate.BudgetState | undefined => {
  if (shared === undefined) return own
  // Pauses and bans this process saw hold even if the fleet's copy lost them.
  return own === undefined ? shared : {
    ...shared,
    pausedUntil: Math.max(shared.pausedUntil, own.pausedUntil),
    blockedUntil: Math.max(shared.blockedUntil, own.blockedUntil),
    bannedUntil: Math.max(shared.bannedUntil, own.bannedUntil)
  }
}

/** Whether Redis answers, as this process last saw it; each change is logged once, with these lines. */
export class Health {
  static readonly lostMessage = "RateLimitRedis: Redis unavailable; this process uses its own gate until it answers"
  static readonly regainedMessage = "RateLimitRedis: Redis answers again; the budget is shared again"
  private degraded = false

  /** Redis did not answer: true the first time, when the warning is due. */
  lost(): boolean {
    if (this.degraded) return false
    this.degraded = true
    return true
  }

  /** Redis answered: true the first time after a loss, when the info line is due. */
  regained(): boolean {
    if (!this.degraded) return false
    this.degraded = false
    return true
  }
}

const HELD = { "418": "bannedUntil", "429": "pausedUntil", "403": "blockedUntil" } as const

/** A log line an edition writes as it is. */
export interface LogLine {
  readonly level: "warning" | "info"
  readonly message: string
  readonly annotations?: Readonly<Record<string, string>>
}

/**
 * One process's side of the fleet's store, without the waiting: Redis for the shared budget, and this process's
 * own budgets (`own`), which see every outcome it met and every pause or ban Redis told it of. The fallback
 * policy: a pause or ban in `own` refuses or waits without asking Redis (so a process never forgets a ban it
 * learned, even when Redis restarted and lost it, or stalls); while Redis does not answer within the command
 * timeout, `own` decides alone; a view merges both, the later pause winning.
 */
export class Fleet {
  readonly own = new Map<string, Gate.BudgetState>()
  /** This process's own pace of each budget: every slot the fleet gave it, and the fallback while Redis is away. */
  private readonly slots = new Slots()
  private readonly status = new Health()
  constructor(private readonly redis: Redis, private readonly keyOf: (key: string) => string) {}

  /** A pause or ban this process knows of: decided without Redis. */
  held(key: string, ask: Gate.Ask): Gate.Decision | undefined {
    return Gate.hold(Gate.roll(this.own.get(key), ask.now), ask)
  }

  async admit(key: string, ask: Gate.Ask): Promise<Gate.Decision> {
    const decision = await modify(this.redis, this.keyOf(key), (state) => Gate.admit(state, ask), ask.now, ask.local)
    this.remember(key, decision, ask)
    return decision
  }

  /**
   * A pause or ban the fleet's copy holds is kept in this process's own budgets too: if Redis loses it (a restart
   * without persistence, a flush), no process that heard of it forgets it.
   */
  private remember(key: string, decision: Gate.Decision, ask: Gate.Ask): void {
    const reason = decision._tag === "Refuse" || decision._tag === "Wait" ? decision.reason : "window"
    if (reason === "window") return
    const ms = decision._tag === "Refuse" ? decision.retryAfterMs : decision._tag === "Wait" ? decision.ms : 0
    const field = HELD[reason]
    const state = Gate.roll(this.own.get(key), ask.now)
    this.own.set(key, { ...state, [field]: Math.max(state[field], ask.local + ms) })
  }

  settle(key: string, admitted: Gate.Admitted, outcome: Gate.Outcome, now: number, host: number): Promise<void> {
    return modify(
      this.redis,
      this.keyOf(key),
      (state) => [undefined, Gate.settle(state, admitted, outcome, now, host)],
      now,
      host
    )
  }

  /**
   * A slot of budget `key`'s paced reads from the fleet (`now` and the answer on Binance's clock, as estimated: the
   * clock of the minute windows, which every process's estimate shares), for `slot`.
   */
  claim(key: string, now: number, intervalMs: number): Promise<number> {
    return scripts.run(this.redis, scripts.claimSlot, [`${this.keyOf(key)}:pace`], [
      Math.floor(now),
      Math.ceil(intervalMs),
      GRACE_MS
    ]).then(Number)
  }

  /**
   * The slot a paced read takes: the fleet's (`claimed`), or this process's own pace alone while Redis does not
   * answer (`undefined`), never earlier than this process's previous slot plus the interval. So a fallback neither
   * hangs the read nor bursts, and Redis coming back does not either.
   */
  slot(key: string, claimed: number | undefined, now: number, intervalMs: number): number {
    return this.slots.claim(key, claimed ?? now, intervalMs)
  }

  read(key: string): Promise<Gate.BudgetState | undefined> {
    return read(this.redis, this.keyOf(key))
  }

  /** The budget as this process sees it, given the fleet's copy (undefined when Redis did not answer). */
  view(key: string, shared: Gate.BudgetState | undefined): Gate.BudgetState | undefined {
    return merge(this.own.get(key), shared)
  }

  /** After a Redis command: its error, or undefined when it answered. The line to log, when Health changed. */
  health(error: string | undefined): LogLine | undefined {
    if (error !== undefined) {
      return this.status.lost()
        ? { level: "warning", message: Health.lostMessage, annotations: { reason: error } }
        : undefined
    }
    return this.status.regained() ? { level: "info", message: Health.regainedMessage } : undefined
  }
}
