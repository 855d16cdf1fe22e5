/**
 * `client.watch` of the Promise API: the Effect watcher (`./driver.ts`) run on the client's runtime, in a scope of
 * its own that `close()` (or the signal, or the client's `close()`) closes. Its events are iterated from a
 * subscription taken before the watcher starts, so the first iteration misses nothing.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as PubSub from "effect/PubSub"
import * as Scope from "effect/Scope"
import * as SubscriptionRef from "effect/SubscriptionRef"
import { ClientClosed, InvalidConfiguration, type PmAccountInfoError } from "../../BinanceError.js"
import type * as Api from "../core/promiseApi.js"
import type * as DriverRules from "../core/watch/driver.js"
import type * as Events from "../core/watch/events.js"
import * as WatchOptions from "../core/watch/options.js"
import * as Driver from "./driver.js"
import type * as Model from "./model.js"

type Event = Events.WatchEvent<PmAccountInfoError>

/** Rejects with the typed error itself (not a FiberFailure), `ClientClosed` once closed. */
const rejected = (cause: Cause.Cause<PmAccountInfoError>): Promise<never> => {
  const failure = Cause.findErrorOption(cause)
  if (Option.isSome(failure)) return Promise.reject(failure.value)
  return Promise.reject(Cause.hasInterruptsOnly(cause) ? new ClientClosed({ during: true }) : Cause.squash(cause))
}

const settle = <A>(exit: Exit.Exit<A, PmAccountInfoError>): Promise<A> =>
  Exit.isSuccess(exit) ? Promise.resolve(exit.value) : rejected(exit.cause)

/** @internal */
export const make = (
  runtime: ManagedRuntime.ManagedRuntime<Model.Requirements, never>,
  options: Api.WatchOptions,
  wsBaseUrl: string
): Api.Watcher<PmAccountInfoError> => {
  // Refused at once, before anything is built: the same checks the Effect watcher makes, and watch's own.
  const refusal = (() => {
    const checked = WatchOptions.checkWatchOptions(options)
    return "field" in checked ? checked : undefined
  })()
  if (refusal !== undefined) throw new InvalidConfiguration(refusal)
  const { signal, ...watchOptions } = options
  const scope = Effect.runSync(Scope.make())
  let closing: Promise<void> | undefined
  let snapshot: SubscriptionRef.SubscriptionRef<DriverRules.Snapshot> | undefined
  const ready = runtime.runPromiseExit(Effect.gen(function*() {
    const watcher = yield* Scope.provide(Driver.make({ ...watchOptions, wsBaseUrl }), scope)
    const first = yield* Scope.provide(PubSub.subscribe(watcher.events), scope)
    yield* watcher.start
    snapshot = watcher.snapshot
    return { watcher, first }
  }))
  // Each iteration after the first subscribes when it starts.
  let firstTaken = false

  const onAbort = () => void close()
  const close = (): Promise<void> => {
    signal?.removeEventListener("abort", onAbort)
    closing ??= ready.then(() => Effect.runPromise(Scope.close(scope, Exit.void)))
    return closing
  }
  if (signal?.aborted === true) void close()
  else signal?.addEventListener("abort", onAbort, { once: true })

  const iterate = (): AsyncIterator<Event> => {
    const subscription = ready.then((exit): Promise<PubSub.Subscription<Event>> | PubSub.Subscription<Event> => {
      if (Exit.isFailure(exit)) return rejected(exit.cause)
      if (!firstTaken) {
        firstTaken = true
        return exit.value.first
      }
      return Effect.runPromise(Scope.provide(PubSub.subscribe(exit.value.watcher.events), scope))
    })
    let done = false
    return {
      next: async (): Promise<IteratorResult<Event>> => {
        if (done) return { done: true, value: undefined }
        const queue = await subscription
        const taken = await Effect.runPromiseExit(PubSub.take(queue))
        // A shut-down subscription (the watcher closed) ends the iteration.
        if (Exit.isSuccess(taken)) return { done: false, value: taken.value }
        done = true
        return { done: true, value: undefined }
      },
      // Ending one iteration (a `break`) leaves the watcher running: `close()` ends it.
      return: async (): Promise<IteratorResult<Event>> => {
        done = true
        return { done: true, value: undefined }
      }
    }
  }

  return {
    [Symbol.asyncIterator]: iterate,
    latest: (asset) => snapshot === undefined ? undefined : Effect.runSync(SubscriptionRef.get(snapshot)).assets[asset],
    fresh: (asset) =>
      ready.then((exit) =>
        Exit.isFailure(exit)
          ? rejected(exit.cause)
          : closing !== undefined
          ? Promise.reject(new ClientClosed({ during: false }))
          : runtime.runPromiseExit(exit.value.watcher.fresh(asset)).then(settle)
      ),
    close
  }
}
