/**
 * `FakeBinance.Service`'s operations over the core exchange (./exchange.ts), for both editions: which call each one
 * makes, at which time, and that a stream scripting call wakes the served fake's pump. No Effect here: the edition
 * says how a call is run (`Lifts`) and adds `baseUrl` and `handle`.
 */
import type { Exchange } from "./exchange.js"
import type { LogEntry, ServiceShape, UserStreamShape } from "./model.js"

/** How the edition runs a call: each returns the edition's effect. */
export interface Lifts<Secret, Step, Done, Log, Count> {
  /** A check-and-change, run when the effect runs; a string is its problem (a failure). */
  readonly attempt: (f: () => string | undefined) => Step
  /** The same at the fake's server time. */
  readonly attemptAt: (f: (now: number) => string | undefined) => Step
  readonly done: (f: () => void) => Done
  readonly log: (f: () => ReadonlyArray<LogEntry<Secret>>) => Log
  readonly count: (f: () => number) => Count
  /** A figure of the fake's server time. */
  readonly countAt: (f: (now: number) => number) => Count
}

/** Every operation but `baseUrl` and `handle`; `streamChanged` rings after each scripting call that succeeded. */
export const operations = <Secret, Step, Done, Log, Count>(
  exchange: Exchange<Secret>,
  streamChanged: ReadonlySet<() => void>,
  lifts: Lifts<Secret, Step, Done, Log, Count>
): Omit<ServiceShape<Step, Done, Log, Count>, "baseUrl"> & UserStreamShape<Step, Count> => {
  const { attempt, count, done } = lifts
  // A stream scripting call at server time, then a ring for the served fake's pump.
  const scripted = (f: (now: number) => string | undefined): Step =>
    lifts.attemptAt((now) => {
      const problem = f(now)
      if (problem === undefined) { for (const ring of streamChanged) ring() }
      return problem
    })
  return {
    setStreamAccount: (apiKey, figures) => scripted((now) => exchange.setStreamAccount(apiKey, figures, now)),
    pushStreamEvent: (frame, options) => scripted((now) => exchange.pushStreamEvent(frame, options?.apiKey, now)),
    dropStream: (options) => scripted((now) => exchange.dropStream(options?.apiKey, now)),
    expireListenKeys: (options) => scripted((now) => exchange.expireListenKeys(options?.apiKey, now)),
    streamConnections: count(() => exchange.userStream.open().length),
    addAccount: (account) => attempt(() => exchange.addAccount(account)),
    setAsset: (apiKey, asset, amounts) => attempt(() => exchange.setAsset(apiKey, asset, amounts)),
    setPortfolioMargin: (apiKey, enabled) => attempt(() => exchange.setPortfolioMargin(apiKey, enabled)),
    setServerSkew: (millis) => attempt(() => exchange.setServerSkew(millis)),
    setWeightLimit: (limit) => attempt(() => exchange.setWeightLimit(limit)),
    enqueueFault: (fault, options) => attempt(() => exchange.enqueueFault(fault, options)),
    setFaultRate: (fault, rate, options) => attempt(() => exchange.setFaultRate(fault, rate, options)),
    clearFaults: done(() => exchange.clearFaults()),
    requests: lifts.log(() => exchange.requests()),
    requestCount: count(() => exchange.requestCount()),
    clearRequests: done(() => exchange.clearRequests()),
    usedWeight: lifts.countAt((now) => exchange.usedWeight(now)),
    serverTime: lifts.countAt((now) => now),
    reset: done(() => exchange.reset())
  }
}

/**
 * The service, the core exchange behind it, and the hooks its stream's scripting calls ring (so a served fake's
 * WebSocket pump wakes to send what they scripted).
 */
export interface Made<Service, Secret> {
  readonly service: Service
  readonly exchange: Exchange<Secret>
  readonly streamChanged: Set<() => void>
}
