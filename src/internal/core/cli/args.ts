/**
 * The command's flags, read with `node:util`'s `parseArgs`: every flag may go anywhere on the line (before or
 * after `account-info`), `--flag value` and `--flag=value` both work, and every mistake gets a sentence that
 * names the flag and says where to look.
 */
import { parseArgs } from "node:util"
import type { Market } from "../endpoint.js"
import { MARKETS } from "../endpoint.js"
import type { Environment } from "../options.js"

/** The command's name, as installed by `bin`. */
export const NAME = "effect-binance-pm"

/** The subcommands. */
export const ACCOUNT_INFO = "account-info"
export const WATCH = "watch"
export type Command = typeof ACCOUNT_INFO | typeof WATCH

/** The library's log levels, lowest first; `all` shows every log, `none` none. */
export const LOG_LEVELS = ["all", "trace", "debug", "info", "warning", "error", "fatal", "none"] as const
export type LogLevel = typeof LOG_LEVELS[number]

/** `--env` choices: `demo-trading` and `demo` are both Binance's Demo Trading site. */
export const ENVIRONMENTS: Readonly<Record<string, Environment>> = {
  production: "production",
  testnet: "testnet",
  "demo-trading": "demo",
  demo: "demo"
}

/** What `account-info` (and `watch`, with {@link WatchFlags}) was asked to do. */
export interface Flags {
  readonly assets: ReadonlyArray<string>
  readonly recvWindow: number | undefined
  readonly json: boolean
  readonly baseUrl: string | undefined
  readonly env: Environment | undefined
  readonly demo: boolean
  readonly market: Market | undefined
  readonly verbose: boolean
  readonly logLevel: LogLevel
  /** `--no-state`: keep nothing between runs. */
  readonly noState: boolean
}

/**
 * `watch`'s own flags, as given: the watcher's options are checked by the core's `checkWatchOptions` (the same
 * checks as `client.watch`), not here.
 */
export interface WatchFlags extends Flags {
  readonly maxAgeMs: number | undefined
  readonly weightShare: number | undefined
  readonly vmwThreshold: number | undefined
  /** `--no-stream`: poll alone. */
  readonly stream: boolean
  readonly wsUrl: string | undefined
  /** `--count N`: stop after N events. */
  readonly count: number | undefined
  /** `--for DURATION`: stop after that long. */
  readonly forMs: number | undefined
}

/** What the command line asks for, or why it cannot be read. */
export type Parsed =
  | { readonly _tag: "Help"; readonly command: Command | undefined }
  | { readonly _tag: "Version" }
  | { readonly _tag: "AccountInfo"; readonly flags: Flags }
  | { readonly _tag: "Watch"; readonly flags: WatchFlags }
  | { readonly _tag: "Usage"; readonly message: string }

const OPTIONS = {
  asset: { type: "string", short: "a", multiple: true },
  "recv-window": { type: "string" },
  json: { type: "boolean" },
  "base-url": { type: "string" },
  env: { type: "string" },
  demo: { type: "boolean" },
  market: { type: "string" },
  verbose: { type: "boolean", short: "v" },
  "log-level": { type: "string" },
  "no-state": { type: "boolean" },
  "max-age": { type: "string" },
  "weight-share": { type: "string" },
  "vmw-threshold": { type: "string" },
  "no-stream": { type: "boolean" },
  "ws-url": { type: "string" },
  count: { type: "string" },
  for: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" }
} as const

// Which flags belong to one subcommand only.
const ONLY: Readonly<Record<string, Command>> = {
  "recv-window": ACCOUNT_INFO,
  "max-age": WATCH,
  "weight-share": WATCH,
  "vmw-threshold": WATCH,
  "no-stream": WATCH,
  "ws-url": WATCH,
  count: WATCH,
  for: WATCH
}

/** `See every option with: effect-binance-pm watch --help`. */
export const seeHelp = (command: string | undefined) =>
  `See every option with: ${NAME}${command === undefined ? "" : ` ${command}`} --help`

// Upper-cased because Binance's symbols are; "btc,eth" and repeated flags both work.
const parseAssets = (values: ReadonlyArray<string>): ReadonlyArray<string> => {
  const assets = values.flatMap((a) => a.split(",")).map((a) => a.trim().toUpperCase()).filter((a) => a !== "")
  return [...new Set(assets)]
}

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** `1500`, `1500ms`, `30s`, `2m`, `1h`: milliseconds (a bare number is milliseconds, as `--recv-window`'s). */
export const parseDuration = (text: string): number | undefined => {
  const match = /^(\d{1,9})(ms|s|m|h)?$/.exec(text.trim())
  return match === null ? undefined : Number(match[1]) * UNITS[match[2] ?? "ms"]!
}

const choice = <A extends string>(flag: string, value: string, choices: ReadonlyArray<A>): A | string =>
  (choices as ReadonlyArray<string>).includes(value)
    ? value as A
    : `--${flag}: '${value}' is not one of ${choices.join(", ")}.`

/**
 * Reads `args` (the command line after the script). Only the shape of the flags is checked here; what Binance
 * accepts (asset format, recvWindow range, base URL) is the library's to say.
 */
export const parse = (args: ReadonlyArray<string>): Parsed => {
  // Not strict: unknown flags and missing values come back as tokens, so the messages here are ours.
  const { tokens } = parseArgs({
    args: [...args],
    options: OPTIONS,
    allowPositionals: true,
    strict: false,
    tokens: true
  })
  const positionals = tokens.filter((t) => t.kind === "positional").map((t) => t.value)
  const command = positionals[0]
  const known = command === ACCOUNT_INFO || command === WATCH ? command : undefined
  const usage = (message: string): Parsed => ({ _tag: "Usage", message: `${message}\n${seeHelp(known)}` })
  const values: Record<string, Array<string>> = {}
  const switches = new Set<string>()
  for (const token of tokens) {
    if (token.kind !== "option") continue
    const spec = (OPTIONS as Record<string, { readonly type: "string" | "boolean" }>)[token.name]
    if (spec === undefined) return usage(`Unknown flag ${token.rawName}.`)
    if (spec.type === "boolean") {
      if (token.value !== undefined) return usage(`${token.rawName} takes no value.`)
      switches.add(token.name)
      continue
    }
    // A following flag is not a value: `--asset --json` means the asset was forgotten.
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith("-"))) {
      return usage(`${token.rawName} needs a value.`)
    }
    ;(values[token.name] ??= []).push(token.value)
  }
  if (switches.has("help")) return { _tag: "Help", command: known }
  if (switches.has("version")) return { _tag: "Version" }
  if (command === undefined) {
    return {
      _tag: "Usage",
      message: `Missing command. Try it with: ${NAME} ${ACCOUNT_INFO} --demo\n${seeHelp(undefined)}`
    }
  }
  if (known === undefined) {
    return usage(`Unknown command '${command}'. The commands are ${ACCOUNT_INFO} and ${WATCH}.`)
  }
  if (positionals.length > 1) return usage(`Unexpected argument '${positionals[1]}'.`)
  for (const name of [...Object.keys(values), ...switches]) {
    const only = ONLY[name]
    if (only !== undefined && only !== known) return usage(`--${name} is a flag of ${only}, not of ${known}.`)
  }
  for (const [name, list] of Object.entries(values)) {
    if (name !== "asset" && list.length > 1) return usage(`--${name} was given more than once.`)
  }
  const one = (name: string) => values[name]?.[0]

  const recvWindowText = one("recv-window")
  let recvWindow: number | undefined
  if (recvWindowText !== undefined) {
    if (!/^-?\d+$/.test(recvWindowText.trim())) {
      return usage(`--recv-window: '${recvWindowText}' is not an integer (milliseconds, 1 to 60000).`)
    }
    recvWindow = Number(recvWindowText)
  }
  const envText = one("env")
  const env = envText === undefined ? undefined : choice("env", envText, Object.keys(ENVIRONMENTS))
  if (env !== undefined && !(env in ENVIRONMENTS)) return usage(env)
  const market = one("market") === undefined ? undefined : choice("market", one("market")!, MARKETS)
  if (market !== undefined && !(MARKETS as ReadonlyArray<string>).includes(market)) return usage(market)
  const logLevel = one("log-level") === undefined ? "info" : choice("log-level", one("log-level")!, LOG_LEVELS)
  if (!(LOG_LEVELS as ReadonlyArray<string>).includes(logLevel)) return usage(logLevel)

  const flags: Flags = {
    assets: parseAssets(values.asset ?? []),
    recvWindow,
    json: switches.has("json"),
    baseUrl: one("base-url"),
    env: env === undefined ? undefined : ENVIRONMENTS[env],
    demo: switches.has("demo"),
    market: market as Market | undefined,
    verbose: switches.has("verbose"),
    logLevel: logLevel as LogLevel,
    noState: switches.has("no-state")
  }
  if (known === ACCOUNT_INFO) return { _tag: "AccountInfo", flags }

  // The shapes only (a number, a duration); the watcher's own checks say what range each takes.
  const duration = (name: string): number | string | undefined => {
    const text = one(name)
    if (text === undefined) return undefined
    return parseDuration(text) ?? `--${name}: '${text}' is not a duration (such as 1500ms, 30s, 2m or 1h).`
  }
  const fraction = (name: string): number | string | undefined => {
    const text = one(name)
    if (text === undefined) return undefined
    return /^\d*\.?\d+$/.test(text.trim()) ? Number(text) : `--${name}: '${text}' is not a number (such as 0.1).`
  }
  const maxAgeMs = duration("max-age")
  const forMs = duration("for")
  const weightShare = fraction("weight-share")
  const vmwThreshold = fraction("vmw-threshold")
  for (const problem of [maxAgeMs, forMs, weightShare, vmwThreshold]) {
    if (typeof problem === "string") return usage(problem)
  }
  const countText = one("count")
  if (countText !== undefined && !/^[1-9]\d{0,8}$/.test(countText.trim())) {
    return usage(`--count: '${countText}' is not a whole number of events from 1.`)
  }
  return {
    _tag: "Watch",
    flags: {
      ...flags,
      maxAgeMs: maxAgeMs as number | undefined,
      weightShare: weightShare as number | undefined,
      vmwThreshold: vmwThreshold as number | undefined,
      stream: !switches.has("no-stream"),
      wsUrl: one("ws-url"),
      count: countText === undefined ? undefined : Number(countText),
      forMs: forMs as number | undefined
    }
  }
}
