/**
 * The loopback transport: the core's `node:http` server handing each request to the same `handle` as the
 * in-memory client, on the real clock. Closing the scope interrupts pending (delayed) answers and closes every
 * connection, idle or not, so processes exit cleanly. The user-data stream's WebSocket upgrades are
 * `./userStream.ts`'s.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Scope from "effect/Scope"
import type * as Http from "node:http"
import type * as api from "../../FakeBinance.js"
import * as transport from "../core/fake/transport.js"
import { FakeBinanceError } from "./error.js"
import * as exchange from "./exchange.js"
import * as userStream from "./userStream.js"

const listen = (server: Http.Server, port: number) =>
  Effect.callback<number, FakeBinanceError>((resume) =>
    transport.listen(
      server,
      port,
      (bound) => resume(typeof bound === "number" ? Effect.succeed(bound) : Effect.fail(new FakeBinanceError(bound)))
    )
  )

const close = (server: Http.Server, pending: Set<Fiber.Fiber<api.FakeResponse>>) =>
  Effect.andThen(
    Fiber.interruptAll(pending),
    Effect.callback<void>((resume) => transport.close(server, () => resume(Effect.void)))
  )

/** @internal */
export const serve = (
  options: api.ServeOptions
): Effect.Effect<{ readonly baseUrl: string; readonly fake: api.Service }, FakeBinanceError, Scope.Scope> =>
  Effect.gen(function*() {
    const port = options.port ?? 0
    const problem = transport.checkPort(port)
    if (problem !== undefined) return yield* new FakeBinanceError({ message: problem })
    // Built first so bad options fail before a socket is opened.
    const made = yield* exchange.makeWithExchange(options, { baseUrl: undefined, clock: Clock.Clock.defaultValue() })
    const fake = made.service
    const pending = new Set<Fiber.Fiber<api.FakeResponse>>()

    const server = transport.createServer((request, done) => {
      // Runs on the default runtime: the server's time is the real clock, whatever the caller's is.
      const fiber = Effect.runFork(fake.handle(request))
      pending.add(fiber)
      fiber.addObserver((exit) => {
        pending.delete(fiber)
        done(Exit.isSuccess(exit) ? exit.value : Exit.hasInterrupts(exit) ? "interrupted" : "defect")
      })
      return () => {
        if (pending.has(fiber)) fiber.interruptUnsafe()
      }
    })

    const bound = yield* Effect.acquireRelease(listen(server, port), () => close(server, pending))
    // After the listen, so that its finalizer, which cuts the WebSocket connections, runs before the server's close.
    yield* userStream.attach(server, made)
    const baseUrl = `http://127.0.0.1:${bound}`
    return { baseUrl, fake: { ...fake, baseUrl } }
  })

/** @internal */
export const start = (options: api.ServeOptions): Promise<api.Started> =>
  Effect.runPromiseExit(Effect.gen(function*() {
    const scope = yield* Scope.make()
    const served = yield* Scope.provide(serve(options), scope).pipe(Effect.onError(() => Scope.close(scope, Exit.void)))
    return { ...served, close: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
  })).then((exit) => Exit.isSuccess(exit) ? exit.value : Promise.reject(Cause.squash(exit.cause)))
