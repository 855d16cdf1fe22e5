/**
 * The `effect-binance-pm` command, written once for both editions: flags, the order of the checks, the demo,
 * what goes to stdout (the result, nothing else) and to stderr (everything else), and the exit codes (0 success,
 * 1 Binance or the network said no, 2 wrong flags or configuration, 130 interrupted). Each edition's `bin.ts`
 * passes an {@link Edition}: its library wiring, its `FakeBinance.start` and its version.
 */
import * as Os from "node:os"
import * as Path from "node:path"
import type { Market } from "../endpoint.js"
import type * as Model from "../fake/model.js"
import type { Environment } from "../options.js"
import { bypassesProxy } from "../options.js"
import * as Args from "./args.js"
import * as Demo from "./demo.js"
import * as Help from "./help.js"
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
  readonly close: () => Promise<void>
}

/** The library's layers for one run, not built yet: `ready` builds them, then `read` calls through them. */
export interface Library {
  /** Resolves once every layer is built (the credentials are checked then); rejects with the failure. */
  readonly ready: () => Promise<void>
  readonly read: Connection["read"]
  readonly close: () => Promise<void>
}

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
  /** `FakeBinance.start`. */
  readonly startFake: (
    options: Model.Options
  ) => Promise<{ readonly baseUrl: string; readonly close: () => Promise<void> }>
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
  return { baseUrl: config.baseUrl, proxyHost, read: library.read, close: library.close }
}

/** Where the command writes, and what it reads. */
export interface Io {
  readonly env: Readonly<Record<string, string | undefined>>
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  /** Aborted on Ctrl-C: the call in flight is cancelled and the command exits 130. */
  readonly signal?: AbortSignal | undefined
  /** The home directory, for the default state directory. */
  readonly home?: string | undefined
}

/** The exit codes. */
export const EXIT = { success: 0, failure: 1, usage: 2, interrupted: 130 } as const

class Usage {
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
const demoTradingHint = (flags: Args.Flags): string =>
  flags.env === "demo"
    ? "\n--env demo-trading (or --env demo) calls Binance's Demo Trading site with keys made there. For the " +
      "offline demo, with no keys, run: effect-binance-pm account-info --demo"
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

const isAbort = (error: unknown, signal: AbortSignal | undefined) =>
  signal?.aborted === true || (error instanceof Error && error.name === "AbortError")

const asTagged = (error: unknown): Render.TaggedError =>
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

const accountInfo = async <Config extends { readonly baseUrl: string }>(
  flags: Args.Flags,
  io: Io,
  edition: Edition<Config>
): Promise<number> => {
  const signal = io.signal ?? new AbortController().signal
  // 1. The flags alone: nothing is started, read or sent before they are right.
  if (flags.demo && (flags.baseUrl !== undefined || flags.env !== undefined)) {
    throw new Usage("--demo runs against its own local fake exchange: leave out --base-url and --env.")
  }
  if (flags.baseUrl !== undefined && flags.env !== undefined) {
    throw new Usage("Give either --base-url or --env, not both.")
  }
  // The same checks as each call makes, up front: a bad --asset or --recv-window before anything else. Without
  // an asset (--demo's default), --recv-window is checked with one of the demo's.
  for (const asset of flags.assets.length === 0 ? Demo.defaultAssets.slice(0, 1) : flags.assets) {
    const problem = edition.checkParams({ asset, recvWindow: flags.recvWindow })
    if (problem !== undefined) throw new Usage(problem.message)
  }

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

  // 2. The configuration: where to call, through which proxy, with which key. Then the asset.
  let connection: Connection
  let stopDemo: (() => Promise<void>) | undefined
  if (flags.demo) {
    const demo = Demo.makeAccount()
    const fake = await edition.startFake({ accounts: [demo.account] })
    stopDemo = fake.close
    io.stderr(
      `Demo: a fake Binance is serving on ${fake.baseUrl} inside this process, with a demo account signed by a ` +
        "fresh Ed25519 key. Nothing leaves this machine."
    )
    try {
      connection = await connect(
        edition,
        settings({ _tag: "PrivateKey", apiKey: demo.apiKey, privateKey: demo.privateKey }, fake.baseUrl)
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
          ? new Usage(Render.invalidConfigurationText(tagged) + demoTradingHint(flags))
          : error
      }
    )
    if (flags.assets.length === 0) {
      await connection.close()
      throw new Usage(
        `Which asset? Give --asset, for example: ${Args.NAME} ${Args.ACCOUNT_INFO} --asset BTC${demoTradingHint(flags)}`
      )
    }
  }
  const proxy = connection.proxyHost === undefined ? undefined : { host: connection.proxyHost, variable: proxyVariable }

  try {
    if (flags.verbose) {
      io.stderr(
        `Calling ${connection.baseUrl}${flags.market === "coin-m" ? " (COIN-M)" : ""}` +
          (proxy === undefined ? ", no proxy" : ` through the proxy ${proxy.host}`)
      )
    }
    const rows: Array<Render.Row> = []
    for (const asset of flags.assets.length === 0 ? Demo.defaultAssets : flags.assets) {
      attempts = undefined
      const started = Date.now()
      try {
        const row = await connection.read(asset, flags.recvWindow, signal)
        if (flags.verbose) {
          io.stderr(
            `${asset}: ${row.attempts} attempt${row.attempts === 1 ? "" : "s"}, used weight ${
              row.usedWeight ?? "unknown"
            }, ${Date.now() - started} ms`
          )
        }
        rows.push(row)
      } catch (error) {
        if (isAbort(error, signal)) return EXIT.interrupted
        if (flags.verbose) {
          const tried = attempts === undefined ? "" : ` after ${attempts} attempt${attempts === 1 ? "" : "s"}`
          io.stderr(`${asset}: failed${tried}, ${Date.now() - started} ms`)
        }
        const tagged = asTagged(error)
        io.stderr(
          tagged._tag === "Defect"
            ? `Unexpected failure (a bug, please report it): ${tagged.message}`
            : Render.apiErrorText(tagged, proxy)
        )
        return EXIT.failure
      }
    }
    io.stdout(flags.json ? Render.jsonLines(rows) : Render.table(rows))
    return EXIT.success
  } finally {
    await connection.close()
    await stopDemo?.()
  }
}

/**
 * Runs the command on `args` (the command line after the script) and resolves with the exit code. Every
 * problem is printed to stderr; it never rejects.
 */
export const run = async <Config extends { readonly baseUrl: string }>(
  args: ReadonlyArray<string>,
  io: Io,
  edition: Edition<Config>
): Promise<number> => {
  const parsed = Args.parse(args)
  switch (parsed._tag) {
    case "Help":
      io.stdout(parsed.command === undefined ? Help.rootHelp(edition.version) : Help.accountInfoHelp(edition.version))
      return EXIT.success
    case "Version":
      io.stdout(edition.version)
      return EXIT.success
    case "Usage":
      io.stderr(parsed.message)
      return EXIT.usage
    case "AccountInfo":
      try {
        return await accountInfo(parsed.flags, io, edition)
      } catch (error) {
        if (error instanceof Usage) {
          io.stderr(error.message)
          return EXIT.usage
        }
        if (isAbort(error, io.signal)) return EXIT.interrupted
        const tagged = asTagged(error)
        if (tagged._tag === "InvalidConfiguration") {
          io.stderr(Render.invalidConfigurationText(tagged))
          return EXIT.usage
        }
        io.stderr(`Unexpected failure (a bug, please report it): ${tagged.message}`)
        return EXIT.failure
      }
  }
}

/**
 * Runs the command as this process (each edition's `bin.ts`): its arguments, environment and standard streams.
 * Ctrl-C cancels the call in flight (closing its connection); the command then exits 130, as shells expect.
 */
export const runProcess = async <Config extends { readonly baseUrl: string }>(
  edition: Edition<Config>
): Promise<void> => {
  const interrupt = new AbortController()
  const onSigint = () => interrupt.abort()
  process.once("SIGINT", onSigint)
  const code = await run(process.argv.slice(2), {
    env: process.env,
    stdout: (text) => void process.stdout.write(`${text}\n`),
    stderr: (text) => void process.stderr.write(`${text}\n`),
    signal: interrupt.signal
  }, edition)
  process.off("SIGINT", onSigint)
  // Set, not process.exit(): the process ends by itself once output is flushed and every socket closed.
  process.exitCode = code
}
