// The soak's Effect program on Effect 3, from the sources (see ./program.ts).
import * as Cause from "effect/Cause"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import { BinanceClock, BinanceConfig, BinanceHttpClient, Credentials, PortfolioMargin } from "../../src/index.js"
import type { MakeProgram } from "./program.js"

// No RateLimit layer and no egress: the program uses the process-wide gate, as the Promise clients do.
export const make: MakeProgram = (options) => {
  const logLines: Array<string> = []
  const captureLogs = Logger.replace(
    Logger.defaultLogger,
    Logger.make((entry) => void logLines.push(Logger.logfmtLogger.log(entry), Logger.jsonLogger.log(entry)))
  )
  const runtime = ManagedRuntime.make(Layer.mergeAll(
    Credentials.layerHmac({ apiKey: options.apiKey, secretKey: options.secretKey }),
    BinanceConfig.layer({
      baseUrl: options.baseUrl,
      maxRetryAfterWait: `${options.maxRetryAfterWaitMs} millis`,
      weightLimit: options.weightLimit
    }),
    BinanceClock.layer,
    BinanceHttpClient.layer(),
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
    logLines
  }
}
