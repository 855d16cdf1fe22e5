/**
 * What the command (`../core/cli/main.ts`, written once) needs from an edition: the library's layers for the
 * settings it chose, with every log handed to the command (which prints them on stderr), and a call per asset.
 * Each edition's `bin.ts` runs the command with it.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { identity } from "effect/Function"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as BinanceClock from "../../BinanceClock.js"
import * as BinanceConfig from "../../BinanceConfig.js"
import * as BinanceHttpClient from "../../BinanceHttpClient.js"
import * as Credentials from "../../Credentials.js"
import * as FakeBinance from "../../FakeBinance.js"
import * as PortfolioMargin from "../../PortfolioMargin.js"
import * as RateLimit from "../../RateLimit.js"
import type * as Call from "../call.js"
import * as Cli from "../core/cli/main.js"
import * as Dialect from "../dialect.js"
import { version } from "../version.js"

const credentials = (settings: Cli.Settings) =>
  settings.credentials._tag === "PrivateKey"
    ? Credentials.layerPrivateKey(settings.credentials)
    : Credentials.layerConfig().pipe(Layer.provide(Dialect.configProviderFromEnv(settings.credentials.env)))

// Every level reaches the command, which filters by --log-level (it also counts failed attempts from them).
const logging = (settings: Cli.Settings) =>
  Dialect.loggerLayer((level, message) => settings.log(level, Array.isArray(message) ? message : [message]))

const rejection = (cause: Cause.Cause<unknown>): unknown => {
  const failure = Dialect.failureOption(cause)
  if (Option.isSome(failure)) return failure.value
  return Dialect.isInterruptedOnly(cause) ? Cli.interrupted() : Cause.squash(cause)
}

const open = (
  settings: Cli.Settings,
  config: BinanceConfig.Service,
  proxyUrl: string | undefined
): Cli.Library => {
  const runtime = ManagedRuntime.make(
    Layer.mergeAll(
      credentials(settings),
      Layer.succeed(BinanceConfig.BinanceConfig, config),
      BinanceClock.layer,
      // The library's own node:http client: a refused connection reads ECONNREFUSED, not "fetch failed". The
      // proxy URL was checked before, so the layer cannot fail.
      proxyUrl === undefined ? BinanceHttpClient.layer() : Layer.orDie(BinanceHttpClient.layer({ proxy: proxyUrl })),
      logging(settings)
    ).pipe(
      // Bans and pauses outlive the run (issue 20): a run started inside one sends nothing. Every layer above, the
      // clock's time requests too, goes through the persisted gate.
      Layer.provideMerge(
        settings.stateDir === undefined
          ? Layer.empty
          : Layer.orDie(RateLimit.layerPersisted({ directory: settings.stateDir }))
      ),
      Layer.provideMerge(Dialect.ownScheduler)
    )
  )
  const run = async <A>(effect: Effect.Effect<A, unknown, Call.Requirements>, signal?: AbortSignal) => {
    const exit = await runtime.runPromiseExit(effect, signal === undefined ? undefined : { signal })
    if (Exit.isFailure(exit)) throw rejection(exit.cause)
    return exit.value
  }
  return {
    ready: () => run(Effect.void),
    read: (asset, recvWindow, signal) => run(PortfolioMargin.pmAccountInfoResult({ asset, recvWindow }), signal),
    // Loaded for `watch` only: account-info does not pay for the watcher's modules. The command calls `ready`
    // first: once the layers are built, the runtime can no longer fail.
    watch: (options, wsBaseUrl) =>
      import("./watch/promise.js").then((PromiseWatch) =>
        PromiseWatch.make(runtime as ManagedRuntime.ManagedRuntime<Call.Requirements, never>, options, wsBaseUrl)
      ),
    close: () => runtime.dispose()
  }
}

/** @internal */
export const edition: Cli.Edition<BinanceConfig.Service> = {
  version,
  checkParams: (params) =>
    Dialect.failureOrUndefined(PortfolioMargin.validateParams(params, BinanceConfig.defaults.recvWindow)),
  config: (settings) =>
    Dialect.getOrThrowWith(
      BinanceConfig.make({ baseUrl: settings.baseUrl, environment: settings.environment, market: settings.market }),
      identity
    ),
  proxyHost: (proxyUrl) => Dialect.getOrThrowWith(BinanceHttpClient.validateProxy(proxyUrl), identity).host,
  open,
  startFake: (options) => FakeBinance.start(options).then((started) => Cli.fake(started, Effect.runPromise))
}
