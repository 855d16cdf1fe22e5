/**
 * The watcher's one fiber: it tells the core's rules (core/watch/driver.ts) every input, through one queue, and
 * runs the commands they answer; it does only I/O and waiting. Reads go through the edition's `internal/call.ts`
 * `run`, and so the gate.
 */
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberSet from "effect/FiberSet"
import { identity } from "effect/Function"
import * as Option from "effect/Option"
import * as PubSub from "effect/PubSub"
import * as Queue from "effect/Queue"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import * as SubscriptionRef from "effect/SubscriptionRef"
import * as BinanceClock from "../../../BinanceClock.js"
import * as BinanceConfig from "../../../BinanceConfig.js"
import { InvalidConfiguration, type PmAccountInfoError } from "../../../BinanceError.js"
import * as Credentials from "../../../Credentials.js"
import * as RateLimit from "../../../RateLimit.js"
import * as Call from "../../call.js"
import type * as CallRules from "../../core/call.js"
import { budgetKeyOf } from "../../core/egress.js"
import * as DriverRules from "../../core/watch/driver.js"
import type * as Events from "../../core/watch/events.js"
import * as ScheduleRules from "../../core/watch/schedule.js"
import * as Share from "../../core/watch/share.js"
import * as Dialect from "../../dialect.js"
import * as WatchMetrics from "../../watch/metrics.js"
import * as WatchSocket from "../../watch/socket.js"
import * as WebSocket from "../../watch/webSocket.js"
import * as ListenKey from "./listenKey.js"
import type { Event, Requirements, Watcher } from "./model.js"
import * as Shared from "./shared.js"

type Waiter = Deferred.Deferred<Events.AssetEvent, PmAccountInfoError>
type Input = DriverRules.Input<Exit.Exit<CallRules.Success, PmAccountInfoError>, Waiter, Deferred.Deferred<void>>
type Command = DriverRules.Command<PmAccountInfoError, Waiter>

const refused = (refusal: { readonly field: string; readonly reason: string }) =>
  Effect.fail(new InvalidConfiguration({ field: refusal.field, reason: refusal.reason }))

/** The read's end as the rules need it. */
const resultOf = (
  exit: Exit.Exit<CallRules.Success, PmAccountInfoError>
): DriverRules.ReadResult<PmAccountInfoError> =>
  Exit.isSuccess(exit)
    ? { _tag: "Ok", ...exit.value.body }
    : { _tag: "Failed", error: Option.getOrUndefined(Dialect.failureOption(exit.cause)) }

/** Builds a watcher in the scope; `start` runs it. Bad options fail here, before anything is read or connected. */
/** @internal */
export const make = (
  options: DriverRules.Options
): Effect.Effect<Watcher, InvalidConfiguration, Requirements | Scope.Scope> =>
  Effect.gen(function*() {
    const checked = DriverRules.check(options)
    if ("field" in checked) return yield* refused(checked)
    const context = yield* Effect.context<Requirements>()
    const config = yield* BinanceConfig.BinanceConfig
    const credentials = yield* Credentials.Credentials
    const clock = yield* BinanceClock.BinanceClock
    const client = yield* Dialect.HttpClient
    const gate = yield* RateLimit.RateLimit
    const webSocket = checked.stream ? yield* WebSocket.constructor : undefined
    const budgetKey = budgetKeyOf(config, client)
    const inputs = yield* Queue.unbounded<Input>()
    const events = yield* PubSub.sliding<Event>(DriverRules.EVENTS_CAPACITY)
    const snapshot = yield* SubscriptionRef.make(DriverRules.emptySnapshot(webSocket !== undefined))
    const fibers = yield* FiberSet.make()
    const scope = yield* Effect.scope
    const rules = DriverRules.configOf(checked, {
      weightLimit: config.weightLimit,
      streaming: webSocket !== undefined,
      slots: Shared.slots(gate),
      budgetKey,
      fleet: gate.pace !== undefined
    })
    const state = new DriverRules.State<PmAccountInfoError, Waiter, Deferred.Deferred<void>>(
      rules,
      yield* Clock.currentTimeMillis
    )
    const sockets = new Map<number, Dialect.RunningFiber<void>>()
    const offer = (input: Input) => void Dialect.offerUnsafe(inputs, input)
    const keyContext: ListenKey.Context = {
      client,
      config,
      gate,
      apiKey: credentials.apiKey,
      now: clock.currentTimeMillis
    }

    // The snapshot and the gauge first: a subscriber woken by the event reads a snapshot that already has it.
    const publish = (event: Event): Effect.Effect<void> =>
      Effect.andThen(
        Effect.andThen(
          SubscriptionRef.update(snapshot, (s) => DriverRules.withEvent(s, event)),
          event.type === "stream" ? WatchMetrics.recordStream(event.state === "up") : Effect.void
        ),
        PubSub.publish(events, event)
      )

    const readKey = (asset: string) =>
      Share.readKey(budgetKey, config.market, Redacted.value(credentials.apiKey), asset)

    const read = (command: Extract<Command, { _tag: "Read" }>) => {
      const sent = Shared.joined(
        gate,
        readKey(command.asset),
        Effect.provide(Call.run({ asset: command.asset }, identity), context)
      )
      return FiberSet.run(
        fibers,
        Effect.exit(command.delayMs > 0 ? Effect.andThen(Effect.sleep(command.delayMs), sent) : sent).pipe(
          Effect.withSpan("Watch.read", {
            attributes: { "binance.asset": command.asset, "binance.watch.reason": command.reason }
          }),
          Effect.flatMap((exit) =>
            Effect.map(
              Clock.currentTimeMillis,
              (at) =>
                offer({ _tag: "ReadDone", id: command.id, asset: command.asset, reason: command.reason, exit, at })
            )
          ),
          Effect.provide(context)
        )
      )
    }

    /** Runs one command; `exit` is the read's end a `Settle` passes on. */
    const run = (
      command: Command,
      exit?: Exit.Exit<CallRules.Success, PmAccountInfoError>
    ): Effect.Effect<void> => {
      switch (command._tag) {
        case "Read":
          return Effect.asVoid(read(command))
        case "Claim": {
          const pace = gate.pace!
          return Effect.asVoid(FiberSet.run(
            fibers,
            Effect.flatMap(
              Effect.all([clock.currentTimeMillis, Clock.currentTimeMillis]),
              ([server, host]) =>
                Effect.map(
                  pace(budgetKey, command.intervalMs, server),
                  (at) => offer(DriverRules.claimed(command, at, server, host))
                )
            )
          ))
        }
        case "Request":
          return Effect.asVoid(FiberSet.run(
            fibers,
            Effect.map(ListenKey.send(command.method, keyContext), (answer) => offer({ _tag: "Answered", answer }))
          ))
        case "Connect":
          return Effect.flatMap(
            FiberSet.run(
              fibers,
              WatchSocket.connection(command.url, webSocket!, {
                opened: () => offer({ _tag: "Opened", id: command.id }),
                text: (text) => offer({ _tag: "Text", id: command.id, text }),
                dropped: (reason) => offer({ _tag: "Dropped", id: command.id, reason })
              })
            ),
            (fiber) => Effect.sync(() => void sockets.set(command.id, fiber))
          )
        case "Disconnect": {
          const fiber = sockets.get(command.id)
          sockets.delete(command.id)
          return fiber === undefined ? Effect.void : Dialect.interruptFork(fiber)
        }
        case "Publish":
          return publish(command.event)
        case "Malformed":
          return Effect.logDebug("Watch: a stream frame could not be read", { reason: command.reason })
        case "Pause":
          return Effect.map(gate.snapshot(budgetKey), (gated) => state.pause(gated))
        case "Settle": {
          const settled: Exit.Exit<Events.AssetEvent, PmAccountInfoError> = command.event !== undefined
            ? Exit.succeed(command.event)
            : exit !== undefined && Exit.isFailure(exit)
            ? Exit.failCause(exit.cause)
            : Dialect.interrupted
          return Effect.forEach(command.waiters, (deferred) => Deferred.done(deferred, settled), { discard: true })
        }
        case "Refuse":
          return Deferred.fail(
            command.waiter,
            new InvalidConfiguration({ field: command.field, reason: command.reason })
          )
      }
    }

    const runAll = (
      commands: ReadonlyArray<Command>,
      exit?: Exit.Exit<CallRules.Success, PmAccountInfoError>
    ): Effect.Effect<void> => Effect.forEach(commands, (command) => run(command, exit), { discard: true })

    const handle = (input: Input, now: number): Effect.Effect<void> => {
      if (input._tag !== "ReadDone") {
        if (input._tag === "Dropped") sockets.delete(input.id)
        return Effect.suspend(() => runAll(state.handle(input, now)))
      }
      const result = resultOf(input.exit)
      return Effect.andThen(
        WatchMetrics.recordRead(input.reason, DriverRules.outcomeOf(result)),
        Effect.suspend(() => runAll(state.readDone(input, result, now), input.exit))
      )
    }

    const recordAges = WatchMetrics.ageRecorder(checked.assets)
    const loop = Effect.gen(function*() {
      let now = yield* Clock.currentTimeMillis
      yield* runAll(state.start(now))
      while (!state.finished) {
        const { reads, wakeAt } = state.due(now)
        yield* runAll(reads)
        const input = wakeAt === Number.POSITIVE_INFINITY
          ? yield* Queue.take(inputs)
          : Option.getOrElse(
            yield* Effect.timeoutOption(Queue.take(inputs), Math.max(0, wakeAt - now)),
            (): Input => DriverRules.WAKE
          )
        now = yield* Clock.currentTimeMillis
        yield* handle(input, now)
        yield* recordAges(state.ages(now))
      }
    }).pipe(
      Effect.ensuring(Effect.suspend(() => {
        const end = (finished: DriverRules.Finished<Waiter, Deferred.Deferred<void>>) =>
          Effect.all([
            Effect.forEach(finished.interrupted, Deferred.interrupt, { discard: true }),
            Effect.forEach(
              finished.refused,
              (deferred) => Deferred.fail(deferred, new InvalidConfiguration(DriverRules.CLOSED)),
              { discard: true }
            ),
            Effect.forEach(finished.done, (done) => Deferred.succeed(done, undefined), { discard: true })
          ], { discard: true })
        return Effect.all([
          end(state.finish()),
          Effect.flatMap(Dialect.takeAll(inputs), (left) => end(DriverRules.leftover(left))),
          PubSub.shutdown(events),
          Queue.shutdown(inputs)
        ], { discard: true })
      }))
    )

    const fresh = (asset: string) =>
      Effect.flatMap(Deferred.make<Events.AssetEvent, PmAccountInfoError>(), (deferred) =>
        Effect.suspend(() =>
          state.finished
            ? Effect.fail(new InvalidConfiguration(DriverRules.CLOSED))
            : Effect.andThen(Queue.offer(inputs, { _tag: "Demand", asset, deferred }), Deferred.await(deferred))
        ))

    const close = Effect.gen(function*() {
      if (state.finished) {
        return
      }
      const done = yield* Deferred.make<void>()
      yield* Queue.offer(inputs, { _tag: "Close", done })
      // The DELETE goes through the gate and the network: bounded, the scope then interrupts what is left.
      yield* Effect.ignore(
        Effect.timeout(Deferred.await(done), Duration.sum(config.timeout, Duration.millis(DriverRules.CLOSE_GRACE_MS)))
      )
    })

    let started = false
    const start = Effect.suspend(() => {
      if (started) {
        return Effect.void
      }
      started = true
      return Effect.andThen(
        Effect.forkIn(loop, scope),
        Scope.addFinalizer(scope, close)
      )
    })

    return {
      events,
      snapshot,
      fresh,
      ages: Effect.map(Clock.currentTimeMillis, (now) => state.ages(now)),
      plan: ScheduleRules.plan(rules.schedule),
      start
    }
  })
