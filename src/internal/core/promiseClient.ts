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
  keyRefusal,
  milliseconds,
  type PmAccountInfo,
  type PmAccountInfoResult,
  proxyRefusal,
  stateDirRefusal,
  type Watcher,
  type WatchOptions,
  watchShapeRefusal
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

/** A fiber's `Exit` as both editions shape it: `Success` with its value, `Failure` with its `Cause`. */
export type Exit<A, Cause> =
  | { readonly _tag: "Success"; readonly value: A }
  | { readonly _tag: "Failure"; readonly cause: Cause }

/** How the core reads the edition's `Cause`. */
export interface Causes<Cause> {
  /** The call's typed error, if the cause holds one. */
  readonly error: (cause: Cause) => Error | undefined
  readonly isInterruptedOnly: (cause: Cause) => boolean
  /** What to report of any other cause: the defect. */
  readonly squash: (cause: Cause) => unknown
}

/** How a call ended, read from its fiber's exit: its value, its typed error, an interruption, or a defect. */
export const endOf = <A, Cause>(exit: Exit<A, Cause>, causes: Causes<Cause>): End<A> => {
  if (exit._tag === "Success") return exit
  const error = causes.error(exit.cause)
  if (error !== undefined) return { _tag: "Failure", error }
  return causes.isInterruptedOnly(exit.cause)
    ? { _tag: "Interrupted" }
    : { _tag: "Defect", defect: causes.squash(exit.cause) }
}

/** What the client needs of an edition: its calls, started and stopped, its watchers and its errors. */
export interface Runtime<Running, E> {
  /** Starts one call of `pmAccountInfo`; `done` is called once, with how it ended. */
  readonly start: <A>(params: unknown, shape: (success: Success) => A, done: (end: End<A>) => void) => Running
  /** Stops a running call (it then ends `Interrupted`), without waiting. */
  readonly stop: (running: Running) => void
  /** Stops the calls and waits until they have ended, then releases the runtime (sockets, clock). */
  readonly close: (running: ReadonlyArray<Running>) => Promise<void>
  /** Starts a watcher of options whose shape `watchShapeRefusal` passed. */
  readonly watch: (options: WatchOptions) => Watcher<E>
  /** The rejection of a call made on a closed client, or interrupted by `close` (`during`). */
  readonly closed: (during: boolean) => Error
  /** The edition's `InvalidConfiguration`. */
  readonly invalid: (refusal: Refusal) => Error
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
export const make = <Running, E>(runtime: Runtime<Running, E>): Client<E> => {
  let closed = false
  const running = new Set<Running>()
  const watchers = new Set<Watcher<E>>()
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
    watch: (options) => {
      if (closed) throw runtime.closed(false)
      const refusal = watchShapeRefusal(options)
      if (refusal !== undefined) throw runtime.invalid(refusal)
      const watcher = runtime.watch(options)
      const close = () => watcher.close().finally(() => watchers.delete(kept))
      const kept: Watcher<E> = { ...watcher, close }
      watchers.add(kept)
      return kept
    },
    close: async () => {
      closed = true
      await Promise.all([...watchers].map((watcher) => watcher.close()))
      await runtime.close([...running])
    }
  }
}

/**
 * `createClient`: the options' plain checks (refused with the edition's `invalid`), then the edition's runtime
 * over the plan (`connect` parses the key, the config and the proxy, and throws its own typed errors).
 */
export const create = <Running, E>(
  options: ClientOptions,
  invalid: (refusal: Refusal) => Error,
  connect: (plan: Plan) => Runtime<Running, E>
): Client<E> => {
  const checked = plan(options)
  if ("field" in checked) throw invalid(checked)
  return make(connect(checked))
}

/** The plan's key as the edition's credentials, made with its `Credentials` module's constructors. */
export const credentialsOf = <R>(plan: Plan, constructors: {
  readonly makeHmac: (options: { readonly apiKey: string; readonly secretKey: string }) => R
  readonly makePrivateKey: (
    options: { readonly apiKey: string; readonly privateKey: string; readonly passphrase: string | undefined }
  ) => R
}): R => {
  const { apiKey, key } = plan
  return key._tag === "Hmac"
    ? constructors.makeHmac({ apiKey, secretKey: key.secretKey })
    : constructors.makePrivateKey({ apiKey, privateKey: key.privateKey, passphrase: key.passphrase })
}

/** A key's `InvalidConfiguration`, under the name of the option the caller wrote (`privateKeyPassphrase`). */
export const keyError = <E extends Refusal>(error: E, invalid: (refusal: Refusal) => E): E => {
  const refusal = keyRefusal(error)
  return refusal === error ? error : invalid(refusal)
}
