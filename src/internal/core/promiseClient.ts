/**
 * The Promise client over an edition's runtime: which calls are running, what an abort or `close` does to them,
 * and what each call resolves or rejects with. No Effect here: each edition's `promise` module gives it a way to
 * start a call and to stop one, in its own dialect.
 */
import * as AbortWatch from "./abortWatch.js"
import type { Success } from "./call.js"
import type { Market, Refusal } from "./endpoint.js"
import type { Environment } from "./options.js"
import {
  AbortError,
  checkShape,
  type Client,
  type ClientOptions,
  type Key,
  milliseconds,
  type PmAccountInfo,
  type PmAccountInfoResult,
  proxyRefusal,
  stateDirRefusal
} from "./promiseApi.js"
import { checkWsBaseUrl, DEFAULTS } from "./watch/options.js"

/** What `createClient`'s options ask for, once their plain checks have passed. */
export interface Plan {
  readonly apiKey: string
  readonly key: Key
  /** `BinanceConfig.make`'s options, durations in ms. */
  readonly config: {
    readonly environment: Environment | undefined
    readonly baseUrl: string | undefined
    readonly recvWindow: number | undefined
    readonly maxRetries: number | undefined
    readonly weightLimit: number | undefined
    readonly timeout: number | undefined
    readonly maxRetryAfterWait: number | undefined
    readonly egress: string | undefined
    readonly market: Market | undefined
  }
  readonly proxy: string | undefined
  /** Where bans and pauses outlive the process, if anywhere. */
  readonly stateDir: string | undefined
  /** The user-data stream's origin for `watch`, checked. */
  readonly wsBaseUrl: string
}

/**
 * The checks of `createClient`'s options that need no Effect, in the order a caller fixes them: their shape and
 * key, the durations, the proxy's type. The edition then parses the key, the config and the proxy URL.
 */
export const plan = (input: ClientOptions): Plan | Refusal => {
  const key = checkShape(input)
  if ("field" in key) return key
  const timeout = milliseconds("timeoutMs", input.timeoutMs, false)
  if (typeof timeout === "object") return timeout
  const maxRetryAfterWait = milliseconds("maxRetryAfterWaitMs", input.maxRetryAfterWaitMs, true)
  if (typeof maxRetryAfterWait === "object") return maxRetryAfterWait
  const refusal = stateDirRefusal(input.stateDir) ?? proxyRefusal(input.proxy)
  if (refusal !== undefined) return refusal
  const wsBaseUrl = checkWsBaseUrl(input.wsBaseUrl ?? DEFAULTS.wsBaseUrl)
  if (typeof wsBaseUrl !== "string") return wsBaseUrl
  const { apiKey, baseUrl, egress, environment, market, maxRetries, proxy, recvWindow, stateDir, weightLimit } = input
  return {
    apiKey,
    key,
    config: { environment, baseUrl, recvWindow, maxRetries, weightLimit, timeout, maxRetryAfterWait, egress, market },
    proxy,
    stateDir,
    wsBaseUrl
  }
}

/** How one call ended, as the edition's runtime reports it. */
export type End<A> =
  | { readonly _tag: "Success"; readonly value: A }
  | { readonly _tag: "Failure"; readonly error: Error }
  | { readonly _tag: "Interrupted" }
  | { readonly _tag: "Defect"; readonly defect: unknown }

/** What the client needs of an edition: its calls, started and stopped. */
export interface Runtime<Running> {
  /** Starts one call of `pmAccountInfo`; `done` is called once, with how it ended. */
  readonly start: <A>(params: unknown, shape: (success: Success) => A, done: (end: End<A>) => void) => Running
  /** Stops a running call (it then ends `Interrupted`), without waiting. */
  readonly stop: (running: Running) => void
  /** Stops the calls and waits until they have ended, then releases the runtime (sockets, clock). */
  readonly close: (running: ReadonlyArray<Running>) => Promise<void>
  /** The rejection of a call made on a closed client, or interrupted by `close` (`during`). */
  readonly closed: (during: boolean) => Error
}

const toInfo = (success: Success): PmAccountInfo => ({
  asset: success.body.asset,
  maxWithdrawAmount: success.body.maxWithdrawAmount,
  maxWithdrawAmountUSD: success.body.maxWithdrawAmountUSD
})

const toResult = (success: Success): PmAccountInfoResult => ({
  info: toInfo(success),
  usedWeight: success.usedWeight,
  attempts: success.attempts
})

const defectError = (defect: unknown): Error =>
  Object.assign(new Error(`Unexpected failure: ${String(defect)}`, { cause: defect }), {
    _tag: "Defect",
    name: "Defect"
  })

/** A client of the Promise API over `runtime`. */
export const make = <Running>(runtime: Runtime<Running>): Client => {
  let closed = false
  const running = new Set<Running>()
  // An abort stops the calls of its signal (one listener per signal: see core/abortWatch).
  const watch = AbortWatch.make<Running>(runtime.stop)
  const call = <A>(params: unknown, signal: AbortSignal | undefined, shape: (success: Success) => A): Promise<A> => {
    if (closed) return Promise.reject(runtime.closed(false))
    if (signal?.aborted === true) return Promise.reject(new AbortError(signal.reason))
    return new Promise<A>((resolve, reject) => {
      let ended = false
      // What the call's end undoes: set once it runs (a runtime may end a call before `start` returns: bad
      // parameters fail at once).
      let forget = () => {}
      const handle = runtime.start(params, shape, (end) => {
        ended = true
        forget()
        switch (end._tag) {
          case "Success":
            return resolve(end.value)
          case "Failure":
            return reject(end.error)
          case "Defect":
            return reject(defectError(end.defect))
          case "Interrupted":
            if (signal?.aborted === true) return reject(new AbortError(signal.reason))
            return reject(closed ? runtime.closed(true) : defectError("interrupted"))
        }
      })
      if (ended) return
      running.add(handle)
      const unwatch = signal === undefined ? undefined : watch(signal, handle)
      forget = () => {
        running.delete(handle)
        unwatch?.()
      }
    })
  }
  return {
    pmAccountInfo: (params, options) => call(params, options?.signal, toInfo),
    pmAccountInfoResult: (params, options) => call(params, options?.signal, toResult),
    close: () => {
      closed = true
      return runtime.close([...running])
    }
  }
}
