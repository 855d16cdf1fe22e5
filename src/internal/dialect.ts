/**
 * Effect 3's words for what the shared wiring (`./wiring`, compiled by both editions) needs and Effect 3 and
 * Effect 4 name differently. `effect4/src/internal/dialect.ts` exports the same names in Effect 4's; a wiring file
 * imports `../../dialect.js`, which lands in the edition's own tree. Keep the two files' exports identical, each
 * a thin alias: a rule goes to the core, a sequence to the wiring.
 */
import * as Headers from "@effect/platform/Headers"
import * as PlatformClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type * as Socket from "@effect/platform/Socket"
import * as BigDecimal from "effect/BigDecimal"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"
import { constTrue } from "effect/Function"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import type * as ManagedRuntime from "effect/ManagedRuntime"
import type * as Metric from "effect/Metric"
import type * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import type * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import type * as SchemaAST from "effect/SchemaAST"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as Subscribable from "effect/Subscribable"
import type * as SubscriptionRef from "effect/SubscriptionRef"
import type * as RateLimit from "../RateLimit.js"
import type * as Args from "./core/cli/args.js"
import type * as DriverRules from "./core/watch/driver.js"
import * as Direct from "./direct.js"
import * as Metrics from "./metrics.js"
import * as OwnScheduler from "./scheduler.js"
import type { PlainGate } from "./wiring/rateLimit.js"

/** The platform's client (public: the shared public declarations name it, `Watch.Requirements` say). */
export { HttpClient } from "@effect/platform/HttpClient"

/** A fiber forked by the wiring (`FiberSet.run`'s). @internal */
export type RunningFiber<A, E = never> = Fiber.RuntimeFiber<A, E>

/** What `PubSub.subscribe` gives (public: `Watch.Watcher` names it). */
export type Subscription<A> = Queue.Dequeue<A>

/** @internal */
export const failureOption: <E>(cause: Cause.Cause<E>) => Option.Option<E> = Cause.failureOption

/** @internal */
export const isInterruptedOnly: <E>(cause: Cause.Cause<E>) => boolean = Cause.isInterruptedOnly

/** An interruption's exit, by no fiber in particular. @internal */
export const interrupted: Exit.Exit<never> = Exit.interrupt(FiberId.none)

/** @internal */
export const offerUnsafe = <A>(queue: Queue.Queue<A>, value: A): boolean => Queue.unsafeOffer(queue, value)

/** Empties the queue, giving what it held. @internal */
export const takeAll = <A>(queue: Queue.Queue<A>): Effect.Effect<Iterable<A>> => Queue.takeAll(queue)

/** @internal */
export const take = <A>(subscription: Subscription<A>): Effect.Effect<A> => Queue.take(subscription)

/** Interrupts the fiber without waiting for it to end. @internal */
export const interruptFork = <A, E>(fiber: RunningFiber<A, E>): Effect.Effect<void> => Fiber.interruptFork(fiber)

/** A deferred made outside any fiber. @internal */
export const makeDeferredUnsafe = <A, E>(): Deferred.Deferred<A, E> => Deferred.unsafeMake<A, E>(FiberId.none)

/** Runs `effect` in `scope` (its finalizers are added to it). @internal */
export const extendScope = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  scope: Scope.Scope
): Effect.Effect<A, E, Exclude<R, Scope.Scope>> => Scope.extend(effect, scope)

/** Fails with `onTimeout()` unless `self` ends within `duration`. @internal */
export const timeoutFail =
  <E2>(duration: Duration.Duration, onTimeout: () => E2) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E | E2, R> =>
    Effect.timeoutFail(self, { duration, onTimeout })

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
    Effect.locallyWith(
      Effect.locally(self, PlatformClient.currentTracerDisabledWhen, constTrue),
      Headers.currentRedactedNames,
      (names) => names.includes(secretHeader) ? names : [...names, secretHeader]
    )

/** The live clock, whatever the caller's. @internal */
export const liveClock: Clock.Clock = Clock.make()

/** Runs `self` on `clock`. @internal */
export const withClock = <A, E, R>(self: Effect.Effect<A, E, R>, clock: Clock.Clock): Effect.Effect<A, E, R> =>
  Effect.withClock(self, clock)

/** Whether the exit's cause holds an interruption. @internal */
export const exitHasInterrupts: <A, E>(exit: Exit.Exit<A, E>) => boolean = Exit.isInterrupted

/** A service's key in the context (the public modules' tags). @internal */
export type ServiceTag<I, S> = Context.Tag<I, S>

/** The service of `tag`, from the context. @internal */
export const service = <I, S>(tag: ServiceTag<I, S>): Effect.Effect<S, never, I> => tag

/** A layer of the one service `effect` builds, its resources held by the layer's scope. @internal */
export const layerScoped = <I, S, E, R>(
  tag: ServiceTag<I, S>,
  effect: Effect.Effect<S, E, R>
): Layer.Layer<I, E, Exclude<R, Scope.Scope>> => Layer.scoped(tag, effect)

/** @internal */
export { WebSocketConstructor } from "@effect/platform/Socket"

/** What the `WebSocketConstructor` service is: a function from a URL to a socket. @internal */
export type WebSocketConstructorService = Context.Tag.Service<typeof Socket.WebSocketConstructor>

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
  new HttpClientError.RequestError({ request, reason: "Transport", cause, description })

/** What a validation gives: its value, or its error (Effect 3's `Either`). Public: public declarations name it. */
export type Result<A, E> = Either.Either<A, E>

/** The value, or throws `onFailure(error)`. @internal */
export const getOrThrowWith = <A, E>(self: Result<A, E>, onFailure: (error: E) => unknown): A =>
  Either.getOrThrowWith(self, onFailure)

/** The error, if the validation failed. @internal */
export const failureOrUndefined = <A, E>(self: Result<A, E>): E | undefined =>
  Either.isLeft(self) ? self.left : undefined

/** Interrupts the fiber from outside any fiber, without waiting for it to end. @internal */
export const interruptUnsafe = <A, E>(fiber: RunningFiber<A, E>): void => fiber.unsafeInterruptAsFork(fiber.id())

/**
 * What a runtime this library owns (the Promise API's, the CLI's) schedules its fibers with: Effect 3's default keeps
 * a runner per fiber in a table that slows every young-generation collection (./scheduler.ts). @internal
 */
export const ownScheduler: Layer.Layer<never> = Layer.setScheduler(OwnScheduler.make())

/** Forks `program` on the runtime's services (building them first, once). @internal */
export const runFork = <R, ER, A, E>(
  runtime: ManagedRuntime.ManagedRuntime<R, ER>,
  program: Effect.Effect<A, E, R>
): RunningFiber<A, E | ER> => runtime.runFork(program)

/** Config read from `env` (the variables the command was given), not the process's. @internal */
export const configProviderFromEnv = (env: Readonly<Record<string, string | undefined>>): Layer.Layer<never> =>
  Layer.setConfigProvider(ConfigProvider.fromMap(
    new Map(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined))
  ))

/** Every log, whatever its level, handed to `log` (by the command's level names) instead of the default logger. @internal */
export const loggerLayer = (log: (level: Args.LogLevel, message: unknown) => void): Layer.Layer<never> =>
  Layer.merge(
    Logger.replace(
      Logger.defaultLogger,
      Logger.make(({ logLevel, message }) => log(logLevel._tag.toLowerCase() as Args.LogLevel, message))
    ),
    Logger.minimumLogLevel(LogLevel.All)
  )

/** What a fiber's services give the gate's wiring besides the clock: nothing here (its metrics are global). @internal */
export type Services = undefined

/** `f` with the fiber's clock (and services), in one step. @internal */
export const clockAndServicesWith: <A, E, R>(
  f: (clock: Clock.Clock, services?: Services) => Effect.Effect<A, E, R>
) => Effect.Effect<A, E, R> = Effect.clockWith

/** @internal */
export const wallMillisUnsafe = (clock: Clock.Clock): number => clock.unsafeCurrentTimeMillis()

/** The host clock's nanoseconds, as the gate's step-free host time reads them. @internal */
export const hostNanosUnsafe = (clock: Clock.Clock): bigint => clock.unsafeCurrentTimeNanos()

/** Records how long one request was held at the gate. @internal */
export const recordGateWaitUnsafe = (_services: Services | undefined, ms: number): void =>
  Metrics.unsafeRecordGateWait(ms)

/**
 * Registers the plain admission and release of a gate over budgets in memory as its direct path
 * (`internal/direct`): a call's attempt passes the gate in the step it is already in. @internal
 */
export const withPlainGate = (service: RateLimit.Service, plain: PlainGate): RateLimit.Service =>
  Direct.withDirectGate(service, {
    admit: (request, clock) => {
      const now = Direct.nowReaderOf(request.now)?.(clock)
      return now === undefined ? undefined : plain.admit(request, now, clock)
    },
    release: plain.release
  })

/** Runs `self` in a fiber of its own, outliving its parent. @internal */
export const forkDetach = <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<RunningFiber<A, E>, never, R> =>
  Effect.forkDaemon(self)

/** A decimal from a string the core has already checked. @internal */
export const decimalOfChecked: (value: string) => BigDecimal.BigDecimal = BigDecimal.unsafeFromString

/** A model's constructor options for fields already checked: no second validation. @internal */
export const checked = { disableValidation: true } as const

/** The retry schedule as a step: each input waits the schedule's next delay; fails when the schedule is done. @internal */
export const scheduleStep = (
  schedule: Schedule.Schedule<unknown, unknown>
): Effect.Effect<(input: unknown) => Effect.Effect<unknown, unknown>> =>
  Effect.map(Schedule.driver(schedule), (driver) => (input: unknown) => driver.next(input))

/** A successful validation. @internal */
export const resultSucceed = <A, E = never>(value: A): Result<A, E> => Either.right(value)

/** A failed validation. @internal */
export const resultFail = <E, A = never>(error: E): Result<A, E> => Either.left(error)

/**
 * Has each error class named after its tag and printed as an `Error`: Effect 3's `Schema.TaggedError` already
 * is (the Effect 4 edition's is not). @internal
 */
export const nameAfterTag = (_classes: ReadonlyArray<{ readonly prototype: object }>): void => {}

/** The schema of a value that is any of `members`' (Effect 3 spreads them). @internal */
export const schemaUnion = <const Members extends SchemaAST.Members<Schema.Schema.All>>(
  members: Members
): Schema.Union<[...Members]> => Schema.Union(...members) as Schema.Union<[...Members]>

/** What a duration may be given as. Public: public declarations name it. */
export type DurationInput = Duration.DurationInput

/** The duration `input` names, if any (never a throw). @internal */
export const durationFromInput: (input: DurationInput) => Option.Option<Duration.Duration> = Duration.decodeUnknown

/** Recurs while either schedule does, with the smaller delay. @internal */
export const scheduleUnion = (
  self: Schedule.Schedule<unknown>,
  that: Schedule.Schedule<unknown>
): Schedule.Schedule<unknown> => Schedule.union(self, that)

/** The secret string variable `name`. @internal */
export const configRedacted = (name: string): Config.Config<Redacted.Redacted<string>> => Config.redacted(name)

/** The string variable `name`. @internal */
export const configString = (name: string): Config.Config<string> => Config.string(name)

/** A validation as an effect (Effect 3's `Either` already is one). @internal */
export const fromResult = <A, E>(result: Result<A, E>): Effect.Effect<A, E> => result

/** A watcher's `snapshot`: the latest snapshot, and its changes (public: `Watch.Watcher` names it). */
export type SnapshotView = Subscribable.Subscribable<DriverRules.Snapshot>

/** The watcher's snapshot as its users see it: Effect 3's `SubscriptionRef` is already `Subscribable`. @internal */
export const snapshotView = (ref: SubscriptionRef.SubscriptionRef<DriverRules.Snapshot>): SnapshotView => ref

/** A counter metric (public: the public modules' metrics are typed with it). */
export type Counter<In extends number | bigint> = Metric.Metric.Counter<In>

/** A gauge metric (public: the public modules' metrics are typed with it). */
export type Gauge<In extends number | bigint> = Metric.Metric.Gauge<In>

/** A stream of the stream `effect` makes, the resources `effect` acquires held until that stream ends. @internal */
export const unwrapScoped = <A, E2, R2, E, R>(
  effect: Effect.Effect<Stream.Stream<A, E2, R2>, E, R>
): Stream.Stream<A, E | E2, R2 | Exclude<R, Scope.Scope>> => Stream.unwrapScoped(effect)

/** What a subscription receives, as a stream. @internal */
export const streamFromSubscription = <A>(subscription: Subscription<A>): Stream.Stream<A> =>
  Stream.fromQueue(subscription)

/**
 * A service's class, the same spelling in both editions: `class X extends ServiceClass<X, Shape>()(key) {}`
 * (Effect 3's `Context.Tag(key)<X, Shape>()`). @internal
 */
export const ServiceClass =
  <Self, Shape>() => <const Key extends string>(key: Key): Context.TagClass<Self, Key, Shape> =>
    Context.Tag(key)<Self, Shape>()

/** The platform's `HttpClient` service. Public: public declarations name it. */
export type HttpClientService = PlatformClient.HttpClient

/** Recovers from any failure of `self` (not a defect, not an interruption) with `onFailure`. @internal */
export const catchFailure: <A, E, R, A2, E2, R2>(
  self: Effect.Effect<A, E, R>,
  onFailure: (error: E) => Effect.Effect<A2, E2, R2>
) => Effect.Effect<A | A2, E2, R | R2> = Effect.catchAll
