/**
 * REQUEST_WEIGHT accounting for one IP: one-minute windows on the server clock, a back-off after
 * each 429 lasting until its Retry-After instant, and bans (418) for requests inside a back-off.
 * Requests arriving within a second of a 429 get another 429, not a ban: they were on their way before
 * the client could read the first one.
 */

const MINUTE = 60_000
const FIRST_BAN = 2 * MINUTE
const MAX_BAN = 3 * 24 * 60 * MINUTE
const IN_FLIGHT_GRACE = 1000

export type Admission =
  | { readonly _tag: "Admitted" }
  | { readonly _tag: "TooMany"; readonly retryAfterSeconds: number }
  | { readonly _tag: "Banned"; readonly until: number; readonly retryAfterSeconds: number }

export const secondsUntil = (now: number, instant: number) => Math.max(1, Math.ceil((instant - now) / 1000))

export class WeightGate {
  private window = Number.NEGATIVE_INFINITY
  private used = 0
  private backoffUntil = Number.NEGATIVE_INFINITY
  private backoffSince = Number.NEGATIVE_INFINITY
  private banUntil = Number.NEGATIVE_INFINITY
  private bans = 0

  constructor(public limit: number) {}

  usedAt(now: number): number {
    return Math.floor(now / MINUTE) === this.window ? this.used : 0
  }

  /** The ban in force at `now`, if any. Checked for every request, routed or not. */
  ban(now: number): Admission | undefined {
    return now < this.banUntil
      ? { _tag: "Banned", until: this.banUntil, retryAfterSeconds: secondsUntil(now, this.banUntil) }
      : undefined
  }

  /**
   * Charges `weight` to the current window. Rejected requests are charged too (fapi does), so the
   * header may read above the limit; requests answered 418 are not charged.
   */
  admit(now: number, weight: number): Admission {
    const banned = this.ban(now)
    if (banned) return banned
    if (now < this.backoffUntil && now < this.backoffSince + IN_FLIGHT_GRACE) {
      return { _tag: "TooMany", retryAfterSeconds: secondsUntil(now, this.backoffUntil) }
    }
    if (now < this.backoffUntil) {
      // Ignoring a 429's Retry-After earns a ban: 2 minutes, doubling on each repeat, at most 3 days.
      this.bans += 1
      this.banUntil = now + Math.min(FIRST_BAN * 2 ** (this.bans - 1), MAX_BAN)
      return { _tag: "Banned", until: this.banUntil, retryAfterSeconds: secondsUntil(now, this.banUntil) }
    }
    const window = Math.floor(now / MINUTE)
    if (window !== this.window) {
      this.window = window
      this.used = 0
    }
    this.used += weight
    if (this.used > this.limit) {
      this.backoffSince = now
      this.backoffUntil = (window + 1) * MINUTE
      return { _tag: "TooMany", retryAfterSeconds: secondsUntil(now, this.backoffUntil) }
    }
    return { _tag: "Admitted" }
  }

  /** A scripted 429 starts a back-off as a real one does. */
  backOff(now: number, seconds: number): void {
    this.backoffSince = now
    this.backoffUntil = Math.max(this.backoffUntil, now + seconds * 1000)
  }

  /** A scripted 418 bans as a real one does, for `seconds`; the escalation count is left alone. Returns the end. */
  banFor(now: number, seconds: number): number {
    this.banUntil = Math.max(this.banUntil, now + seconds * 1000)
    return this.banUntil
  }

  reset(): void {
    this.window = Number.NEGATIVE_INFINITY
    this.used = 0
    this.backoffUntil = Number.NEGATIVE_INFINITY
    this.backoffSince = Number.NEGATIVE_INFINITY
    this.banUntil = Number.NEGATIVE_INFINITY
    this.bans = 0
  }
}
