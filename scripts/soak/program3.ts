// The soak's Effect program on Effect 3, from the sources (see ./program.ts).
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import {
  BinanceClock,
  BinanceConfig,
  BinanceHttpClient,
  Credentials,
  PortfolioMargin,
  RateLimit
} from "../../src/index.js"
import { type MakeProgram, pauseWatch, type Recorded } from "./program.js"

/**
 * Whether the gate admitted a request in this call: set afresh for each call. A FiberRef, because the request may
 * leave from a child of the fiber the gate admitted (a timeout's), and children inherit it.
 */
const admission = FiberRef.unsafeMake<{ admitted: boolean }>({ admitted: false })

/** A gate of its own over an instrumented store, and an undici client (closed with the runtime) that sees each send. */
const instrumented = (instruments: Recorded) => {
  const watch = pauseWatch(instruments)
  const http = Layer.effect(
    HttpClient.HttpClient,
    Effect.map(
      HttpClient.HttpClient,
      HttpClient.transform((send) =>
        Effect.flatMap(FiberRef.get(admission), (call) => {
          if (!call.admitted) instruments.ungated.push(Date.now())
          return Effect.tap(send, (response) => {
            if (response.status === 429 || response.status === 418) instruments.receipts.push(Date.now())
          })
        })
      )
    )
  ).pipe(Layer.provide(NodeHttpClient.layerUndici))
  const inner = RateLimit.memoryStore()
  // The inner store's steps are synchronous: running them inside one `Effect.sync` keeps the gate's decision and
  // its record one step.
  const store: RateLimit.Store = {
    ...inner,
    admit: (key, ask) =>
      Effect.flatMap(FiberRef.get(admission), (call) =>
        Effect.sync(() => {
          const decision = Effect.runSync(inner.admit(key, ask))
          if (watch.admitted(key, decision, ask.local)) call.admitted = true
          return decision
        })),
    settle: (key, permit, outcome, now, local) =>
      Effect.sync(() => {
        Effect.runSync(inner.settle(key, permit, outcome, now, local))
        watch.settled(key, outcome, local)
      })
  }
  return Layer.merge(http, Layer.succeed(RateLimit.RateLimit, RateLimit.make(store)))
}

export const make: MakeProgram = (options) => {
  const logLines: Array<string> = []
  const instruments: Recorded = { admittedInPause: [], ungated: [], closed: [], receipts: [] }
  const captureLogs = Logger.replace(
    Logger.defaultLogger,
    Logger.make((entry) => void logLines.push(Logger.logfmtLogger.log(entry), Logger.jsonLogger.log(entry)))
  )
  const runtime = ManagedRuntime.make(Layer.mergeAll(
    Credentials.layerHmac({ apiKey: options.apiKey, secretKey: options.secretKey }),
    BinanceConfig.layer({
      baseUrl: options.baseUrl,
      maxRetryAfterWait: `${options.maxRetryAfterWaitMs} millis`,
      weightLimit: options.weightLimit,
      ...(options.timeoutMs === undefined ? {} : { timeout: `${options.timeoutMs} millis` })
    }),
    BinanceClock.layer,
    options.instrument === true ? instrumented(instruments) : BinanceHttpClient.layer(),
    captureLogs,
    Logger.minimumLogLevel(LogLevel.All)
  ))
  return {
    call: async (asset) => {
      const exit = await runtime.runPromiseExit(
        Effect.locally(PortfolioMargin.pmAccountInfo({ asset }), admission, { admitted: false })
      )
      if (Exit.isSuccess(exit)) return { _tag: "Success" }
      const pretty = Cause.pretty(exit.cause)
      const failure = Cause.failureOption(exit.cause)
      return Option.isNone(failure) ? { _tag: "Defect", pretty } : { _tag: "Failure", error: failure.value, pretty }
    },
    dispose: () => runtime.dispose(),
    logLines,
    instruments
  }
}
