/**
 * The watcher's one fiber: it drives the core's read schedule (core/watch/schedule.ts) and the stream's life
 * cycle (core/watch/stream.ts), and does only I/O and waiting. Every input (a read answered, a demand, a listenKey
 * answer, a socket opened, heard from or dropped, time passing) goes through one queue, so the two machines'
 * states are only ever touched by that fiber. Reads go through `internal/call.ts`'s `run`, and so the gate.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as Socket from "@effect/platform/Socket"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import type * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberSet from "effect/FiberSet"
import { identity } from "effect/Function"
import * as Option from "effect/Option"
import * as PubSub from "effect/PubSub"
import * as Queue from "effect/Queue"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import * as SubscriptionRef from "effect/SubscriptionRef"
import * as BinanceClock from "../../BinanceClock.js"
import * as BinanceConfig from "../../BinanceConfig.js"
import { InvalidConfiguration, type PmAccountInfoError } from "../../BinanceError.js"
import * as Credentials from "../../Credentials.js"
import * as RateLimit from "../../RateLimit.js"
import * as Call from "../call.js"
import { budgetKeyOf } from "../core/egress.js"
import type * as Events from "../core/watch/events.js"
import * as WatchOptions from "../core/watch/options.js"
import * as ScheduleRules from "../core/watch/schedule.js"
import * as StreamRules from "../core/watch/stream.js"
import * as ListenKey from "./listenKey.js"
import * as WatchMetrics from "./metrics.js"
import {
  type Event,
  type Input,
  type Options,
  type Requirements,
  type Snapshot,
  type Watcher,
  withEvent
} from "./model.js"
import * as Shared from "./shared.js"
import * as WatchSocket from "./socket.js"
import * as WebSocket from "./webSocket.js"

const WAKE: Input = { _tag: "Wake" }
/** A subscriber this many events behind loses the oldest: a watcher nobody iterates holds no more than this. */
const EVENTS_CAPACITY = 4096
/** The watcher wakes at least this often to update the `binance.watch.asset_age` gauges. */
const AGES_EVERY_MS = 5000
/** A 429, 403 or 418 pauses the paced reads until the gate's end of it. */
const PAUSES = new Set(["RateLimited", "WafBlocked", "IpBanned"])
/** How much longer than one request's timeout `close` waits for the listenKey's DELETE before it cuts anyway. */
const CLOSE_GRACE_MS = 1000

const refused = (refusal: { readonly field: string; readonly reason: string }) =>
  Effect.fail(new InvalidConfiguration({ field: refusal.field, reason: refusal.reason }))

/** Builds a watcher in the scope; `start` runs it. Bad options fail here, before anything is read or connected. */
/** @internal */
export const make = (
  options: Options
): Effect.Effect<Watcher, InvalidConfiguration, Requirements | Scope.Scope> =>
  Effect.gen(function*() {
    const checked = WatchOptions.checkWatchOptions(options)
    if ("field" in checked) return yield* refused(checked)
    const wsBaseUrl = WatchOptions.checkWsBaseUrl(options.wsBaseUrl ?? WatchOptions.DEFAULTS.wsBaseUrl)
    if (typeof wsBaseUrl !== "string") return yield* refused(wsBaseUrl)
    const context = yield* Effect.context<Requirements>()
    const config = yield* BinanceConfig.BinanceConfig
    const credentials = yield* Credentials.Credentials
    const clock = yield* BinanceClock.BinanceClock
    const client = yield* HttpClient.HttpClient
    const gate = yield* RateLimit.RateLimit
    const webSocket = checked.stream ? yield* WebSocket.constructor : undefined
    const scheduleConfig: ScheduleRules.Config = {
      assets: checked.assets,
      maxAgeMs: checked.maxAgeMs,
      weightShare: checked.weightShare,
      weightLimit: config.weightLimit,
      vmwThreshold: checked.vmwThreshold
    }
    const inputs = yield* Queue.unbounded<Input>()
    const events = yield* PubSub.sliding<Event>(EVENTS_CAPACITY)
    const snapshot = yield* SubscriptionRef.make<Snapshot>({
      assets: {},
      account: undefined,
      risk: undefined,
      stream: webSocket === undefined ? "off" : "down"
    })
    const fibers = yield* FiberSet.make()
    const scope = yield* Effect.scope

    let schedule = ScheduleRules.make(scheduleConfig, yield* Clock.currentTimeMillis)
    let stream: StreamRules.State | undefined
    let closing: Deferred.Deferred<void> | undefined
    let finished = false
    const waiters = new Map<number, Array<Deferred.Deferred<Events.AssetEvent, PmAccountInfoError>>>()
    const sockets = new Map<number, Fiber.RuntimeFiber<void>>()
    const offer = (input: Input) => void Queue.unsafeOffer(inputs, input)
    const keyContext: ListenKey.Context = {
      client,
      config,
      gate,
      apiKey: credentials.apiKey,
      now: clock.currentTimeMillis
    }

    // The snapshot and the gauge first: a subscriber woken by the event reads a snapshot that already has it.
    const publish = (event: Event): Effect.Effect<void> =>
      Effect.zipRight(
        Effect.zipRight(
          SubscriptionRef.update(snapshot, (s) => withEvent(s, event)),
          event.type === "stream" ? WatchMetrics.recordStream(event.state === "up") : Effect.void
        ),
        PubSub.publish(events, event)
      )

    const budgetKey = budgetKeyOf(config, client)
    const slots = Shared.slots(gate)
    const intervalMs = ScheduleRules.intervalMs(scheduleConfig)
    const read = (decision: Extract<ScheduleRules.Decision, { _tag: "Read" }>, now: number) => {
      // Paced reads also keep their distance from the other watchers' on this budget; a fresh read goes at once.
      const delay = decision.reason === "fresh" ? 0 : slots.claim(budgetKey, now, intervalMs) - now
      const sent = Shared.joined(
        gate,
        `${budgetKey}\u0000${config.market ?? "usds-m"}\u0000${
          Redacted.value(credentials.apiKey)
        }\u0000${decision.asset}`,
        Effect.provide(Call.run({ asset: decision.asset }, identity), context)
      )
      return FiberSet.run(
        fibers,
        Effect.exit(delay > 0 ? Effect.zipRight(Effect.sleep(delay), sent) : sent).pipe(
          Effect.withSpan("Watch.read", {
            attributes: { "binance.asset": decision.asset, "binance.watch.reason": decision.reason }
          }),
          Effect.flatMap((exit) =>
            Effect.map(
              Clock.currentTimeMillis,
              (at) => offer({ ...decision, _tag: "ReadDone", exit, at })
            )
          ),
          Effect.provide(context)
        )
      )
    }

    /** Sends every read due now; returns what the schedule waits for next. */
    const sendDue = (now: number): Effect.Effect<ScheduleRules.Decision> =>
      Effect.suspend(() => {
        const due: Array<Extract<ScheduleRules.Decision, { _tag: "Read" }>> = []
        for (;;) {
          const [decision, next] = ScheduleRules.next(schedule, now)
          schedule = next
          if (decision._tag !== "Read") {
            return Effect.as(Effect.forEach(due, (decided) => read(decided, now), { discard: true }), decision)
          }
          due.push(decision)
        }
      })

    const connect = (id: number, url: string, make: Context.Tag.Service<typeof Socket.WebSocketConstructor>) =>
      Effect.flatMap(
        FiberSet.run(
          fibers,
          WatchSocket.connection(url, make, {
            opened: () => offer({ _tag: "Opened", id }),
            text: (text) => offer({ _tag: "Text", id, text }),
            dropped: (reason) => offer({ _tag: "Dropped", id, reason })
          })
        ),
        (fiber) => Effect.sync(() => void sockets.set(id, fiber))
      )

    const act = (action: StreamRules.Action, now: number): Effect.Effect<void> => {
      switch (action._tag) {
        case "Request":
          return Effect.asVoid(FiberSet.run(
            fibers,
            Effect.map(ListenKey.send(action.method, keyContext), (answer) => offer({ _tag: "Answered", answer }))
          ))
        case "Connect":
          return connect(action.id, action.url, webSocket!)
        case "Disconnect": {
          const fiber = sockets.get(action.id)
          sockets.delete(action.id)
          return fiber === undefined ? Effect.void : Fiber.interruptFork(fiber)
        }
        // The platform's Socket cannot send a ping frame; silence is still caught (60 s, the account update
        // comes every 5 s), and the server's pings are answered by the WebSocket implementation itself.
        case "Ping":
          return Effect.void
        case "Emit": {
          const event = action.event
          if (event.type === "account") {
            schedule = ScheduleRules.account(schedule, event.virtualMaxWithdrawUSD, now)[1]
          } else if (event.type === "risk") {
            schedule = ScheduleRules.risk(schedule, now)
          }
          return publish(event)
        }
        case "Malformed":
          return Effect.logDebug("Watch: a stream frame could not be read", { reason: action.reason })
        case "Closed":
          return Effect.sync(() => {
            finished = true
          })
      }
    }

    const step = ([state, actions]: StreamRules.Step, now: number): Effect.Effect<void> =>
      Effect.suspend(() => {
        stream = state
        return Effect.forEach(actions, (action) => act(action, now), { discard: true })
      })

    const settle = (
      id: number,
      exit: Exit.Exit<Events.AssetEvent, PmAccountInfoError>
    ): Effect.Effect<void> => {
      const waiting = waiters.get(id) ?? []
      waiters.delete(id)
      return Effect.forEach(waiting, (deferred) => Deferred.done(deferred, exit), { discard: true })
    }

    const readDone = (input: Extract<Input, { _tag: "ReadDone" }>, now: number): Effect.Effect<void> =>
      Effect.zipRight(
        WatchMetrics.recordRead(
          input.reason,
          Exit.isSuccess(input.exit) ? "ok" : Option.getOrElse(
            Option.map(Cause.failureOption(input.exit.cause), (error) => error._tag),
            () => "Interrupted"
          )
        ),
        readSettled(input, now)
      )

    const readSettled = (input: Extract<Input, { _tag: "ReadDone" }>, now: number): Effect.Effect<void> => {
      if (Exit.isSuccess(input.exit)) {
        const body = input.exit.value.body
        const event: Events.AssetEvent = {
          type: "asset",
          asset: input.asset,
          maxWithdrawAmount: body.maxWithdrawAmount,
          maxWithdrawAmountUSD: body.maxWithdrawAmountUSD,
          at: input.at
        }
        schedule = ScheduleRules.succeeded(schedule, input.id, input.at)
        return Effect.zipRight(publish(event), settle(input.id, Exit.succeed(event)))
      }
      const cause = input.exit.cause
      const [failure, next] = ScheduleRules.failed(schedule, input.id, now)
      schedule = next
      const error = Cause.failureOption(cause)
      const reported = failure === undefined || error._tag === "None"
        ? Effect.void
        : publish({ type: "read-failed", at: now, ...failure, error: error.value })
      const paused = error._tag === "Some" && PAUSES.has(error.value._tag)
        ? Effect.map(gate.snapshot(budgetKey), (gated) => {
          schedule = ScheduleRules.pause(schedule, Math.max(gated.pausedUntil, gated.blockedUntil, gated.bannedUntil))
        })
        : Effect.void
      return Effect.zipRight(Effect.zipRight(reported, paused), settle(input.id, Exit.failCause(cause)))
    }

    const handle = (input: Input, now: number): Effect.Effect<void> => {
      switch (input._tag) {
        case "Wake":
          return stream === undefined ? Effect.void : step(StreamRules.tick(stream, now), now)
        case "ReadDone":
          return readDone(input, now)
        case "Demand": {
          if (closing !== undefined) {
            return Deferred.fail(
              input.deferred,
              new InvalidConfiguration({ field: "fresh", reason: "the watcher is closed" })
            )
          }
          const [demand, next] = ScheduleRules.demand(schedule, input.asset)
          schedule = next
          if (demand._tag === "NotWatched") {
            return Deferred.fail(
              input.deferred,
              new InvalidConfiguration({ field: "asset", reason: `${input.asset} is not one of the watched assets` })
            )
          }
          waiters.set(demand.id, [...(waiters.get(demand.id) ?? []), input.deferred])
          return Effect.void
        }
        case "Answered":
          return stream === undefined ? Effect.void : step(StreamRules.answered(stream, input.answer, now), now)
        case "Opened":
          return stream === undefined ? Effect.void : step(StreamRules.opened(stream, input.id, now), now)
        case "Text":
          return stream === undefined ? Effect.void : step(StreamRules.received(stream, input.id, input.text, now), now)
        case "Dropped":
          sockets.delete(input.id)
          return stream === undefined
            ? Effect.void
            : step(StreamRules.dropped(stream, input.id, input.reason, now), now)
        case "Close":
          closing = input.done
          if (stream === undefined) {
            finished = true
            return Effect.void
          }
          return step(StreamRules.close(stream, now), now)
      }
    }

    const recordAges = WatchMetrics.ageRecorder(checked.assets)
    const loop = Effect.gen(function*() {
      let now = yield* Clock.currentTimeMillis
      if (webSocket !== undefined) yield* step(StreamRules.start(wsBaseUrl, now), now)
      while (!finished) {
        let wakeAt = Number.POSITIVE_INFINITY
        if (closing === undefined) {
          const decision = yield* sendDue(now)
          if (decision._tag === "Wait") wakeAt = decision.until
        }
        if (stream !== undefined) wakeAt = Math.min(wakeAt, StreamRules.wakeAt(stream) ?? Number.POSITIVE_INFINITY)
        // The ages metric is kept current (a wake does nothing else).
        if (closing === undefined) wakeAt = Math.min(wakeAt, now + AGES_EVERY_MS)
        const input = wakeAt === Number.POSITIVE_INFINITY
          ? yield* Queue.take(inputs)
          : yield* Effect.timeoutTo(Queue.take(inputs), {
            duration: Math.max(0, wakeAt - now),
            onSuccess: identity,
            onTimeout: () => WAKE
          })
        now = yield* Clock.currentTimeMillis
        yield* handle(input, now)
        yield* recordAges(ScheduleRules.ages(schedule, now))
      }
    }).pipe(
      Effect.ensuring(Effect.suspend(() => {
        finished = true
        const pending = [...waiters.values()].flat()
        waiters.clear()
        return Effect.all([
          Effect.forEach(pending, Deferred.interrupt, { discard: true }),
          closing === undefined ? Effect.void : Deferred.succeed(closing, undefined),
          // What came in after the last input taken: a `fresh` that asked while the watcher was closing is refused,
          // not left waiting for ever.
          Effect.flatMap(Queue.takeAll(inputs), (left) =>
            Effect.forEach(left, (input) =>
              input._tag === "Demand"
                ? Deferred.fail(
                  input.deferred,
                  new InvalidConfiguration({ field: "fresh", reason: "the watcher is closed" })
                )
                : input._tag === "Close"
                ? Deferred.succeed(input.done, undefined)
                : Effect.void, { discard: true })),
          PubSub.shutdown(events),
          Queue.shutdown(inputs)
        ], { discard: true })
      }))
    )

    const fresh = (asset: string) =>
      Effect.flatMap(Deferred.make<Events.AssetEvent, PmAccountInfoError>(), (deferred) =>
        Effect.suspend(() =>
          finished
            ? Effect.fail(new InvalidConfiguration({ field: "fresh", reason: "the watcher is closed" }))
            : Effect.zipRight(Queue.offer(inputs, { _tag: "Demand", asset, deferred }), Deferred.await(deferred))
        ))

    const close = Effect.gen(function*() {
      if (finished) return
      const done = yield* Deferred.make<void>()
      yield* Queue.offer(inputs, { _tag: "Close", done })
      // The DELETE goes through the gate and the network: bounded, the scope then interrupts what is left.
      yield* Effect.ignore(Effect.timeout(Deferred.await(done), Duration.sum(config.timeout, CLOSE_GRACE_MS)))
    })

    let started = false
    const start = Effect.suspend(() => {
      if (started) return Effect.void
      started = true
      return Effect.zipRight(
        Effect.forkIn(loop, scope),
        Scope.addFinalizer(scope, close)
      )
    })

    return {
      events,
      snapshot,
      fresh,
      ages: Effect.map(Clock.currentTimeMillis, (now) => ScheduleRules.ages(schedule, now)),
      plan: ScheduleRules.plan(scheduleConfig),
      start
    }
  })
