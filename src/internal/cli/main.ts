/**
 * The command line: `effect-binance-pm account-info ...`, parsed with @effect/cli, and the mapping of every
 * outcome to an exit code (0 success, 1 Binance or network error, 2 usage or configuration error).
 */
import type * as CliApp from "@effect/cli/CliApp"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Cause from "effect/Cause"
import * as ConfigError from "effect/ConfigError"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { version } from "../version.js"
import { accountInfo, UsageError } from "./accountInfo.js"
import * as Render from "./render.js"

/** @internal */
export const name = "effect-binance-pm"

const asset = Options.text("asset").pipe(
  Options.withAlias("a"),
  Options.repeated,
  Options.withDescription(
    "The asset to read, such as BTC (case does not matter). Repeat the flag or separate with commas for " +
      "several. Required, except with --demo, which shows BTC, ETH and USDT."
  )
)

const recvWindow = Options.integer("recv-window").pipe(
  Options.optional,
  Options.withDescription(
    "How many milliseconds after its timestamp Binance may still accept the request (1 to 60000; default 5000)."
  )
)

const json = Options.boolean("json").pipe(
  Options.withDescription("Print Binance's answer as JSON, one object per asset and line, amounts as exact strings.")
)

const baseUrl = Options.text("base-url").pipe(
  Options.optional,
  Options.withDescription(
    "Another REST origin, such as https://testnet.binancefuture.com (https, or http to localhost)."
  )
)

const env = Options.choiceWithValue(
  "env",
  [
    ["production", "production"],
    ["testnet", "testnet"],
    ["demo-trading", "demo"],
    ["demo", "demo"]
  ] as const
).pipe(
  Options.optional,
  Options.withDescription(
    "Which Binance to call, with your keys for that site: production (https://fapi.binance.com, the default), " +
      "testnet (https://testnet.binancefuture.com) or demo-trading, also written demo (Binance's Demo Trading, " +
      "https://demo-fapi.binance.com, keys from that site). Not the offline demo: that is --demo, without --env."
  )
)

const demo = Options.boolean("demo").pipe(
  Options.withDescription(
    "The offline demo: no account, no keys, no network. Runs a local fake Binance in this process and reads a " +
      "demo account from it over real, signed HTTP. Not Binance's Demo Trading site: that is --env demo-trading."
  )
)

const market = Options.choice("market", ["usds-m", "coin-m"] as const).pipe(
  Options.optional,
  Options.withDescription(
    "Which futures market: usds-m (GET /fapi/v1/pmAccountInfo on https://fapi.binance.com, the default) or " +
      "coin-m (GET /dapi/v1/pmAccountInfo on https://dapi.binance.com)."
  )
)

const verbose = Options.boolean("verbose").pipe(
  Options.withAlias("v"),
  Options.withDescription(
    "Also print, on stderr, each asset's attempts, used weight and time taken, and the proxy in use (never its " +
      "credentials)."
  )
)

const accountInfoCommand = Command.make(
  "account-info",
  { asset, recvWindow, json, baseUrl, env, demo, market, verbose },
  accountInfo
).pipe(
  Command.withDescription(
    "Show how much of an asset the Classic Portfolio Margin account can transfer out to the spot wallet, and " +
      "its USD value (GET /fapi/v1/pmAccountInfo). Credentials come from the environment: BINANCE_API_KEY and " +
      "one of BINANCE_SECRET_KEY, BINANCE_PRIVATE_KEY or BINANCE_PRIVATE_KEY_FILE " +
      "(plus BINANCE_PRIVATE_KEY_PASSPHRASE for an encrypted key). HTTPS_PROXY, HTTP_PROXY and NO_PROXY are " +
      "honoured (not by --demo)."
  )
)

const root = Command.make(name, {}, () =>
  new UsageError({
    message: `Missing command. Try it with: ${name} account-info --demo\nSee every option with: ${name} --help`
  })).pipe(
    Command.withDescription("Read Binance USDⓈ-M Futures Classic Portfolio Margin account information."),
    Command.withSubcommands([accountInfoCommand])
  )

const footer = HelpDoc.blocks([
  HelpDoc.h1("EXAMPLES"),
  ...[
    ["account-info --demo", "try it: no account, no keys, no network"],
    ["account-info --asset BTC", "your account, keys from the environment"],
    ["account-info --asset BTC,ETH --json", "exact strings, one JSON object per line"],
    ["account-info --asset BTC --env testnet", "Binance's testnet, with testnet keys"],
    ["account-info --asset BTC --market coin-m", "the COIN-M twin: GET /dapi/v1/pmAccountInfo"],
    ["account-info --asset BTC --verbose", "also print attempts, used weight and time taken"],
    ["account-info --asset BTC --log-level debug", "also print each attempt and clock re-sync"]
  ].map(([args, what]) => HelpDoc.p(`$ ${name} ${args!.padEnd(44)}${what}`)),
  HelpDoc.h1("LOG LEVEL"),
  HelpDoc.p(
    "--log-level debug (or --log-level=debug) may go anywhere on the line: before or after account-info and " +
      "its flags. Levels: all, trace, debug, info, warning, error, fatal, none. Logs go to stderr and hold no " +
      "secrets."
  ),
  HelpDoc.h1("ENVIRONMENT"),
  HelpDoc.p(Render.credentialsHelp),
  HelpDoc.p(
    "HTTPS_PROXY (https: targets) and HTTP_PROXY (http: targets), or their lower-case forms: a forward proxy, " +
      "http://[user:password@]host:port. NO_PROXY: comma-separated hosts or domains that bypass it (* for all)."
  ),
  HelpDoc.h1("EXIT CODES"),
  HelpDoc.p("0 success; 1 Binance or the network said no (the error is printed); 2 wrong flags or configuration.")
])

const app = Command.run(root, { name, version, footer })

const describeDefect = (cause: Cause.Cause<unknown>): string => {
  const defect = Cause.squash(cause)
  return defect instanceof Error ? `${defect.name}: ${defect.message}` : String(defect)
}

const exitCodes = {
  success: 0,
  apiError: 1,
  usage: 2
} as const

/**
 * Moves `--log-level` (`--log-level=L` or `--log-level L`) to the front of the arguments, where @effect/cli
 * reads its built-in options, so that users may write it anywhere: after the subcommand or after its flags.
 * Arguments after a `--` are left alone.
 *
 * @internal
 */
export const hoistLogLevel = (argv: ReadonlyArray<string>): ReadonlyArray<string> => {
  const [runtime, script, ...args] = argv
  const hoisted: Array<string> = []
  const rest: Array<string> = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === "--") {
      rest.push(...args.slice(i))
      break
    }
    if (arg.startsWith("--log-level=")) {
      hoisted.push(arg)
    } else if (arg === "--log-level" && i + 1 < args.length && !args[i + 1]!.startsWith("-")) {
      hoisted.push(arg, args[++i]!)
    } else {
      rest.push(arg)
    }
  }
  return [runtime ?? "node", script ?? name, ...hoisted, ...rest]
}

/**
 * Runs the CLI on `argv` (as in `process.argv`: runtime and script first) and returns the exit code. Every
 * error is printed to stderr here; nothing fails.
 *
 * @internal
 */
export const run = (argv: ReadonlyArray<string>): Effect.Effect<number, never, CliApp.CliApp.Environment> =>
  app(hoistLogLevel(argv)).pipe(
    Effect.as(exitCodes.success),
    Effect.catchAll((error): Effect.Effect<number> => {
      if (ValidationError.isValidationError(error)) return Effect.succeed(exitCodes.usage) // @effect/cli printed it
      if (ConfigError.isConfigError(error)) {
        return Effect.as(Console.error(Render.configErrorText(error)), exitCodes.usage)
      }
      if (error instanceof UsageError) return Effect.as(Console.error(error.message), exitCodes.usage)
      if (error._tag === "InvalidConfiguration") {
        return Effect.as(Console.error(Render.invalidConfigurationText(error)), exitCodes.usage)
      }
      if (error._tag === "InvalidParameters") return Effect.as(Console.error(error.message), exitCodes.usage)
      return Effect.as(Console.error(Render.apiErrorText(error)), exitCodes.apiError)
    }),
    Effect.catchAllCause((cause) =>
      Cause.isInterruptedOnly(cause)
        ? Effect.failCause(cause) // Ctrl-C: bin.ts turns it into exit code 130
        // A bug, not a Binance answer: say so, with the defect's message only.
        : Effect.as(
          Console.error(`Unexpected failure (a bug, please report it): ${describeDefect(cause)}`),
          exitCodes.apiError
        )
    )
  )

const ANSI = /\x1b\[[0-9;]*m/g
const strip = (args: ReadonlyArray<unknown>) => args.map((a) => typeof a === "string" ? a.replace(ANSI, "") : a)

/**
 * Drops @effect/cli's colours from stdout and/or stderr (when they are not terminals, or NO_COLOR is set).
 *
 * @internal
 */
export const withPlainOutput =
  (plain: { readonly stdout: boolean; readonly stderr: boolean }) =>
  <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.flatMap(Effect.console, (console) =>
      Console.withConsole(self, {
        ...console,
        log: plain.stdout ? (...args) => console.log(...strip(args)) : console.log,
        error: plain.stderr ? (...args) => console.error(...strip(args)) : console.error
      }))
