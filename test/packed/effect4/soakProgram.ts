// The soak's Effect program on the Effect 4 tarball (see scripts/soak/program.ts). The soak runs in the root's
// process, whose `effect` is Effect 3: this module imports types only, and gets the tarball's Effect and library
// from its consumer folder (`modules`), the same copies its Promise clients run on.
import type * as Effect4 from "effect"
import type * as Library from "effect-binance-pm"
import type { MakeProgram } from "../../../scripts/soak/program.js"

export interface Modules {
  readonly effect: typeof Effect4
  readonly library: typeof Library
}

// No RateLimit layer and no egress: the program uses the process-wide gate, as the Promise clients do.
export const make = ({ effect, library }: Modules): MakeProgram => (options) => {
  const { Cause, Exit, Layer, Logger, ManagedRuntime, Option, References } = effect
  const { BinanceClock, BinanceConfig, BinanceHttpClient, Credentials, PortfolioMargin } = library
  const logLines: Array<string> = []
  const captureLogs = Logger.layer([
    Logger.make((entry) => void logLines.push(Logger.formatLogFmt.log(entry), Logger.formatJson.log(entry)))
  ])
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
    Layer.succeed(References.MinimumLogLevel, "All")
  ))
  return {
    call: async (asset) => {
      const exit = await runtime.runPromiseExit(PortfolioMargin.pmAccountInfo({ asset }))
      if (Exit.isSuccess(exit)) return { _tag: "Success" }
      const pretty = Cause.pretty(exit.cause)
      const failure = Cause.findErrorOption(exit.cause)
      return Option.isNone(failure) ? { _tag: "Defect", pretty } : { _tag: "Failure", error: failure.value, pretty }
    },
    dispose: () => runtime.dispose(),
    logLines
  }
}
