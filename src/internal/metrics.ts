/** Recording the metrics of `BinanceMetrics`: plain code, no Effect steps. */
import * as MetricLabel from "effect/MetricLabel"
import * as BinanceMetrics from "../BinanceMetrics.js"

// Label arrays are built once per distinct value and reused: recording allocates nothing on the hot path.
const labelCache = new Map<string, ReadonlyArray<MetricLabel.MetricLabel>>()
const labels = (key: string, build: () => ReadonlyArray<MetricLabel.MetricLabel>) => {
  let cached = labelCache.get(key)
  if (cached === undefined) {
    cached = build()
    labelCache.set(key, cached)
  }
  return cached
}

const hosts = new Map<string, string>()
const hostOf = (baseUrl: string): string => {
  let host = hosts.get(baseUrl)
  if (host === undefined) {
    try {
      host = new URL(baseUrl).host
    } catch {
      host = "unknown"
    }
    hosts.set(baseUrl, host)
  }
  return host
}

/** Records one request that was sent: its outcome, duration and, when the answer carried it, the used weight. */
export const unsafeRecordRequest = (
  endpoint: string,
  outcome: string,
  status: number | undefined,
  durationMs: number,
  baseUrl: string,
  used: number | undefined
): void => {
  BinanceMetrics.requests.unsafeUpdate(
    1,
    labels(`r\0${endpoint}\0${outcome}`, () => [
      MetricLabel.make("endpoint", endpoint),
      MetricLabel.make("outcome", outcome)
    ])
  )
  const statusText = status === undefined ? "none" : String(status)
  BinanceMetrics.requestDuration.unsafeUpdate(
    durationMs,
    labels(`d\0${endpoint}\0${statusText}`, () => [
      MetricLabel.make("endpoint", endpoint),
      MetricLabel.make("status", statusText)
    ])
  )
  if (used !== undefined) {
    const host = hostOf(baseUrl)
    BinanceMetrics.usedWeight.unsafeUpdate(used, labels(`w\0${host}`, () => [MetricLabel.make("host", host)]))
  }
  if (status === 429 || status === 418 || status === 403) {
    const reason = String(status)
    BinanceMetrics.gatePauses.unsafeUpdate(1, labels(`p\0${reason}`, () => [MetricLabel.make("reason", reason)]))
  }
}

const NO_LABELS: ReadonlyArray<MetricLabel.MetricLabel> = []

export const unsafeRecordRetry = (): void => BinanceMetrics.retries.unsafeUpdate(1, NO_LABELS)

export const unsafeRecordGateWait = (ms: number): void => BinanceMetrics.gateWait.unsafeUpdate(ms, NO_LABELS)
