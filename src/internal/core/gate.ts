/**
 * The rate-limit gate's rules, as pure functions over one budget's state. No Effect here: the in-process gate
 * and the Redis gate (and any later edition) apply exactly these rules; they differ only in where the state
 * lives and how a read-modify-write of it is made atomic.
 *
 * Two clocks. Minute windows follow the estimate of Binance's clock (`now`), because they must line up with
 * Binance's. Pauses and bans follow the host's own clock (`local`), because a Retry-After is a duration and the
 * estimate of Binance's clock jumps whenever its offset is learned again.
 */

export const WINDOW_MS = 60_000
// Binance accepts timestamps up to 1000 ms ahead without a -1021, so a fast host clock can go uncorrected by
// that much: for the first second of our minute, Binance may still be counting the previous one. A request
// sent then must fit both budgets, and counts against both.
export const WINDOW_SLACK_MS = 1000
/** A 418 that says neither Retry-After nor "banned until": Binance's shortest ban. */
export const DEFAULT_BAN_MS = 120_000
/** A 429 without Retry-After pauses every caller 1 s, doubling on consecutive ones, up to 60 s. */
export const RATE_LIMIT_BACKOFF = { firstMs: 1000, maxMs: 60_000 } as const
/** A 403 (Binance's web application firewall) pauses every caller 1 s, doubling, up to 5 minutes. */
export const WAF_BACKOFF = { firstMs: 1000, maxMs: 300_000 } as const

/**
 * One budget (one IP and base URL). Plain data, so any store can hold it (a `Map`, JSON in Redis).
 */
export interface BudgetState {
  /** Minute window number on Binance's clock: `floor(now / 60000)`. */
  readonly window: number
  /** Weight Binance has counted in this window, as far as we know (its header, or our own count). */
  readonly used: number
  /** Weight of requests admitted in this window and not yet answered. */
  readonly reserved: number
  /** Weight admitted in the previous window and not yet answered: it may land in this minute. */
  readonly carried: number
  /** What the previous minute used and had in flight when this one began. */
  readonly previousUsed: number
  /** End of a 429 pause (host clock, ms). */
  readonly pausedUntil: number
  /** End of a 403 pause (host clock, ms). */
  readonly blockedUntil: number
  /** End of a 418 ban (host clock, ms). */
  readonly bannedUntil: number
  /** Consecutive 429s, and how many have been counted ever: a request admitted before the last one was counted
   * was already in flight, so its answer neither lengthens nor ends the streak. */
  readonly rateLimitStreak: number
  readonly rateLimitEpoch: number
  /** Consecutive 403s, and how many have been counted ever. */
  readonly wafStreak: number
  readonly wafEpoch: number
}

export const initial = (window: number): BudgetState => ({
  window,
  used: 0,
  reserved: 0,
  carried: 0,
  previousUsed: 0,
  pausedUntil: 0,
  blockedUntil: 0,
  bannedUntil: 0,
  rateLimitStreak: 0,
  rateLimitEpoch: 0,
  wafStreak: 0,
  wafEpoch: 0
})

/** The state seen from `now`: a new minute starts counting from zero, weight in flight is carried. */
export const roll = (state: BudgetState | undefined, now: number): BudgetState => {
  const window = Math.floor(now / WINDOW_MS)
  if (state === undefined) return initial(window)
  if (window <= state.window) return state
  const adjacent = window === state.window + 1
  return {
    ...state,
    window,
    used: 0,
    reserved: 0,
    // Requests admitted last minute and still in flight may be counted in this one.
    carried: adjacent ? state.reserved : 0,
    previousUsed: adjacent ? state.used + state.reserved + state.carried : 0
  }
}

/** What a request asks of the gate. */
export interface Ask {
  readonly weight: number
  readonly weightLimit: number
  /** Longest pause (429 or 403) this caller waits out; a longer one fails at once. */
  readonly maxWaitMs: number
  /** Binance's clock, estimated. */
  readonly now: number
  /** The host's clock. */
  readonly local: number
}

export type Decision =
  | { readonly _tag: "Admit"; readonly window: number; readonly rateLimitEpoch: number; readonly wafEpoch: number }
  /** Wait, then ask again. */
  | { readonly _tag: "Wait"; readonly ms: number; readonly reason: "window" | "429" | "403" }
  /** Fail at once, nothing sent: a ban, or a pause longer than the caller waits. */
  | { readonly _tag: "Refuse"; readonly reason: "418" | "429" | "403"; readonly retryAfterMs: number }
  /** The request can never be admitted (its weight is above the limit, or the numbers are not numbers). */
  | { readonly _tag: "Invalid"; readonly field: string; readonly reason: string }

const isCount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0

/** Checks what the caller asked, before any state is read. */
export const invalid = (ask: Ask): Decision | undefined => {
  if (!isCount(ask.weight) || ask.weight === 0) {
    return { _tag: "Invalid", field: "weight", reason: "must be a positive integer" }
  }
  if (!isCount(ask.weightLimit)) return { _tag: "Invalid", field: "weightLimit", reason: "must be a positive integer" }
  if (ask.weight > ask.weightLimit) {
    return {
      _tag: "Invalid",
      field: "weightLimit",
      reason: `is ${ask.weightLimit}, below the request's weight ${ask.weight}: it could never be sent`
    }
  }
  if (!(ask.maxWaitMs >= 0)) return { _tag: "Invalid", field: "maxWaitMs", reason: "must be a non-negative number" }
  if (!Number.isFinite(ask.now) || !Number.isFinite(ask.local)) {
    return { _tag: "Invalid", field: "clock", reason: "must read finite milliseconds" }
  }
  return undefined
}

/**
 * A ban or pause in force: what the caller must do about it, or undefined when there is none.
 */
export const hold = (state: BudgetState, ask: Pick<Ask, "maxWaitMs" | "local">): Decision | undefined => {
  if (state.bannedUntil > ask.local) {
    return { _tag: "Refuse", reason: "418", retryAfterMs: state.bannedUntil - ask.local }
  }
  // The longer of two pauses decides; a firewall block names itself when it is the one that binds.
  const blocked = state.blockedUntil - ask.local
  const paused = state.pausedUntil - ask.local
  if (blocked <= 0 && paused <= 0) return undefined
  const reason = blocked >= paused ? "403" : "429"
  const wait = Math.max(blocked, paused)
  return wait > ask.maxWaitMs ? { _tag: "Refuse", reason, retryAfterMs: wait } : { _tag: "Wait", ms: wait, reason }
}

/**
 * Decides on one request and, when it is admitted, reserves its weight.
 */
export const admit = (stored: BudgetState | undefined, ask: Ask): readonly [Decision, BudgetState] => {
  const bad = invalid(ask)
  const state = roll(stored, ask.now)
  if (bad !== undefined) return [bad, state]
  const held = hold(state, ask)
  if (held !== undefined) return [held, state]
  const windowStart = state.window * WINDOW_MS
  if (state.used + state.reserved + state.carried + ask.weight > ask.weightLimit) {
    return [{ _tag: "Wait", ms: windowStart + WINDOW_MS - ask.now, reason: "window" }, state]
  }
  const straddles = ask.now - windowStart < WINDOW_SLACK_MS
  if (straddles && state.previousUsed + ask.weight > ask.weightLimit) {
    return [{ _tag: "Wait", ms: windowStart + WINDOW_SLACK_MS - ask.now, reason: "window" }, state]
  }
  return [
    { _tag: "Admit", window: state.window, rateLimitEpoch: state.rateLimitEpoch, wafEpoch: state.wafEpoch },
    {
      ...state,
      reserved: state.reserved + ask.weight,
      previousUsed: straddles ? state.previousUsed + ask.weight : state.previousUsed
    }
  ]
}

/** A request the gate let through. */
export interface Admitted {
  readonly weight: number
  readonly window: number
  /** The budget's 429 and 403 counts when it was admitted: answers to requests sent before the last pause began
   * (already in flight) neither extend the streak nor end it. Counts, not instants: two answers in one
   * millisecond are still told apart. */
  readonly rateLimitEpoch: number
  readonly wafEpoch: number
}

/** What came back. */
export interface Outcome {
  /** HTTP status, or undefined when no response arrived. */
  readonly status?: number | undefined
  /** `X-MBX-USED-WEIGHT-1M` of the response. */
  readonly usedWeight?: number | undefined
  /** `Retry-After` of the response, in ms. */
  readonly retryAfterMs?: number | undefined
  /** For a 418: when the ban ends on Binance's clock, if its message said. */
  readonly bannedUntil?: number | undefined
}

const backoff = (policy: { readonly firstMs: number; readonly maxMs: number }, streak: number): number =>
  Math.min(policy.maxMs, policy.firstMs * 2 ** Math.min(30, Math.max(0, streak - 1)))

/**
 * Hands a request's weight back and learns from its outcome: the used-weight header, pauses and bans.
 * `now` is Binance's clock (estimated) and `local` the host's, when the outcome arrived.
 */
export const settle = (
  stored: BudgetState | undefined,
  admitted: Admitted,
  outcome: Outcome,
  now: number,
  local: number
): BudgetState => {
  let state = roll(stored, now)
  if (admitted.window === state.window) {
    state = {
      ...state,
      reserved: Math.max(0, state.reserved - admitted.weight),
      // The header is the server's count, ours included; a later answer reporting less does not lower it.
      // Without one, assume the server counted it.
      used: outcome.usedWeight !== undefined
        ? Math.max(state.used, outcome.usedWeight)
        : state.used + admitted.weight
    }
  } else if (admitted.window === state.window - 1) {
    // Admitted last minute, answered in this one: Binance may have counted it in either, so count it here too.
    state = { ...state, carried: Math.max(0, state.carried - admitted.weight), used: state.used + admitted.weight }
  }
  const status = outcome.status
  if (status === undefined) return state
  // A request admitted before the last pause began was already in flight: its answer neither lengthens the
  // streak nor ends it.
  const freshRateLimit = admitted.rateLimitEpoch >= state.rateLimitEpoch
  const freshWaf = admitted.wafEpoch >= state.wafEpoch
  if (status >= 200 && status < 300) {
    // Most answers end no streak: the state as it is (one object less per call).
    if ((!freshRateLimit || state.rateLimitStreak === 0) && (!freshWaf || state.wafStreak === 0)) return state
    return {
      ...state,
      rateLimitStreak: freshRateLimit ? 0 : state.rateLimitStreak,
      wafStreak: freshWaf ? 0 : state.wafStreak
    }
  }
  if (status === 429) {
    const streak = freshRateLimit ? state.rateLimitStreak + 1 : Math.max(1, state.rateLimitStreak)
    const pause = outcome.retryAfterMs ?? backoff(RATE_LIMIT_BACKOFF, streak)
    return {
      ...state,
      rateLimitStreak: streak,
      rateLimitEpoch: freshRateLimit ? state.rateLimitEpoch + 1 : state.rateLimitEpoch,
      pausedUntil: Math.max(state.pausedUntil, local + pause)
    }
  }
  if (status === 403) {
    const streak = freshWaf ? state.wafStreak + 1 : Math.max(1, state.wafStreak)
    const pause = Math.max(backoff(WAF_BACKOFF, streak), outcome.retryAfterMs ?? 0)
    return {
      ...state,
      wafStreak: streak,
      wafEpoch: freshWaf ? state.wafEpoch + 1 : state.wafEpoch,
      blockedUntil: Math.max(state.blockedUntil, local + pause)
    }
  }
  if (status === 418) {
    // Retry-After is relative, so immune to clock offsets; the message's "banned until" is the fallback.
    const until = outcome.retryAfterMs !== undefined
      ? local + outcome.retryAfterMs
      : outcome.bannedUntil !== undefined
      ? outcome.bannedUntil - (now - local) // Binance's clock to the host's
      : local + DEFAULT_BAN_MS
    return { ...state, bannedUntil: Math.max(state.bannedUntil, until) }
  }
  return state
}

/** How long a store should keep a budget: until its window, pauses and ban are all over. */
export const ttlMs = (state: BudgetState, now: number, local: number): number =>
  Math.max(
    (state.window + 2) * WINDOW_MS - now,
    state.pausedUntil - local,
    state.blockedUntil - local,
    state.bannedUntil - local
  )

/** A view of one budget, for dashboards and tests. Instants are on the host clock. */
export interface Snapshot {
  readonly window: number
  readonly usedWeight: number
  /** Weight admitted and not yet answered (this minute's and the previous one's). */
  readonly reservedWeight: number
  /** End of a 429 pause. */
  readonly pausedUntil: number
  /** End of a 403 pause. */
  readonly blockedUntil: number
  /** End of a 418 ban. */
  readonly bannedUntil: number
}

/** The view of a budget (all zeros for one never used). */
export const snapshotOf = (state: BudgetState | undefined): Snapshot => ({
  window: state?.window ?? 0,
  usedWeight: state?.used ?? 0,
  reservedWeight: state === undefined ? 0 : state.reserved + state.carried,
  pausedUntil: state?.pausedUntil ?? 0,
  blockedUntil: state?.blockedUntil ?? 0,
  bannedUntil: state?.bannedUntil ?? 0
})

/** What a refusal says: a pause or ban in force, and that nothing was sent. */
export const refusalMessages = {
  "418": "IP ban in force; no request sent",
  "403": "firewall pause in force; no request sent",
  "429": "rate-limit pause in force; no request sent"
} as const

/** The error a gate fails a request with, as plain data: each edition builds its `BinanceError` from `fields`. */
export type Failure =
  | {
    readonly _tag: "IpBanned"
    readonly fields: { readonly status: 418; readonly msg: string; readonly retryAfterMs: number }
  }
  | {
    readonly _tag: "WafBlocked"
    readonly fields: { readonly status: 403; readonly excerpt: string; readonly retryAfterMs: number }
  }
  | {
    readonly _tag: "RateLimited"
    readonly fields: { readonly status: 429; readonly msg: string; readonly retryAfterMs: number }
  }
  | { readonly _tag: "InvalidConfiguration"; readonly fields: { readonly field: string; readonly reason: string } }

/** What the gate does with a store's decision. */
export type Step =
  /** Let the request go; `waitedMs` (slept at the gate so far) goes to the `binance.gate.wait` metric. */
  | { readonly _tag: "Admit"; readonly admitted: Admitted; readonly waitedMs: number }
  /** Sleep `ms`, then ask the store again with `waitedMs`. */
  | { readonly _tag: "Wait"; readonly ms: number; readonly waitedMs: number }
  /** Fail with `failure`; `waitedMs` is recorded unless the request was invalid. */
  | { readonly _tag: "Fail"; readonly failure: Failure; readonly waitedMs: number | undefined }

/**
 * The gate's loop, one turn: given the store's decision on a request of `weight` that has already waited
 * `waitedMs`, what to do. `marginMs` is the store's extra wait past an instant another process computed.
 */
export const step = (decision: Decision, weight: number, waitedMs: number, marginMs: number): Step => {
  switch (decision._tag) {
    case "Admit": {
      const { rateLimitEpoch, wafEpoch, window } = decision
      return { _tag: "Admit", admitted: { weight, window, rateLimitEpoch, wafEpoch }, waitedMs }
    }
    case "Wait": {
      const ms = decision.ms + marginMs
      return { _tag: "Wait", ms, waitedMs: waitedMs + ms }
    }
    case "Refuse":
      return { _tag: "Fail", failure: refusal(decision), waitedMs }
    case "Invalid":
      return {
        _tag: "Fail",
        failure: { _tag: "InvalidConfiguration", fields: { field: decision.field, reason: decision.reason } },
        waitedMs: undefined
      }
  }
}

/** The error of a refusal: a ban, or a pause longer than the caller waits. */
export const refusal = (decision: Extract<Decision, { _tag: "Refuse" }>): Failure => {
  const retryAfterMs = decision.retryAfterMs
  switch (decision.reason) {
    case "418":
      return { _tag: "IpBanned", fields: { status: 418, msg: refusalMessages[418], retryAfterMs } }
    case "403":
      return { _tag: "WafBlocked", fields: { status: 403, excerpt: refusalMessages[403], retryAfterMs } }
    case "429":
      return { _tag: "RateLimited", fields: { status: 429, msg: refusalMessages[429], retryAfterMs } }
  }
}
