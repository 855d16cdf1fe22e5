/**
 * The pauses one IP must keep, worked out from the wire alone (not from the gate's own state), and the requests
 * sent inside them.
 *
 * A pause starts when a client had the whole body of a 429, 403 or 418, and lasts:
 * - a 429 with `Retry-After`: that long;
 * - a 429 without: the gate's back-off, 1 s doubling on consecutive 429s up to 60 s, reset by a success;
 * - a 403: the firewall back-off, 1 s doubling on consecutive 403s up to 5 min, reset by a success (or its
 *   `Retry-After`, if longer);
 * - a 418: its `Retry-After`.
 *
 * "Consecutive" follows the library's documented rule: an answer to a request sent before the last counted
 * 429 (403) was read was already in flight, so it neither lengthens the streak nor resets it (it still starts a
 * pause of the current length). The wire knows when a request was sent, not when the gate admitted it; the two
 * differ only for a request admitted before a pause began and sent after, which is counted as sent inside the
 * pause anyway.
 */
import type { Exchange } from "./wire.js"

export const RATE_LIMIT_BACKOFF = { firstMs: 1000, maxMs: 60_000 } as const
export const WAF_BACKOFF = { firstMs: 1000, maxMs: 300_000 } as const

const backoff = (policy: { readonly firstMs: number; readonly maxMs: number }, streak: number): number =>
  Math.min(policy.maxMs, policy.firstMs * 2 ** Math.min(30, Math.max(0, streak - 1)))

export type PauseKind = "429 Retry-After" | "429 bare" | "403" | "418"

export interface IpPause {
  readonly kind: PauseKind
  /** Position of the body's end in the wire's order of events. */
  readonly fromSeq: number
  /** `performance.now()` of the body's end, and of the pause's end. */
  readonly from: number
  readonly to: number
  readonly ms: number
  /** The exchange that began it. */
  readonly cause: Exchange
}

const retryAfterMs = (header: string | undefined): number | undefined => {
  if (header === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(header)) return undefined
  return Math.ceil(Number(header) * 1000)
}

/** Every pause, in the order the answers that began them were read. */
export const pausesOf = (exchanges: ReadonlyArray<Exchange>): ReadonlyArray<IpPause> => {
  const answered = exchanges.filter((e) => e.status !== undefined && e.readSeq !== undefined)
    .sort((a, b) => a.readSeq! - b.readSeq!)
  const pauses: Array<IpPause> = []
  let rateLimitStreak = 0
  let rateLimitAt = Number.NEGATIVE_INFINITY
  let wafStreak = 0
  let wafAt = Number.NEGATIVE_INFINITY
  for (const e of answered) {
    const status = e.status!
    const read = e.readAt!
    const fresh = (since: number) => e.sentAt >= since
    const pause = (kind: PauseKind, ms: number) =>
      pauses.push({ kind, fromSeq: e.readSeq!, from: read, to: read + ms, ms, cause: e })
    if (status >= 200 && status < 300) {
      if (fresh(rateLimitAt)) rateLimitStreak = 0
      if (fresh(wafAt)) wafStreak = 0
    } else if (status === 429) {
      const counted = fresh(rateLimitAt)
      rateLimitStreak = counted ? rateLimitStreak + 1 : Math.max(1, rateLimitStreak)
      if (counted) rateLimitAt = read
      const given = retryAfterMs(e.retryAfter)
      if (given === undefined) pause("429 bare", backoff(RATE_LIMIT_BACKOFF, rateLimitStreak))
      else pause("429 Retry-After", given)
    } else if (status === 403) {
      const counted = fresh(wafAt)
      wafStreak = counted ? wafStreak + 1 : Math.max(1, wafStreak)
      if (counted) wafAt = read
      pause("403", Math.max(backoff(WAF_BACKOFF, wafStreak), retryAfterMs(e.retryAfter) ?? 0))
    } else if (status === 418) {
      pause("418", retryAfterMs(e.retryAfter) ?? 120_000)
    }
  }
  return pauses
}

/** The gate reads the host clock in whole milliseconds (`Date.now`), so a pause may end up to 1 ms early. */
export const CLOCK_RESOLUTION_MS = 1

/**
 * The part of a pause the gate owes whatever the order it learns of answers in: a `Retry-After` in full; the
 * first step of a back-off (1 s) for a bare 429 or a 403 without one.
 */
export const guaranteed = (pause: IpPause): number =>
  pause.kind === "429 bare"
    ? RATE_LIMIT_BACKOFF.firstMs
    : pause.kind === "403"
    ? Math.max(WAF_BACKOFF.firstMs, retryAfterMs(pause.cause.retryAfter) ?? 0)
    : pause.ms

/**
 * The first pause a request was sent inside, if any: sent after the pause began and before `length` of it had
 * passed, less `toleranceMs` at the end.
 */
export const insidePause = (
  exchange: Exchange,
  pauses: ReadonlyArray<IpPause>,
  length: (pause: IpPause) => number = (p) => p.ms,
  toleranceMs = 0
): IpPause | undefined =>
  pauses.find((p) => exchange.sentSeq > p.fromSeq && exchange.sentAt < p.from + length(p) - toleranceMs)
