/**
 * The watcher's read scheduler, as pure functions over plain state: which asset to read next, why, and when.
 * No Effect, no clock, no timer: the edition passes `now` with every input and does the waiting and the reading
 * (through the gate, which stays the judge of the IP's whole budget).
 *
 * Rules:
 * - Routine and stream-triggered reads are paced: at most one every `intervalMs`, the interval that makes
 *   `weightShare` of `weightLimit` per minute (one read every 1250 ms at the defaults: 240 of 2400 weight). Never
 *   a burst: even the first pass over all the assets is spread out.
 * - An asset is due for a routine read when its figure is `REFRESH_AT` of `maxAgeMs` old, so that the answer
 *   arrives before the figure is `maxAgeMs` old where the share allows; where it cannot, `ages` shows how old each
 *   figure is.
 * - A stream trigger (`vmw` moved by more than the threshold, or a risk level change) makes every asset due at
 *   once, ahead of routine reads, still paced.
 * - `fresh(asset)` is not paced: it goes ahead of everything, and joins the read of that asset pending or in
 *   flight (five concurrent demands, one request). It does push the next paced read back by one interval.
 * - A failed read is retried after a back-off (paced, like any other); a pause or ban stops the paced reads
 *   until it ends. Demands are left to the gate, which waits out a short pause and refuses during a ban.
 */
import { DECIMAL, WEIGHT } from "../endpoint.js"

/** Why a read was sent: for the `reads by reason` metric. */
export type Reason = "routine" | "fresh" | "stream"

/** A routine read is due when the figure is this fraction of `maxAgeMs` old: the rest covers queueing and latency. */
export const REFRESH_AT = 0.9
/** A failed read is retried after 1 s, doubling on consecutive failures of that asset, up to 60 s. */
export const RETRY_BACKOFF = { firstMs: 1000, maxMs: 60_000 } as const

export interface Config {
  readonly assets: ReadonlyArray<string>
  readonly maxAgeMs: number
  /** Fraction of `weightLimit` per minute that paced reads may spend. */
  readonly weightShare: number
  /** The budget's weight per minute (the client's `weightLimit`). */
  readonly weightLimit: number
  /** `vmw` must move by more than this fraction to trigger a re-read. */
  readonly vmwThreshold: number
  /** Weight of one read; the endpoint's own by default. */
  readonly readWeight?: number | undefined
}

/** The least interval between two paced reads, in whole ms (rounded up, so the share is never exceeded). */
export const intervalMs = (config: Config): number =>
  Math.ceil(60_000 * (config.readWeight ?? WEIGHT) / (config.weightShare * config.weightLimit))

/** The age at which a figure is due for a routine read. */
export const refreshAfterMs = (config: Config): number => Math.floor(config.maxAgeMs * REFRESH_AT)

/**
 * What a share can do for these assets, in steady state and ignoring latency: the pace (`intervalMs`), how many
 * assets it keeps under `maxAgeMs` (`capacity`, `keepsUp`) and the weight it spends per minute.
 */
export interface Plan {
  readonly intervalMs: number
  readonly refreshAfterMs: number
  /** How many assets the share can keep re-read before they are `refreshAfterMs` old. */
  readonly capacity: number
  /** Whether the share keeps every watched asset under `maxAgeMs`. */
  readonly keepsUp: boolean
  /** Weight the paced reads spend per minute (at most `weightShare × weightLimit`). */
  readonly weightPerMinute: number
}

export const plan = (config: Config): Plan => {
  const interval = intervalMs(config)
  const refresh = refreshAfterMs(config)
  const capacity = Math.floor(refresh / interval)
  const count = config.assets.length
  // Each asset is read once per `refresh` when the share allows, else the pace is the interval.
  const period = Math.max(interval, refresh / count)
  return {
    intervalMs: interval,
    refreshAfterMs: refresh,
    capacity,
    keepsUp: count <= capacity,
    weightPerMinute: (config.readWeight ?? WEIGHT) * 60_000 / period
  }
}

/** A read sent and not yet answered. */
export interface InFlight {
  readonly id: number
  readonly reason: Reason
  readonly sentAt: number
}

export interface AssetState {
  readonly asset: string
  /** When the last good answer arrived. */
  readonly answeredAt: number | undefined
  /** The last stream trigger not yet covered by a read sent at or after it. */
  readonly triggeredAt: number | undefined
  /** A demanded read not yet sent: its id, which every demand joins. */
  readonly demanded: number | undefined
  readonly inFlight: InFlight | undefined
  /** Consecutive failed reads, and when the asset may be read again (paced reads only). */
  readonly failures: number
  readonly retryAt: number
}

export interface State {
  readonly config: Config
  readonly intervalMs: number
  readonly refreshAfterMs: number
  readonly startedAt: number
  readonly assets: ReadonlyArray<AssetState>
  /** When the last read of any kind was sent. */
  readonly lastSentAt: number
  /** End of a pause or ban: no paced read before it. */
  readonly pausedUntil: number
  readonly nextId: number
  /** The `vmw` the assets were last read for (the first one seen, then the one of each trigger). */
  readonly vmwReference: number | undefined
}

/** A new schedule: every asset is due, none read yet. */
export const make = (config: Config, now: number): State => ({
  config,
  intervalMs: intervalMs(config),
  refreshAfterMs: refreshAfterMs(config),
  startedAt: now,
  assets: config.assets.map((asset) => ({
    asset,
    answeredAt: undefined,
    triggeredAt: undefined,
    demanded: undefined,
    inFlight: undefined,
    failures: 0,
    retryAt: Number.NEGATIVE_INFINITY
  })),
  lastSentAt: Number.NEGATIVE_INFINITY,
  pausedUntil: Number.NEGATIVE_INFINITY,
  nextId: 1,
  vmwReference: undefined
})

const update = (state: State, asset: string, f: (a: AssetState) => AssetState): State => ({
  ...state,
  assets: state.assets.map((a) => (a.asset === asset ? f(a) : a))
})

/** What a `fresh(asset)` demand waits for: the read with this id (`joined` when it was already pending or sent). */
export type Demand =
  | { readonly _tag: "Read"; readonly id: number; readonly joined: boolean }
  | { readonly _tag: "NotWatched" }

/** A demand for a fresh figure of `asset`: joins the read pending or in flight, else queues one ahead of all. */
export const demand = (state: State, asset: string): readonly [Demand, State] => {
  const found = state.assets.find((a) => a.asset === asset)
  if (found === undefined) return [{ _tag: "NotWatched" }, state]
  const joined = found.inFlight?.id ?? found.demanded
  if (joined !== undefined) return [{ _tag: "Read", id: joined, joined: true }, state]
  const id = state.nextId
  return [
    { _tag: "Read", id, joined: false },
    update({ ...state, nextId: id + 1 }, asset, (a) => ({ ...a, demanded: id }))
  ]
}

/** What to do now: send a read, wait until an instant (or an input), or nothing until an answer comes. */
export type Decision =
  | { readonly _tag: "Read"; readonly id: number; readonly asset: string; readonly reason: Reason }
  | { readonly _tag: "Wait"; readonly until: number }
  /** Every asset has a read in flight: wait for an answer. */
  | { readonly _tag: "Idle" }

/** When the asset is due for a paced read (its retry back-off included). */
const dueAt = (state: State, a: AssetState): number =>
  Math.max(
    a.retryAt,
    a.triggeredAt !== undefined
      ? a.triggeredAt
      : a.answeredAt === undefined
      ? state.startedAt
      : a.answeredAt + state.refreshAfterMs
  )

const send = (state: State, a: AssetState, id: number, reason: Reason, now: number): readonly [Decision, State] => [
  { _tag: "Read", id, asset: a.asset, reason },
  update({ ...state, lastSentAt: now }, a.asset, (x) => ({
    ...x,
    demanded: undefined,
    inFlight: { id, reason, sentAt: now }
  }))
]

/**
 * The next thing to do at `now`. Call it again after each `Read` (several may be due), after each input, and
 * when a `Wait` ends.
 */
export const next = (state: State, now: number): readonly [Decision, State] => {
  // A demand joins a read in flight instead of queueing one, so a demanded asset has none in flight.
  const demanded = state.assets.find((a) => a.demanded !== undefined)
  if (demanded !== undefined) return send(state, demanded, demanded.demanded!, "fresh", now)
  const idle = state.assets.filter((a) => a.inFlight === undefined)
  if (idle.length === 0) return [{ _tag: "Idle" }, state]
  const slot = Math.max(state.lastSentAt + state.intervalMs, state.pausedUntil)
  // Stream-triggered first, then the most overdue; ties in the order the assets were given.
  let best: AssetState | undefined
  let bestRank = 2
  let bestDue = Number.POSITIVE_INFINITY
  for (const a of idle) {
    const due = dueAt(state, a)
    const rank = a.triggeredAt !== undefined && due <= now ? 0 : 1
    if (rank < bestRank || (rank === bestRank && due < bestDue)) {
      best = a
      bestRank = rank
      bestDue = due
    }
  }
  const at = Math.max(slot, bestDue)
  if (at > now) return [{ _tag: "Wait", until: at }, state]
  const id = state.nextId
  return send({ ...state, nextId: id + 1 }, best!, id, best!.triggeredAt !== undefined ? "stream" : "routine", now)
}

const inFlightOf = (state: State, id: number): AssetState | undefined => state.assets.find((a) => a.inFlight?.id === id)

/** A read answered with a figure at `now` (the `at` of its asset event). An unknown id changes nothing. */
export const succeeded = (state: State, id: number, now: number): State => {
  const a = inFlightOf(state, id)
  if (a === undefined) return state
  const sentAt = a.inFlight!.sentAt
  return update(state, a.asset, (x) => ({
    ...x,
    answeredAt: now,
    // A trigger after the read was sent is not covered by its answer.
    triggeredAt: (x.triggeredAt ?? sentAt) > sentAt ? x.triggeredAt : undefined,
    inFlight: undefined,
    failures: 0,
    retryAt: Number.NEGATIVE_INFINITY
  }))
}

/** A failed read: the asset, its consecutive failures and when it will be retried (for the watcher's event). */
export interface Failure {
  readonly asset: string
  readonly reason: Reason
  readonly failures: number
  readonly retryAt: number
}

const backoffMs = (failures: number): number =>
  Math.min(RETRY_BACKOFF.maxMs, RETRY_BACKOFF.firstMs * 2 ** (failures - 1))

/** A read that failed at `now`. The asset keeps its figure and its trigger; it is retried after a back-off. */
export const failed = (state: State, id: number, now: number): readonly [Failure | undefined, State] => {
  const a = inFlightOf(state, id)
  if (a === undefined) return [undefined, state]
  const failures = a.failures + 1
  const retryAt = now + backoffMs(failures)
  return [
    { asset: a.asset, reason: a.inFlight!.reason, failures, retryAt },
    update(state, a.asset, (x) => ({ ...x, inFlight: undefined, failures, retryAt }))
  ]
}

/** A pause or ban (the gate's end, host clock): no paced read before `until`. A shorter one changes nothing. */
export const pause = (state: State, until: number): State =>
  until > state.pausedUntil ? { ...state, pausedUntil: until } : state

const trigger = (state: State, now: number): State => ({
  ...state,
  assets: state.assets.map((a) => ({ ...a, triggeredAt: now }))
})

/** A `RISK_LEVEL_CHANGE`: every asset is re-read, ahead of routine reads. */
export const risk = (state: State, now: number): State => trigger(state, now)

/**
 * A `PM_PRO_ACCOUNT_UPDATE`'s `vmw`: every asset is re-read when it moved by more than the threshold since the
 * reference (the first value seen, then the value of the last trigger), so a slow drift triggers too. The
 * figure is compared as a number; it is never handed on as one. Returns whether it triggered.
 */
export const account = (state: State, vmw: string, now: number): readonly [boolean, State] => {
  if (!DECIMAL.test(vmw)) return [false, state]
  const value = Number(vmw)
  const reference = state.vmwReference
  if (reference === undefined) return [false, { ...state, vmwReference: value }]
  if (!(Math.abs(value - reference) > state.config.vmwThreshold * Math.abs(reference))) return [false, state]
  return [true, { ...trigger(state, now), vmwReference: value }]
}

/** How old each asset's figure is: `ageMs` undefined until its first answer, `overdue` past `maxAgeMs`. */
export interface Age {
  readonly asset: string
  readonly answeredAt: number | undefined
  readonly ageMs: number | undefined
  readonly overdue: boolean
}

export const ages = (state: State, now: number): ReadonlyArray<Age> =>
  state.assets.map((a) => ({
    asset: a.asset,
    answeredAt: a.answeredAt,
    ageMs: a.answeredAt === undefined ? undefined : now - a.answeredAt,
    overdue: now - (a.answeredAt ?? state.startedAt) > state.config.maxAgeMs
  }))
