// The soak's Effect program on Effect 3, from the sources (see ./program.ts).
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"
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
import type { Instruments, MakeProgram } from "./program.js"

/** A gate of its own and an undici client (closed with the runtime), both instrumented into `instruments`. */
const instrumented = (instruments: { -readonly [K in keyof Instruments]: Array<Instruments[K][number]> }) => {
  let sequence = 0
  const admissions = new Map<string, number>()
  const http = Layer.effect(
    HttpClient.HttpClient,
    Effect.map(
      HttpClient.HttpClient,
      HttpClient.transform((send) =>
        Effect.flatMap(Effect.fiberId, (fiber) => {
          instruments.sends.push({ seq: admissions.get(FiberId.threadName(fiber)) ?? sequence++, at: Date.now() })
          return Effect.tap(send, (response) => {
            if (response.status === 429 || response.status === 418) instruments.receipts.push(Date.now())
          })
        })
      )
    )
  ).pipe(Layer.provide(NodeHttpClient.layerUndici))
  const inner = RateLimit.makeUnsafe()
  const gate: RateLimit.Service = {
    acquire: (request) =>
      Effect.flatMap(inner.acquire(request), (permit) =>
        Effect.map(Effect.fiberId, (fiber) => {
          admissions.set(FiberId.threadName(fiber), sequence++)
          return permit
        })),
    release: (permit, outcome, now) =>
      Effect.tap(inner.release(permit, outcome, now), () => {
        const wait = outcome.status === 429 || outcome.status === 418 ? outcome.retryAfterMs : undefined
        if (wait !== undefined) instruments.closed.push({ seq: sequence++, from: Date.now(), to: Date.now() + wait })
      }),
    snapshot: inner.snapshot
  }
  return Layer.merge(http, Layer.succeed(RateLimit.RateLimit, gate))
}

export const make: MakeProgram = (options) => {
  const logLines: Array<string> = []
  const instruments = { sends: [], closed: [], receipts: [] }
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
      const exit = await runtime.runPromiseExit(PortfolioMargin.pmAccountInfo({ asset }))
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
