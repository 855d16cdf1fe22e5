/**
 * The loopback transport: the core's `node:http` server (`../../core/fake/transport.ts`) handing each request to the
 * same `handle` as the in-memory client, on the real clock. Closing the scope interrupts pending (delayed) answers
 * and closes every connection, idle or not, so processes exit cleanly. The user-data stream's WebSocket upgrades
 * are `./userStream.ts`'s.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Scope from "effect/Scope"
import type * as api from "../../../FakeBinance.js"
import * as transport from "../../core/fake/transport.js"
import * as Dialect from "../../dialect.js"
import { FakeBinanceError } from "./error.js"
import * as exchange from "./exchange.js"
import * as userStream from "./userStream.js"

/** @internal */
export const serve = (
  options: api.ServeOptions
): Effect.Effect<{ readonly baseUrl: string; readonly fake: api.Service }, FakeBinanceError, Scope.Scope> =>
  Effect.gen(function*() {
    const port = options.port ?? 0
    const problem = transport.checkPort(port)
    if (problem !== undefined) return yield* new FakeBinanceError({ message: problem })
    // Built first so bad options fail before a socket is opened.
    const made = yield* exchange.make(options, Dialect.liveClock)
    const listening = yield* Effect.acquireRelease(
      Effect.flatMap(
        Effect.promise(() =>
          transport.listen(port, (request, done) => {
            // Runs on the default runtime: the server's time is the real clock, whatever the caller's is.
            const fiber = Effect.runFork(made.service.handle(request))
            fiber.addObserver((exit) =>
              done(Exit.isSuccess(exit) ? exit.value : Dialect.exitHasInterrupts(exit) ? "interrupted" : "defect")
            )
            return () => Effect.runPromise(Fiber.interrupt(fiber))
          })
        ),
        (bound) => "server" in bound ? Effect.succeed(bound) : Effect.fail(new FakeBinanceError(bound))
      ),
      (bound) => Effect.promise(bound.close)
    )
    // After the listen, so that its finalizer, which cuts the WebSocket connections, runs before the server's close.
    yield* userStream.attach(listening.server, made)
    const baseUrl = `http://127.0.0.1:${listening.port}`
    return { baseUrl, fake: { ...made.service, baseUrl } }
  })

/** @internal */
export const start = (options: api.ServeOptions): Promise<api.Started> =>
  Effect.runPromiseExit(Effect.gen(function*() {
    const scope = yield* Scope.make()
    const served = yield* Dialect.extendScope(serve(options), scope).pipe(
      Effect.onError(() => Scope.close(scope, Exit.void))
    )
    return { ...served, close: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
  })).then((exit) => Exit.isSuccess(exit) ? exit.value : Promise.reject(Cause.squash(exit.cause)))
