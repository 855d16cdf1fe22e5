/**
 * The clock's rules: the offset to Binance's clock learned from one time request, when a -1021 needs a new one,
 * and when a synced clock refreshes. No Effect here: both editions' `BinanceClock` apply these.
 */
import * as Endpoint from "./endpoint.js"
import * as Responses from "./responses.js"

/** `layerSynced`'s default: re-learn the offset once it is older than this. */
export const DEFAULT_MAX_AGE_MS = 10 * 60_000

/** Binance's clock minus the host's, from `serverTime` read between `sentAt` and `receivedAt` (host clock). */
export const offsetOf = (serverTime: number, sentAt: number, receivedAt: number): number =>
  Math.round(serverTime - (sentAt + receivedAt) / 2)

/** What a time request's 2xx answer teaches: the offset, or why the body is not `{"serverTime": <ms>}`. */
export const learn = (
  text: string,
  sentAt: number,
  receivedAt: number,
  market: Endpoint.Market | undefined
): { readonly offset: number } | { readonly reason: string; readonly excerpt: string } => {
  const serverTime = Responses.parseServerTime(text)
  if (serverTime === undefined) {
    return {
      reason: `expected {"serverTime": <ms>} from ${Endpoint.pathsOf(market).timePath}`,
      excerpt: Responses.excerpt(text, 120)
    }
  }
  return { offset: offsetOf(serverTime, sentAt, receivedAt) }
}

/**
 * Whether a -1021 for a request that left at `sentAt` needs a time request: not when an offset was learned after
 * that request left (the next request is stamped with it already), unless a time request is running now.
 */
export const needsSync = (sentAt: number, syncedAt: number | undefined, running: boolean): boolean =>
  running || syncedAt === undefined || syncedAt < sentAt

/** After a failed refresh, how long a synced clock waits before the next try: every try costs weight. */
export const refreshBackoffMs = (maxAgeMs: number): number => Math.min(maxAgeMs / 10, 30_000)

/** Whether a synced clock refreshes its offset now (host clock `now`). */
export const refreshDue = (
  now: number,
  syncedAt: number | undefined,
  failedAt: number | undefined,
  maxAgeMs: number
): boolean =>
  (syncedAt === undefined || now - syncedAt >= maxAgeMs) &&
  (failedAt === undefined || now - failedAt >= refreshBackoffMs(maxAgeMs))
