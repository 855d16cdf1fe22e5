/**
 * What every subcommand shares: the {@link Edition} each edition's `bin.ts` passes (its library wiring, its
 * `FakeBinance.start` and its version), the standard streams, the exit codes, and the session (the demo's fake, the
 * configuration, the proxy and the credentials, checked in that order).
 */
import * as Os from "node:os"
import * as Path from "node:path"
import type { Market } from "../endpoint.js"
import type * as Model from "../fake/model.js"
import type { Environment } from "../options.js"
import { bypassesProxy } from "../options.js"
import type * as Api from "../promiseApi.js"
import * as Args from "./args.js"
import * as Demo from "./demo.js"
import * as Render from "./render.js"

/** How the library is set up for one run. */
export interface Settings {
  readonly baseUrl: string | undefined
  readonly environment: Environment | undefined
  readonly market: Market | undefined
  /** From the environment's `BINANCE_*` variables, or the demo's own key. */
  readonly credentials:
    | { readonly _tag: "Environment"; readonly env: Readonly<Record<string, string | undefined>> }
    | { readonly _tag: "PrivateKey"; readonly apiKey: string; readonly privateKey: string }
  /** The forward proxy for the origin called, if any: its URL (it may hold credentials: never print it). */
  readonly proxyFor: (baseUrl: string) => string | undefined
  /** Where bans and pauses are kept between runs; `undefined` with `--no-state`. */
  readonly stateDir: string | undefined
  /** Receives every log of the library (lower-case level, Effect's message parts); the command filters them. */
  readonly log: (level: Args.LogLevel, message: ReadonlyArray<unknown>) => void
}

/** The library, ready to call. */
export interface Connection {
  /** The origin called. */
  readonly baseUrl: string
  /** `host:port` of the proxy in use, never its credentials. */
  readonly proxyHost: string | undefined
  /** Resolves with the row, or rejects with the library's tagged error (or an abort). */
  readonly read: (asset: string, recvWindow: number | undefined, signal: AbortSignal) => Promise<Render.Row>
  /**
   * `client.watch` of the Promise API over these layers (options checked before), its stream at `wsBaseUrl`.
   * Asynchronous so that the watcher's modules load only for `watch`.
   */
  readonly watch: (options: Api.WatchOptions, wsBaseUrl: string) => Promise<Api.Watcher>
  readonly close: () => Promise<void>
}

/** The library's layers for one run, not built yet: `ready` builds them, then `read` calls through them. */
export interface Library {
  /** Resolves once every layer is built (the credentials are checked then); rejects with the failure. */
  readonly ready: () => Promise<void>
  readonly read: Connection["read"]
  readonly watch: Connection["watch"]
  readonly close: () => Promise<void>
}

/** The served fake, with the stream scripting calls the demo uses (each rejects with the fake's error). */
export interface Fake {
  readonly baseUrl: string
  readonly close: () => Promise<void>
  readonly setStreamAccount: (apiKey: string, figures: Model.StreamAccountFigures) => Promise<unknown>
  readonly setAsset: (apiKey: string, asset: string, amounts: Model.AssetAmounts) => Promise<unknown>
  readonly pushStreamEvent: (frame: object) => Promise<unknown>
}

/** An edition's `FakeBinance.start` answer as a {@link Fake}: `run` runs one of its service's effects. */
export const fake = <Step>(
  started: {
    readonly baseUrl: string
    readonly close: () => Promise<void>
    readonly fake: Pick<Model.UserStreamShape<Step, unknown>, "setStreamAccount" | "pushStreamEvent"> & {
      readonly setAsset: (apiKey: string, asset: string, amounts: Model.AssetAmounts) => Step
    }
  },
  run: (step: Step) => Promise<unknown>
): Fake => ({
  baseUrl: started.baseUrl,
  close: started.close,
  setStreamAccount: (apiKey, figures) => run(started.fake.setStreamAccount(apiKey, figures)),
  setAsset: (apiKey, asset, amounts) => run(started.fake.setAsset(apiKey, asset, amounts)),
  pushStreamEvent: (frame) => run(started.fake.pushStreamEvent(frame))
})

/**
 * What an edition gives the command: the library's checks and wiring in its own Effect, and its fake. `Config`
 * is the edition's checked configuration (`BinanceConfig.Service`). A check that fails throws the library's
 * tagged error; a call that is interrupted rejects with {@link interrupted}.
 */
export interface Edition<Config extends { readonly baseUrl: string }> {
  readonly version: string
  /** The library's check of one call's parameters: its `InvalidParameters`, or `undefined`. */
  readonly checkParams: (
    params: { readonly asset: string; readonly recvWindow: number | undefined }
  ) => Render.TaggedError | undefined
  /** `BinanceConfig.make` of the settings' base URL, environment and market; throws `InvalidConfiguration`. */
  readonly config: (settings: Settings) => Config
  /** `BinanceHttpClient.validateProxy`: the proxy's `host:port`; throws `InvalidConfiguration`. */
  readonly proxyHost: (proxyUrl: string) => string
  /** The library's layers for these settings, over this configuration and through this proxy. */
  readonly open: (settings: Settings, config: Config, proxyUrl: string | undefined) => Library
  /** `FakeBinance.start`, as a {@link Fake}. */
  readonly startFake: (options: Model.Options) => Promise<Fake>
}

/** What a call interrupted by the command's signal rejects with. */
export const interrupted = (): Error => Object.assign(new Error("The call was interrupted"), { name: "AbortError" })

/**
 * The library, ready to call. The checks come in this order: the configuration (base URL, environment, market),
 * the proxy, then the credentials (when the layers are built); layers that fail to build are released.
 */
export const connect = async <Config extends { readonly baseUrl: string }>(
  edition: Edition<Config>,
  settings: Settings
): Promise<Connection> => {
  const config = edition.config(settings)
  const proxyUrl = settings.proxyFor(config.baseUrl)
  const proxyHost = proxyUrl === undefined ? undefined : edition.proxyHost(proxyUrl)
  const library = edition.open(settings, config, proxyUrl)
  try {
    await library.ready()
  } catch (error) {
    await library.close()
    throw error
  }
  return { baseUrl: config.baseUrl, proxyHost, read: library.read, watch: library.watch, close: library.close }
}

/** Where the command writes, and what it reads. */
export interface Io {
  readonly env: Readonly<Record<string, string | undefined>>
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  /** Aborted on Ctrl-C or SIGTERM: the call in flight is cancelled (exit 130), a watcher closed (exit 0). */
  readonly signal?: AbortSignal | undefined
  /**
   * Set when stdout is a terminal (`watch` then redraws a table in place): its width, and whether stderr is one
   * too (the same screen, most likely).
   */
  readonly tty?: { readonly columns: number | undefined; readonly stderr: boolean } | undefined
  /** The home directory, for the default state directory. */
  readonly home?: string | undefined
}

/** The exit codes. */
export const EXIT = { success: 0, failure: 1, usage: 2, interrupted: 130 } as const

/** A mistake in the flags or the configuration: its message is printed and the command exits 2. */
export class Usage {
  constructor(readonly message: string) {}
}

const firstOf = (env: Io["env"], names: ReadonlyArray<string>) => {
  for (const name of names) {
    const value = env[name]
    if (value !== undefined && value.trim() !== "") return { name, value }
  }
  return undefined
}

/**
 * The proxy for a base URL under HTTPS_PROXY / HTTP_PROXY / NO_PROXY (upper case first, then lower case), and
 * the variable it came from; `undefined` when none is set or NO_PROXY matches.
 */
export const proxyFor = (
  baseUrl: string,
  env: Io["env"]
): { readonly url: string; readonly variable: string } | undefined => {
  const url = new URL(baseUrl)
  const https = url.protocol === "https:"
  const proxy = firstOf(env, https ? ["HTTPS_PROXY", "https_proxy"] : ["HTTP_PROXY", "http_proxy"])
  if (proxy === undefined) return undefined
  const port = url.port !== "" ? url.port : https ? "443" : "80"
  const noProxy = firstOf(env, ["NO_PROXY", "no_proxy"])?.value
  return bypassesProxy(noProxy, url.hostname, port) ? undefined : { url: proxy.value, variable: proxy.name }
}

/**
 * Where the command keeps what must outlive a run: `BINANCE_STATE_DIR`, else `$XDG_STATE_HOME/effect-binance-pm`,
 * else `~/.local/state/effect-binance-pm`.
 */
export const defaultStateDir = (env: Io["env"], home: string): string => {
  const explicit = env.BINANCE_STATE_DIR
  if (explicit !== undefined && explicit !== "") return explicit
  const xdg = env.XDG_STATE_HOME
  // The XDG spec ignores a relative XDG_STATE_HOME.
  if (xdg !== undefined && Path.isAbsolute(xdg)) return Path.join(xdg, Args.NAME)
  return Path.join(home, ".local", "state", Args.NAME)
}

// `--env demo` is Binance's Demo Trading site, which needs keys from that site: say where the offline demo is.
const demoTradingHint = (flags: Args.Flags, command: Args.Command): string =>
  flags.env === "demo"
    ? "\n--env demo-trading (or --env demo) calls Binance's Demo Trading site with keys made there. For the " +
      `offline demo, with no keys, run: effect-binance-pm ${command} --demo`
    : ""

const LEVEL_RANK: Readonly<Record<Args.LogLevel, number>> = {
  all: 0,
  trace: 1,
  debug: 2,
  info: 3,
  warning: 4,
  error: 5,
  fatal: 6,
  none: 7
}

// The library logs each failed attempt with its count: the only place a failed call's attempts are told.
const ATTEMPT_FAILED = "pmAccountInfo attempt failed"

/** Whether a rejection is the command's own interruption. */
export const isAbort = (error: unknown, signal: AbortSignal | undefined) =>
  signal?.aborted === true || (error instanceof Error && error.name === "AbortError")

/** A rejection as the library's tagged error, or a `Defect` for anything else. */
export const asTagged = (error: unknown): Render.TaggedError =>
  typeof error === "object" && error !== null && typeof (error as { _tag?: unknown })._tag === "string"
    ? error as Render.TaggedError
    : { _tag: "Defect", message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }

// A variable that is absent is "not set", whatever the edition's config reader called it (Effect 4's reads a
// missing string as an invalid one).
const unset = (error: Render.TaggedError, env: Io["env"]): Render.TaggedError =>
  error._tag === "InvalidConfiguration" && error.field?.startsWith("BINANCE_") === true &&
    error.reason !== "is not set" && (env[error.field] ?? "") === ""
    ? { _tag: error._tag, message: error.message, field: error.field, reason: "is not set" }
    : error

/** The checks of where to call that need nothing but the flags. */
export const checkTarget = (flags: Args.Flags): void => {
  if (flags.demo && (flags.baseUrl !== undefined || flags.env !== undefined)) {
    throw new Usage("--demo runs against its own local fake exchange: leave out --base-url and --env.")
  }
  if (flags.baseUrl !== undefined && flags.env !== undefined) {
    throw new Usage("Give either --base-url or --env, not both.")
  }
}

/** The library, connected for one run of a subcommand, and the demo's fake with `--demo`. */
export interface Session {
  readonly connection: Connection
  readonly proxy: Render.ProxyInUse | undefined
  /** With `--demo`: the fake and the demo account's API key. */
  readonly demo: { readonly fake: Fake; readonly apiKey: string } | undefined
  /** The attempts of the last failed attempt the library logged (`undefined` since the last `resetAttempts`). */
  readonly attempts: () => number | undefined
  readonly resetAttempts: () => void
  /** Closes the connection, then the demo's fake. */
  readonly close: () => Promise<void>
}

/**
 * Starts the demo (with `--demo`) and connects: the configuration (base URL, environment, market), the proxy, the
 * credentials, in that order; then, without `--demo`, whether an asset was given. Throws {@link Usage} for what
 * the user must fix, the library's error otherwise.
 */
export const openSession = async <Config extends { readonly baseUrl: string }>(
  flags: Args.Flags,
  command: Args.Command,
  io: Io,
  edition: Edition<Config>
): Promise<Session> => {
  let attempts: number | undefined
  let proxyVariable = ""
  const settings = (credentials: Settings["credentials"], baseUrl: string | undefined): Settings => ({
    baseUrl,
    environment: flags.env,
    market: flags.market,
    credentials,
    // The offline demo never leaves the process: no proxy for it.
    proxyFor: (origin) => {
      const chosen = flags.demo ? undefined : proxyFor(origin, io.env)
      proxyVariable = chosen?.variable ?? ""
      return chosen?.url
    },
    // The offline demo keeps nothing between runs: its fake is new each time.
    stateDir: flags.noState || flags.demo ? undefined : defaultStateDir(io.env, io.home ?? Os.homedir()),
    log: (level, message) => {
      if (message[0] === ATTEMPT_FAILED) {
        const counted = (message[1] as { readonly attempts?: unknown } | undefined)?.attempts
        if (typeof counted === "number") attempts = counted
      }
      if (LEVEL_RANK[level] >= LEVEL_RANK[flags.logLevel]) io.stderr(Render.logLine(new Date(), level, message))
    }
  })

  let connection: Connection
  let demo: Session["demo"]
  if (flags.demo) {
    const account = Demo.makeAccount()
    const fake = await edition.startFake({ accounts: [account.account] })
    demo = { fake, apiKey: account.apiKey }
    io.stderr(
      `Demo: a fake Binance is serving on ${fake.baseUrl} inside this process, with a demo account signed by a ` +
        "fresh Ed25519 key. Nothing leaves this machine."
    )
    try {
      connection = await connect(
        edition,
        settings({ _tag: "PrivateKey", apiKey: account.apiKey, privateKey: account.privateKey }, fake.baseUrl)
      )
    } catch (error) {
      await fake.close()
      throw error
    }
  } else {
    connection = await connect(edition, settings({ _tag: "Environment", env: io.env }, flags.baseUrl)).catch(
      (error) => {
        const tagged = unset(asTagged(error), io.env)
        throw tagged._tag === "InvalidConfiguration" && Render.isCredentialsError(tagged)
          ? new Usage(Render.invalidConfigurationText(tagged) + demoTradingHint(flags, command))
          : error
      }
    )
    if (flags.assets.length === 0) {
      await connection.close()
      throw new Usage(
        `Which asset? Give --asset, for example: ${Args.NAME} ${command} --asset BTC${demoTradingHint(flags, command)}`
      )
    }
  }
  const proxy = connection.proxyHost === undefined ? undefined : { host: connection.proxyHost, variable: proxyVariable }
  if (flags.verbose) {
    io.stderr(
      `Calling ${connection.baseUrl}${flags.market === "coin-m" ? " (COIN-M)" : ""}` +
        (proxy === undefined ? ", no proxy" : ` through the proxy ${proxy.host}`)
    )
  }
  return {
    connection,
    proxy,
    demo,
    attempts: () => attempts,
    resetAttempts: () => void (attempts = undefined),
    close: async () => {
      try {
        await connection.close()
      } finally {
        await demo?.fake.close()
      }
    }
  }
}

/** An API error as printed: a defect says it is a bug. */
export const failureText = (error: unknown, proxy: Render.ProxyInUse | undefined): string => {
  const tagged = asTagged(error)
  return tagged._tag === "Defect"
    ? `Unexpected failure (a bug, please report it): ${tagged.message}`
    : Render.apiErrorText(tagged, proxy)
}
