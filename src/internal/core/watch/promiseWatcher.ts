/**
 * `client.watch` of the Promise API as plain rules: an async iterable of the watcher's events, `latest`, `fresh`,
 * `close` and the abort signal, over a watcher the edition builds and runs (`Runner`). No Effect here: each
 * edition's `internal/watch/promise.ts` only says how to start, subscribe, take, read and close with its runtime.
 */
import type { Refusal } from "../endpoint.js"
import type * as Api from "../promiseApi.js"
import type { AssetEvent, WatchEvent } from "./events.js"
import { checkWatchOptions } from "./options.js"

/** A started watcher, as the edition runs it; `S` is a subscription to its events. */
export interface Started<S, E> {
  /** Taken before the watcher started: the first iteration misses nothing. */
  readonly first: S
  /** A new subscription, in the watcher's scope. */
  readonly subscribe: () => Promise<S>
  /** The next event, or `undefined` once the watcher ended (its subscriptions shut down). */
  readonly take: (subscription: S) => Promise<WatchEvent<E> | undefined>
  readonly latest: (asset: string) => AssetEvent | undefined
  /** Rejects with the typed error itself. */
  readonly fresh: (asset: string) => Promise<AssetEvent>
}

/** What the edition does with its runtime. */
export interface Runner<S, E> {
  /** Builds the watcher in a scope of its own and starts it; rejects with the typed error itself. */
  readonly start: () => Promise<Started<S, E>>
  /** Closes that scope (once `start` ended). */
  readonly close: () => Promise<void>
  /** `InvalidConfiguration` of the edition, thrown for bad options. */
  readonly refused: (refusal: Refusal) => unknown
  /** `ClientClosed` of the edition: a `fresh` after `close()`. */
  readonly closed: () => unknown
}

type Ready<S, E> =
  | { readonly _tag: "Started"; readonly started: Started<S, E> }
  | { readonly _tag: "Failed"; readonly error: unknown }

/** The Promise API's watcher. Bad options throw at once, before anything is built. */
export const make = <S, E>(options: Api.WatchOptions, runner: Runner<S, E>): Api.Watcher<E> => {
  // The same checks the Effect watcher makes, and watch's own.
  const checked = checkWatchOptions(options)
  if ("field" in checked) throw runner.refused(checked)
  const signal = options.signal
  let started: Started<S, E> | undefined
  // Never rejects: a watcher that failed to start rejects each use, and an unused one warns nobody.
  const ready: Promise<Ready<S, E>> = runner.start().then(
    (value) => {
      started = value
      return { _tag: "Started", started: value }
    },
    (error: unknown) => ({ _tag: "Failed", error })
  )
  let closing: Promise<void> | undefined
  // Each iteration after the first subscribes when it starts.
  let firstTaken = false

  const onAbort = () => void close()
  const close = (): Promise<void> => {
    signal?.removeEventListener("abort", onAbort)
    closing ??= ready.then(() => runner.close())
    return closing
  }
  if (signal?.aborted === true) void close()
  else signal?.addEventListener("abort", onAbort, { once: true })

  const iterate = (): AsyncIterator<WatchEvent<E>> => {
    const subscription = ready.then(async (state): Promise<readonly [Started<S, E>, S]> => {
      if (state._tag === "Failed") throw state.error
      if (!firstTaken) {
        firstTaken = true
        return [state.started, state.started.first]
      }
      return [state.started, await state.started.subscribe()]
    })
    let done = false
    return {
      next: async (): Promise<IteratorResult<WatchEvent<E>>> => {
        if (done) return { done: true, value: undefined }
        const [watcher, taking] = await subscription
        const taken = await watcher.take(taking)
        // A shut-down subscription (the watcher closed) ends the iteration.
        if (taken !== undefined) return { done: false, value: taken }
        done = true
        return { done: true, value: undefined }
      },
      // Ending one iteration (a `break`) leaves the watcher running: `close()` ends it.
      return: async (): Promise<IteratorResult<WatchEvent<E>>> => {
        done = true
        return { done: true, value: undefined }
      }
    }
  }

  return {
    [Symbol.asyncIterator]: iterate,
    latest: (asset) => started?.latest(asset),
    fresh: (asset) =>
      ready.then((state) =>
        state._tag === "Failed"
          ? Promise.reject(state.error)
          : closing !== undefined
          ? Promise.reject(runner.closed())
          : state.started.fresh(asset)
      ),
    close
  }
}
