/**
 * `client.watch` of the Promise API: the core's adapter (`../../core/watch/promiseWatcher.ts`) over the Effect watcher
 * (`./driver.ts`) run on the client's runtime, in a scope of its own that `close()` (or the signal, or the client's
 * `close()`) closes. Its events are iterated from a subscription taken before the watcher starts.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as PubSub from "effect/PubSub"
import * as Scope from "effect/Scope"
import * as SubscriptionRef from "effect/SubscriptionRef"
import { ClientClosed, InvalidConfiguration, type PmAccountInfoError } from "../../../BinanceError.js"
import type * as Api from "../../core/promiseApi.js"
import * as PromiseWatcher from "../../core/watch/promiseWatcher.js"
import * as Dialect from "../../dialect.js"
import * as Driver from "./driver.js"
import type * as Model from "./model.js"

/** Rejects with the typed error itself (not a FiberFailure), `ClientClosed` once closed. */
const rejected = (cause: Cause.Cause<PmAccountInfoError>): Promise<never> => {
  const failure = Dialect.failureOption(cause)
  if (Option.isSome(failure)) return Promise.reject(failure.value)
  return Promise.reject(Dialect.isInterruptedOnly(cause) ? new ClientClosed({ during: true }) : Cause.squash(cause))
}

const settle = <A>(exit: Exit.Exit<A, PmAccountInfoError>): Promise<A> =>
  Exit.isSuccess(exit) ? Promise.resolve(exit.value) : rejected(exit.cause)

/** @internal */
export const make = (
  runtime: ManagedRuntime.ManagedRuntime<Model.Requirements, never>,
  options: Api.WatchOptions,
  wsBaseUrl: string
): Api.Watcher<PmAccountInfoError> => {
  const { signal: _signal, ...watchOptions } = options
  const scope = Effect.runSync(Scope.make())
  return PromiseWatcher.make<Dialect.Subscription<Model.Event>, PmAccountInfoError>(options, {
    start: () =>
      runtime.runPromiseExit(Effect.gen(function*() {
        const watcher = yield* Dialect.extendScope(Driver.make({ ...watchOptions, wsBaseUrl }), scope)
        const first = yield* Dialect.extendScope(PubSub.subscribe(watcher.events), scope)
        yield* watcher.start
        return {
          first,
          subscribe: () => Effect.runPromise(Dialect.extendScope(PubSub.subscribe(watcher.events), scope)),
          take: (queue) =>
            Effect.runPromiseExit(Dialect.take(queue)).then((taken) => Exit.isSuccess(taken) ? taken.value : undefined),
          latest: (asset) => Effect.runSync(SubscriptionRef.get(watcher.snapshot)).assets[asset],
          fresh: (asset) => runtime.runPromiseExit(watcher.fresh(asset)).then(settle)
        } satisfies PromiseWatcher.Started<Dialect.Subscription<Model.Event>, PmAccountInfoError>
      })).then(settle),
    close: () => Effect.runPromise(Scope.close(scope, Exit.void)),
    refused: (refusal) => new InvalidConfiguration(refusal),
    closed: () => new ClientClosed({ during: false })
  })
}
