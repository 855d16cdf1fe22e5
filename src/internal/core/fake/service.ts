/**
 * `FakeBinance.Service` over the core exchange (./exchange.ts), for both editions: building the exchange and its
 * service, which call each operation makes, at which time, and that a stream scripting call wakes the pumps of
 * the fake's stream. No Effect here: the edition says how a call is run (`Lifts`) and how `handle` runs.
 */
import * as core from "./exchange.js"
import type { LogEntry, Options, ServiceShape } from "./model.js"

/** How the edition runs a call: each returns the edition's effect, run when that effect runs. */
export interface Lifts<Secret, Step, Done, Log, Count> {
  /** A check-and-change at the fake's server time `now`; a string is its problem (a failure). */
  readonly attempt: (f: (now: number) => string | undefined) => Step
  /** A read or a change that cannot fail. */
  readonly sync: {
    (f: () => ReadonlyArray<LogEntry<Secret>>): Log
    (f: () => number): Count
    (f: () => void): Done
  }
  /** A figure of the fake's server time. */
  readonly countAt: (f: (now: number) => number) => Count
}

/** Every operation but `baseUrl` and `handle`; `streamChanged` rings after each scripting call that succeeded. */
export const operations = <Secret, Step, Done, Log, Count>(
  exchange: core.Exchange<Secret>,
  streamChanged: ReadonlySet<() => void>,
  lifts: Lifts<Secret, Step, Done, Log, Count>
): Omit<ServiceShape<Step, Done, Log, Count, unknown>, "baseUrl" | "handle"> => {
  const { attempt, sync } = lifts
  // A stream scripting call at server time, then a ring for the stream's pumps.
  const scripted = (f: (now: number) => string | undefined): Step =>
    attempt((now) => {
      const problem = f(now)
      if (problem === undefined) { for (const ring of streamChanged) ring() }
      return problem
    })
  return {
    setStreamAccount: (apiKey, figures) => scripted((now) => exchange.setStreamAccount(apiKey, figures, now)),
    pushStreamEvent: (frame, options) => scripted((now) => exchange.pushStreamEvent(frame, options?.apiKey, now)),
    dropStream: (options) => scripted((now) => exchange.dropStream(options?.apiKey, now)),
    expireListenKeys: (options) => scripted((now) => exchange.expireListenKeys(options?.apiKey, now)),
    streamConnections: sync(() => exchange.userStream.open().length),
    addAccount: (account) => attempt(() => exchange.addAccount(account)),
    setAsset: (apiKey, asset, amounts) => attempt(() => exchange.setAsset(apiKey, asset, amounts)),
    setPortfolioMargin: (apiKey, enabled) => attempt(() => exchange.setPortfolioMargin(apiKey, enabled)),
    setServerSkew: (millis) => attempt(() => exchange.setServerSkew(millis)),
    setWeightLimit: (limit) => attempt(() => exchange.setWeightLimit(limit)),
    enqueueFault: (fault, options) => attempt(() => exchange.enqueueFault(fault, options)),
    setFaultRate: (fault, rate, options) => attempt(() => exchange.setFaultRate(fault, rate, options)),
    clearFaults: sync(() => exchange.clearFaults()),
    requests: sync(() => exchange.requests()),
    requestCount: sync(() => exchange.requestCount()),
    clearRequests: sync(() => exchange.clearRequests()),
    usedWeight: lifts.countAt((now) => exchange.usedWeight(now)),
    serverTime: lifts.countAt((now) => now),
    reset: sync(() => exchange.reset())
  }
}

/**
 * The service, the core exchange behind it, and the hooks its stream's scripting calls ring (so the stream's pump
 * wakes to send what they scripted).
 */
export interface Made<Service, Secret> {
  readonly service: Service
  readonly exchange: core.Exchange<Secret>
  readonly streamChanged: Set<() => void>
}

/** What the edition gives for one exchange: how its calls are run, and `handle` over it. */
export interface Wiring<Secret, Step, Done, Log, Count, Handled> extends Lifts<Secret, Step, Done, Log, Count> {
  readonly handle: ServiceShape<Step, Done, Log, Count, Handled>["handle"]
}

/** The {@link Wiring} of an edition's `FakeBinance.Service`, read off its effect types. */
export type WiringOf<S, Secret> = S extends ServiceShape<infer Step, infer Done, infer Log, infer Count, infer Handled>
  ? Wiring<Secret, Step, Done, Log, Count, Handled>
  : never

/**
 * Builds an exchange and its service (not yet served: no `baseUrl`), or says what is wrong with the options.
 * `secret` wraps the secrets kept in the log.
 */
export const make = <Secret, Step, Done, Log, Count, Handled>(
  options: Options,
  secret: (value: string) => Secret,
  wire: (exchange: core.Exchange<Secret>) => Wiring<Secret, Step, Done, Log, Count, Handled>
): Made<ServiceShape<Step, Done, Log, Count, Handled>, Secret> | string => {
  const exchange = core.make(options, secret)
  if (typeof exchange === "string") return exchange
  const streamChanged = new Set<() => void>()
  const wiring = wire(exchange)
  const service = { baseUrl: undefined, handle: wiring.handle, ...operations(exchange, streamChanged, wiring) }
  return { service, exchange, streamChanged }
}
