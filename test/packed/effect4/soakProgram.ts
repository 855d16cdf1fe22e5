// The soak's Effect program on the Effect 4 tarball (see scripts/soak/program.ts). The soak runs in the root's
// process, whose `effect` is Effect 3: this module imports types only, and gets the tarball's Effect and library
// from its consumer folder (`modules`), the same copies its Promise clients run on.
import type * as Effect4 from "effect"
import type * as Library from "effect-binance-pm"
import type * as Context from "effect/Context"
import type * as Http from "effect/http"
import { type MakeProgram, pauseWatch, type Recorded } from "../../../scripts/soak/program.js"

export interface Modules {
  readonly effect: typeof Effect4
  readonly http: typeof Http
  readonly library: typeof Library
}

/** Whether the gate admitted a request in this call: provided afresh to each call. */
type Admission = Context.Reference<{ admitted: boolean }>

/**
 * A gate of its own over an instrumented store, and BinanceHttpClient (closed with the runtime) that sees each send.
 * Effect 4 may send from a child of the fiber the gate admitted (a timeout's), so a send finds its admission in the
 * call's context, which children inherit, rather than by fiber id as on Effect 3.
 */
const instrumented = ({ effect, http, library }: Modules, instruments: Recorded, admission: Admission) => {
  const { Effect, Layer } = effect
  const { HttpClient } = http
  const { BinanceHttpClient, RateLimit } = library
  const watch = pauseWatch(instruments)
  const client = Layer.effect(
    HttpClient.HttpClient,
    Effect.gen(function*() {
      return HttpClient.transform(yield* HttpClient.HttpClient, (send) =>
        Effect.gen(function*() {
          if (!(yield* admission).admitted) instruments.ungated.push(Date.now())
          const response = yield* send
          if (response.status === 429 || response.status === 418) instruments.receipts.push(Date.now())
          return response
        }))
    })
  ).pipe(Layer.provide(BinanceHttpClient.layer()))
  const inner = RateLimit.memoryStore()
  // The inner store's steps are synchronous: running them inside one `Effect.sync` keeps the gate's decision and
  // its record one step.
  const store: Library.RateLimit.Store = {
    ...inner,
    admit: (key, ask) =>
      Effect.flatMap(Effect.service(admission), (call) =>
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
  return Layer.merge(client, Layer.succeed(RateLimit.RateLimit, RateLimit.make(store)))
}

export const make = (modules: Modules): MakeProgram => (options) => {
  const { Cause, Context, Effect, Exit, Layer, Logger, ManagedRuntime, Option, References } = modules.effect
  const { BinanceClock, BinanceConfig, BinanceHttpClient, Credentials, PortfolioMargin } = modules.library
  const logLines: Array<string> = []
  const instruments: Recorded = { admittedInPause: [], ungated: [], closed: [], receipts: [] }
  const admission: Admission = Context.Reference<{ admitted: boolean }>("soak/Admission", {
    defaultValue: () => ({ admitted: false })
  })
  const captureLogs = Logger.layer([
    Logger.make((entry) => void logLines.push(Logger.formatLogFmt.log(entry), Logger.formatJson.log(entry)))
  ])
  const runtime = ManagedRuntime.make(Layer.mergeAll(
    Credentials.layerHmac({ apiKey: options.apiKey, secretKey: options.secretKey }),
    BinanceConfig.layer({
      baseUrl: options.baseUrl,
      maxRetryAfterWait: `${options.maxRetryAfterWaitMs} millis`,
      weightLimit: options.weightLimit,
      ...(options.timeoutMs === undefined ? {} : { timeout: `${options.timeoutMs} millis` as const })
    }),
    BinanceClock.layer,
    options.instrument === true ? instrumented(modules, instruments, admission) : BinanceHttpClient.layer(),
    captureLogs,
    Layer.succeed(References.MinimumLogLevel, "All")
  ))
  return {
    call: async (asset) => {
      const exit = await runtime.runPromiseExit(
        Effect.provideService(PortfolioMargin.pmAccountInfo({ asset }), admission, { admitted: false })
      )
      if (Exit.isSuccess(exit)) return { _tag: "Success" }
      const pretty = Cause.pretty(exit.cause)
      const failure = Cause.findErrorOption(exit.cause)
      return Option.isNone(failure) ? { _tag: "Defect", pretty } : { _tag: "Failure", error: failure.value, pretty }
    },
    dispose: () => runtime.dispose(),
    logLines,
    instruments
  }
}
