/**
 * Effect 4's words for what the shared wiring (`./wiring`, compiled by both editions) needs and Effect 3 and
 * Effect 4 name differently. The Effect 3 edition's `src/internal/dialect.ts` exports the same names in Effect 3's;
 * a wiring file imports `../../dialect.js`, which lands in the edition's own tree (this edition compiles and
 * bundles with symlinks preserved). Keep the two files' exports identical, each a thin alias: a rule goes to the
 * core, a sequence to the wiring.
 */
import * as BigDecimal from "effect/BigDecimal"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Fiber from "effect/Fiber"
import { constTrue } from "effect/Function"
import * as Headers from "effect/http/Headers"
import * as PlatformClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import type * as LogLevel from "effect/LogLevel"
import type * as ManagedRuntime from "effect/ManagedRuntime"
import type * as Metric from "effect/Metric"
import type * as Option from "effect/Option"
import * as PubSub from "effect/PubSub"
import * as Queue from "effect/Queue"
import type * as Redacted from "effect/Redacted"
import * as References from "effect/References"
import * as Result_ from "effect/Result"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import type * as Socket from "effect/socket/Socket"
import * as Stream from "effect/Stream"
import * as SubscriptionRef from "effect/SubscriptionRef"
import type * as RateLimit from "../RateLimit.js"
import type { SnapshotRef } from "../Watch.js"
import type * as Args from "./core/cli/args.js"
import type * as DriverRules from "./core/watch/driver.js"
import * as ErrorName from "./errorName.js"
import * as Metrics from "./metrics.js"
import type { PlainGate } from "./wiring/rateLimit.js"

/** The platform's client (public: the shared public declarations name it, `Watch.Requirements` say). */
export { HttpClient } from "effect/http/HttpClient"

/** A fiber forked by the wiring (`FiberSet.run`'s). @internal */
export type RunningFiber<A, E = never> = Fiber.Fiber<A, E>

/** What `PubSub.subscribe` gives (public: `Watch.Watcher` names it). */
export type Subscription<A> = PubSub.Subscription<A>

/** @internal */
export const failureOption: <E>(cause: Cause.Cause<E>) => Option.Option<E> = Cause.findErrorOption

/** @internal */
export const isInterruptedOnly: <E>(cause: Cause.Cause<E>) => boolean = Cause.hasInterruptsOnly

/** An interruption's exit, by no fiber in particular. @internal */
export const interrupted: Exit.Exit<never> = Exit.interrupt()

/** @internal */
export const offerUnsafe = <A>(queue: Queue.Queue<A>, value: A): boolean => Queue.offerUnsafe(queue, value)

/** Empties the queue, giving what it held. @internal */
export const takeAll = <A>(queue: Queue.Queue<A>): Effect.Effect<Iterable<A>> => Queue.clear(queue)

/** @internal */
export const take = <A>(subscription: Subscription<A>): Effect.Effect<A> => PubSub.take(subscription)

/** Interrupts the fiber without waiting for it to end. @internal */
export const interruptFork = <A, E>(fiber: RunningFiber<A, E>): Effect.Effect<void> =>
  Effect.sync(() => fiber.interruptUnsafe())

/** A deferred made outside any fiber. @internal */
export const makeDeferredUnsafe = <A, E>(): Deferred.Deferred<A, E> => Deferred.makeUnsafe<A, E>()

/** Runs `effect` in `scope` (its finalizers are added to it). @internal */
export const extendScope = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  scope: Scope.Scope
): Effect.Effect<A, E, Exclude<R, Scope.Scope>> => Scope.provide(effect, scope)

/** Fails with `onTimeout()` unless `self` ends within `duration`. @internal */
export const timeoutFail =
  <E2>(duration: Duration.Duration, onTimeout: () => E2) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | E2, R> =>
    Effect.timeoutOrElse(self, { duration, orElse: () => Effect.fail(onTimeout()) })

/** `makeRequest(method)(url, options)`: a request for the platform's client (`HttpClient.execute`). @internal */
export const makeRequest = HttpClientRequest.make

/**
 * Runs `self` with the platform's own client span off (it would record the request, `secretHeader` included: the
 * caller's span is the one), and `secretHeader` among the header names the platform redacts.
 *
 * @internal
 */
export const withoutClientSpan =
  (secretHeader: string) => <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.updateService(
      Effect.provideService(self, PlatformClient.TracerDisabledWhen, constTrue),
      Headers.CurrentRedactedNames,
      (names) => names.includes(secretHeader) ? names : [...names, secretHeader]
    )

/** The live clock, whatever the caller's. @internal */
export const liveClock: Clock.Clock = Clock.Clock.defaultValue()

/** Runs `self` on `clock`. @internal */
export const withClock = <A, E, R>(self: Effect.Effect<A, E, R>, clock: Clock.Clock): Effect.Effect<A, E, R> =>
  Effect.provideService(self, Clock.Clock, clock)

/** Whether the exit's cause holds an interruption. @internal */
export const exitHasInterrupts: <A, E>(exit: Exit.Exit<A, E>) => boolean = Exit.hasInterrupts

/** A service's key in the context (the public modules' tags). @internal */
export type ServiceTag<I, S> = Context.Key<I, S>

/** The service of `tag`, from the context. @internal */
export const service = <I, S>(tag: ServiceTag<I, S>): Effect.Effect<S, never, I> => Effect.service(tag)

/** A layer of the one service `effect` builds, its resources held by the layer's scope. @internal */
export const layerScoped = <I, S, E, R>(
  tag: ServiceTag<I, S>,
  effect: Effect.Effect<S, E, R>
): Layer.Layer<I, E, Exclude<R, Scope.Scope>> => Layer.effect(tag, effect)

/** @internal */
export { WebSocketConstructor } from "effect/socket/Socket"

/** What the `WebSocketConstructor` service is: a function from a URL to a socket. @internal */
export type WebSocketConstructorService = Socket.WebSocketConstructor["Service"]

/** An `HttpClient` from a function that answers each request. @internal */
export const makeHttpClient = PlatformClient.make

/** A client's response from a web `Response`. @internal */
export const responseFromWeb = HttpClientResponse.fromWeb

/** The client's error for a transport that failed under `request` (a connection reset, say). @internal */
export const transportError = (
  request: HttpClientRequest.HttpClientRequest,
  cause: unknown,
  description: string
): HttpClientError.HttpClientError =>
  new HttpClientError.HttpClientError({
    reason: new HttpClientError.TransportError({ request, cause, description })
  })

/** What a validation gives: its value, or its error (Effect 4's `Result`). Public: public declarations name it. */
export type Result<A, E> = Result_.Result<A, E>

/** The value, or throws `onFailure(error)`. @internal */
export const getOrThrowWith = <A, E>(self: Result<A, E>, onFailure: (error: E) => unknown): A =>
  Result_.getOrThrowWith(self, onFailure)

/** The error, if the validation failed. @internal */
export const failureOrUndefined = <A, E>(self: Result<A, E>): E | undefined =>
  Result_.isFailure(self) ? self.failure : undefined

/** Interrupts the fiber from outside any fiber, without waiting for it to end. @internal */
export const interruptUnsafe = <A, E>(fiber: RunningFiber<A, E>): void => fiber.interruptUnsafe()

/** What a runtime this library owns schedules its fibers with: Effect 4's default, which keeps no per-fiber table. @internal */
export const ownScheduler: Layer.Layer<never> = Layer.empty

/**
 * Forks `program` on the runtime's services (building them first, once). Once they are built, straight on them:
 * the runtime's own fork also files every fiber in its scope, and its callers interrupt their fibers themselves.
 *
 * @internal
 */
export const runFork = <R, ER, A, E>(
  runtime: ManagedRuntime.ManagedRuntime<R, ER>,
  program: Effect.Effect<A, E, R>
): RunningFiber<A, E | ER> => {
  const context = runtime.cachedContext
  return context === undefined ? runtime.runFork(program) : Effect.runForkWith(context)(program)
}

/** Config read from `env` (the variables the command was given), not the process's. @internal */
export const configProviderFromEnv = (env: Readonly<Record<string, string | undefined>>): Layer.Layer<never> =>
  ConfigProvider.layer(ConfigProvider.fromEnvRecord({ ...env }))

const LEVELS: Readonly<Record<LogLevel.LogLevel, Args.LogLevel>> = {
  All: "all",
  Trace: "trace",
  Debug: "debug",
  Info: "info",
  Warn: "warning",
  Error: "error",
  Fatal: "fatal",
  None: "none"
}

/** Every log, whatever its level, handed to `log` (by the command's level names) instead of the default logger. @internal */
export const loggerLayer = (log: (level: Args.LogLevel, message: unknown) => void): Layer.Layer<never> =>
  Layer.merge(
    Logger.layer([Logger.make(({ logLevel, message }) => log(LEVELS[logLevel], message))]),
    Layer.succeed(References.MinimumLogLevel, "All")
  )

/** What a fiber's services give the gate's wiring besides the clock: the context its metrics are recorded in. @internal */
export type Services = Context.Context<never>

/** `f` with the fiber's clock and services, in one step. @internal */
export const clockAndServicesWith = <A, E, R>(
  f: (clock: Clock.Clock, services?: Services) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> =>
  Effect.contextWith((context: Context.Context<never>) => f(Context.get(context, Clock.Clock), context))

/** @internal */
export const wallMillisUnsafe = (clock: Clock.Clock): number => clock.currentTimeMillisUnsafe()

/** The host clock's nanoseconds, as the gate's step-free host time reads them. @internal */
export const hostNanosUnsafe = (clock: Clock.Clock): bigint => clock.monotonicTimeNanosUnsafe()

/** Records how long one request was held at the gate (in `services`, the fiber's). @internal */
export const recordGateWaitUnsafe = (services: Services | undefined, ms: number): void => {
  if (services !== undefined) Metrics.recordGateWaitUnsafe(services, ms)
}

/** This edition has no direct path: every call passes the gate through its Effects. @internal */
export const withPlainGate = (service: RateLimit.Service, _plain: PlainGate): RateLimit.Service => service

/** Runs `self` in a fiber of its own, outliving its parent. @internal */
export const forkDetach = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<RunningFiber<A, E>, never, R> =>
  Effect.forkDetach(self)

/** A decimal from a string the core has already checked. @internal */
export const decimalOfChecked: (value: string) => BigDecimal.BigDecimal = BigDecimal.fromStringUnsafe

/** A model's constructor options for fields already checked: no second validation. @internal */
export const checked = { disableChecks: true } as const

/** The retry schedule as a step: each input waits the schedule's next delay; fails when the schedule is done. @internal */
export const scheduleStep = (
  schedule: Schedule.Schedule<unknown, unknown>
): Effect.Effect<(input: unknown) => Effect.Effect<unknown, unknown>> => Schedule.toStepWithSleep(schedule)

/** A successful validation. @internal */
export const resultSucceed = <A, E = never>(value: A): Result<A, E> => Result_.succeed(value)

/** A failed validation. @internal */
export const resultFail = <E, A = never>(error: E): Result<A, E> => Result_.fail(error)

/**
 * Has each error class named after its tag and printed as an `Error` (see `./errorName.ts`): Effect 4's
 * `Schema.TaggedError` is named after its identifier and printed through `toJSON`. @internal
 */
export const nameAfterTag: (classes: ReadonlyArray<{ readonly prototype: object }>) => void = ErrorName.nameAfterTag

/** The schema of a value that is any of `members`'. @internal */
export const schemaUnion = <const Members extends ReadonlyArray<Schema.Constraint>>(
  members: Members
): Schema.Union<Members> => Schema.Union(members)

/** What a duration may be given as. Public: public declarations name it. */
export type DurationInput = Duration.Input

/** The duration `input` names, if any (never a throw). @internal */
export const durationFromInput: (input: DurationInput) => Option.Option<Duration.Duration> = Duration.fromInput

/** Recurs while either schedule does, with the smaller delay. @internal */
export const scheduleUnion = (
  self: Schedule.Schedule<unknown>,
  that: Schedule.Schedule<unknown>
): Schedule.Schedule<unknown> => Schedule.min([self, that])

/** The secret string variable `name`. @internal */
export const configRedacted = (name: string): Config.Config<Redacted.Redacted<string>> => Config.Redacted(name)

/** The string variable `name`. @internal */
export const configString = (name: string): Config.Config<string> => Config.String(name)

/** A validation as an effect. @internal */
export const fromResult = <A, E>(result: Result<A, E>): Effect.Effect<A, E> => Effect.fromResult(result)

/** A watcher's `snapshot`: this edition's `Watch.SnapshotRef` (public: `Watch.Watcher` names it). */
export type SnapshotView = SnapshotRef

/** The watcher's snapshot as its users see it: the ref's `get` and `changes`. @internal */
export const snapshotView = (ref: SubscriptionRef.SubscriptionRef<DriverRules.Snapshot>): SnapshotView => ({
  get: SubscriptionRef.get(ref),
  changes: SubscriptionRef.changes(ref)
})

/** A counter metric (public: the public modules' metrics are typed with it). */
export type Counter<In extends number | bigint> = Metric.Counter<In>

/** A gauge metric (public: the public modules' metrics are typed with it). */
export type Gauge<In extends number | bigint> = Metric.Gauge<In>

/** A stream of the stream `effect` makes, the resources `effect` acquires held until that stream ends. @internal */
export const unwrapScoped = <A, E2, R2, E, R>(
  effect: Effect.Effect<Stream.Stream<A, E2, R2>, E, R>
): Stream.Stream<A, E | E2, R2 | Exclude<R, Scope.Scope>> => Stream.unwrap(effect)

/** What a subscription receives, as a stream. @internal */
export const streamFromSubscription = <A>(subscription: Subscription<A>): Stream.Stream<A> =>
  Stream.fromSubscription(subscription)

/**
 * A service's class, the same spelling in both editions: `class X extends ServiceClass<X, Shape>()(key) {}`
 * (Effect 4's `Context.Service<X, Shape>()(key)`). @internal
 */
export const ServiceClass =
  <Self, Shape>() => <const Key extends string>(key: Key): Context.ServiceClass<Self, Key, Shape> =>
    Context.Service<Self, Shape>()(key)

/** The platform's `HttpClient` service. Public: public declarations name it. */
export type HttpClientService = PlatformClient.HttpClient

/** Recovers from any failure of `self` (not a defect, not an interruption) with `onFailure`. @internal */
export const catchFailure: <A, E, R, A2, E2, R2>(
  self: Effect.Effect<A, E, R>,
  onFailure: (error: E) => Effect.Effect<A2, E2, R2>
) => Effect.Effect<A | A2, E2, R | R2> = Effect.catch
