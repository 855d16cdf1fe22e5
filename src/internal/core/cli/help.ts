/**
 * `--help`: the command's and `account-info`'s, plain text (no colours), printed on stdout.
 */
import { ACCOUNT_INFO, LOG_LEVELS, NAME } from "./args.js"
import { credentialsHelp } from "./render.js"

const WIDTH = 100

// Wraps a paragraph at WIDTH, every line indented by `indent`.
const wrap = (text: string, indent: string): string => {
  const lines: Array<string> = []
  let line = ""
  for (const word of text.split(" ")) {
    if (line !== "" && indent.length + line.length + 1 + word.length > WIDTH) {
      lines.push(indent + line)
      line = word
    } else {
      line = line === "" ? word : `${line} ${word}`
    }
  }
  if (line !== "") lines.push(indent + line)
  return lines.join("\n")
}

const FLAGS: ReadonlyArray<readonly [string, string]> = [
  [
    "-a, --asset ASSET",
    "The asset to read, such as BTC (case does not matter). Repeat the flag or separate with commas for " +
    "several. Required, except with --demo, which shows BTC, ETH and USDT."
  ],
  [
    "--recv-window MS",
    "How many milliseconds after its timestamp Binance may still accept the request (1 to 60000; default 5000)."
  ],
  ["--json", "Print Binance's answer as JSON, one object per asset and line, amounts as exact strings."],
  ["--base-url URL", "Another REST origin, such as https://testnet.binancefuture.com (https, or http to localhost)."],
  [
    "--env ENV",
    "Which Binance to call, with your keys for that site: production (https://fapi.binance.com, the default), " +
    "testnet (https://testnet.binancefuture.com) or demo-trading, also written demo (Binance's Demo Trading, " +
    "https://demo-fapi.binance.com, keys from that site). Not the offline demo: that is --demo, without --env."
  ],
  [
    "--demo",
    "The offline demo: no account, no keys, no network. Runs a local fake Binance in this process and reads a " +
    "demo account from it over real, signed HTTP. Not Binance's Demo Trading site: that is --env demo-trading."
  ],
  [
    "--market MARKET",
    "Which futures market: usds-m (GET /fapi/v1/pmAccountInfo on https://fapi.binance.com, the default) or " +
    "coin-m (GET /dapi/v1/pmAccountInfo on https://dapi.binance.com)."
  ],
  [
    "-v, --verbose",
    "Also print, on stderr, each asset's attempts, used weight and time taken, and the proxy in use (never its " +
    "credentials)."
  ],
  [
    "--log-level LEVEL",
    `Also print the library's logs at this level and above, on stderr (${LOG_LEVELS.join(", ")}; default info).`
  ],
  [
    "--no-state",
    "Keep nothing between runs. By default Binance's bans and pauses are kept in a state directory, so that a " +
    "run started inside one sends nothing and says how long is left."
  ],
  ["-h, --help", "Show this help."]
]

const EXAMPLES: ReadonlyArray<readonly [string, string]> = [
  ["account-info --demo", "try it: no account, no keys, no network"],
  ["account-info --asset BTC", "your account, keys from the environment"],
  ["account-info --asset BTC,ETH --json", "exact strings, one JSON object per line"],
  ["account-info --asset BTC --env testnet", "Binance's testnet, with testnet keys"],
  ["account-info --asset BTC --market coin-m", "the COIN-M twin: GET /dapi/v1/pmAccountInfo"],
  ["account-info --asset BTC --verbose", "also print attempts, used weight and time taken"],
  ["account-info --asset BTC --log-level debug", "also print each attempt and clock re-sync"]
]

const section = (title: string, ...paragraphs: ReadonlyArray<string>) => [title, ...paragraphs].join("\n")

const common = (): ReadonlyArray<string> => [
  section("EXAMPLES", ...EXAMPLES.map(([args, what]) => `  $ ${NAME} ${args.padEnd(44)}${what}`)),
  section(
    "OUTPUT",
    wrap(
      "The table or the JSON lines go to stdout, and nothing else does: notices, --verbose lines, logs and " +
        "errors go to stderr, and hold no secrets. Flags may go anywhere on the line, as --flag value or " +
        "--flag=value.",
      "  "
    )
  ),
  section(
    "ENVIRONMENT",
    credentialsHelp.split("\n").map((line) => `  ${line}`).join("\n"),
    wrap(
      "HTTPS_PROXY (https: targets) and HTTP_PROXY (http: targets), or their lower-case forms: a forward proxy, " +
        "http://[user:password@]host:port. NO_PROXY: comma-separated hosts or domains that bypass it (* for all). " +
        "Not used by --demo.",
      "  "
    ),
    wrap(
      "BINANCE_STATE_DIR: where bans and pauses are kept between runs; else $XDG_STATE_HOME/effect-binance-pm, " +
        "else ~/.local/state/effect-binance-pm. Not used by --demo or with --no-state.",
      "  "
    )
  ),
  section(
    "EXIT CODES",
    wrap(
      "0 success; 1 Binance or the network said no (the error is printed); 2 wrong flags or configuration; " +
        "130 interrupted (Ctrl-C).",
      "  "
    )
  )
]

/** The whole command's help. */
export const rootHelp = (version: string): string =>
  [
    `${NAME} ${version}`,
    wrap("Read Binance USDⓈ-M Futures Classic Portfolio Margin account information.", ""),
    section("USAGE", `  $ ${NAME} ${ACCOUNT_INFO} [flags]`, `  $ ${NAME} --help | --version`),
    section(
      "COMMANDS",
      `  ${ACCOUNT_INFO}  ` +
        wrap(
          "Show how much of an asset the Classic Portfolio Margin account can transfer out to the spot wallet, " +
            "and its USD value (GET /fapi/v1/pmAccountInfo). Try it with --demo.",
          " ".repeat(ACCOUNT_INFO.length + 4)
        ).trimStart()
    ),
    ...common(),
    `See ${ACCOUNT_INFO}'s flags with: ${NAME} ${ACCOUNT_INFO} --help`
  ].join("\n\n")

/** `account-info --help`. */
export const accountInfoHelp = (version: string): string =>
  [
    `${NAME} ${version}`,
    wrap(
      "Show how much of an asset the Classic Portfolio Margin account can transfer out to the spot wallet, and " +
        "its USD value (GET /fapi/v1/pmAccountInfo). Credentials come from the environment: BINANCE_API_KEY and " +
        "one of BINANCE_SECRET_KEY, BINANCE_PRIVATE_KEY or BINANCE_PRIVATE_KEY_FILE (plus " +
        "BINANCE_PRIVATE_KEY_PASSPHRASE for an encrypted key). HTTPS_PROXY, HTTP_PROXY and NO_PROXY are honoured " +
        "(not by --demo).",
      ""
    ),
    section("USAGE", `  $ ${NAME} ${ACCOUNT_INFO} [flags]`),
    section("FLAGS", ...FLAGS.map(([flag, what]) => `  ${flag}\n${wrap(what, "      ")}`)),
    ...common()
  ].join("\n\n")
