/**
 * `--help`: the command's, `account-info`'s and `watch`'s, plain text (no colours), printed on stdout.
 */
import { ACCOUNT_INFO, LOG_LEVELS, NAME, WATCH } from "./args.js"
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

const ASSET: readonly [string, string] = [
  "-a, --asset ASSET",
  "The asset to read, such as BTC (case does not matter). Repeat the flag or separate with commas for " +
  "several. Required, except with --demo, which shows BTC, ETH and USDT."
]

const ACCOUNT_INFO_FLAGS: ReadonlyArray<readonly [string, string]> = [
  ASSET,
  [
    "--recv-window MS",
    "How many milliseconds after its timestamp Binance may still accept the request (1 to 60000; default 5000)."
  ],
  ["--json", "Print Binance's answer as JSON, one object per asset and line, amounts as exact strings."]
]

const WATCH_FLAGS: ReadonlyArray<readonly [string, string]> = [
  ASSET,
  [
    "--json",
    "Print each event as one line of JSON (NDJSON), exactly as the Promise API's WatchEvent, amounts as " +
    "Binance's strings. Without it: a table redrawn in place on a terminal, one plain line per event otherwise."
  ],
  [
    "--max-age DURATION",
    "Re-read each asset before its figure is this old, where the weight share allows (1s to 24h; default 60s). " +
    "A duration is 1500ms, 30s, 2m or 1h; a bare number is milliseconds."
  ],
  [
    "--weight-share FRACTION",
    "The share of the IP's request weight per minute the routine reads may spend, spread evenly (above 0, at " +
    "most 1; default 0.1)."
  ],
  [
    "--vmw-threshold FRACTION",
    "Re-read every asset at once when the stream's virtual max withdraw moves by more than this (0 to 1; " +
    "default 0.01, 1 %)."
  ],
  [
    "--no-stream",
    "Watch by polling alone, without the user-data stream (no listenKey, no WebSocket)."
  ],
  [
    "--ws-url URL",
    "The user-data stream's origin (default wss://fstream.binance.com, production's). Required for the stream " +
    "with --base-url or --env testnet/demo-trading; ws: only to a loopback host."
  ],
  ["--count N", "Stop after N events (exit 0)."],
  ["--for DURATION", "Stop after that long (exit 0), such as 30s or 5m."]
]

const FLAGS: ReadonlyArray<readonly [string, string]> = [
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
    "Also print, on stderr, the origin called and the proxy in use (never its credentials); then with " +
    "account-info each asset's attempts, used weight and time taken, with watch the stream's URL."
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
  ["watch --demo", "a table redrawn in place, the demo's stream moving it"],
  ["watch --asset BTC,ETH --json", "your account's events, one JSON object per line"],
  ["account-info --demo", "try it: no account, no keys, no network"],
  ["account-info --asset BTC", "your account, keys from the environment"],
  ["account-info --asset BTC,ETH --json", "exact strings, one JSON object per line"],
  ["account-info --asset BTC --env testnet", "Binance's testnet, with testnet keys"],
  ["account-info --asset BTC --market coin-m", "the COIN-M twin: GET /dapi/v1/pmAccountInfo"],
  ["account-info --asset BTC --verbose", "also print attempts, used weight and time taken"],
  ["account-info --asset BTC --log-level debug", "also print each attempt and clock re-sync"]
]

const section = (title: string, ...paragraphs: ReadonlyArray<string>) => [title, ...paragraphs].join("\n")

// A command's own flags first, then the shared ones.
const flagsSection = (own: ReadonlyArray<readonly [string, string]>) =>
  section("FLAGS", ...[...own, ...FLAGS].map(([flag, what]) => `  ${flag}\n${wrap(what, "      ")}`))

const common = (): ReadonlyArray<string> => [
  section("EXAMPLES", ...EXAMPLES.map(([args, what]) => `  $ ${NAME} ${args.padEnd(44)}${what}`)),
  section(
    "OUTPUT",
    wrap(
      "The table, the events or the JSON lines go to stdout, and nothing else does: notices, --verbose lines, logs and " +
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
        "130 interrupted (Ctrl-C or SIGTERM during account-info). watch exits 0 when stopped by --count, --for, " +
        "Ctrl-C or SIGTERM, after closing its stream and deleting its listenKey; a failed read is an event, not " +
        "the end.",
      "  "
    )
  )
]

/** The whole command's help. */
export const rootHelp = (version: string): string =>
  [
    `${NAME} ${version}`,
    wrap("Read Binance USDⓈ-M Futures Classic Portfolio Margin account information.", ""),
    section(
      "USAGE",
      `  $ ${NAME} ${ACCOUNT_INFO} [flags]`,
      `  $ ${NAME} ${WATCH} [flags]`,
      `  $ ${NAME} --help | --version`
    ),
    section(
      "COMMANDS",
      `  ${ACCOUNT_INFO}  ` +
        wrap(
          "Show how much of an asset the Classic Portfolio Margin account can transfer out to the spot wallet, " +
            "and its USD value (GET /fapi/v1/pmAccountInfo). Try it with --demo.",
          " ".repeat(ACCOUNT_INFO.length + 4)
        ).trimStart(),
      `  ${WATCH.padEnd(ACCOUNT_INFO.length)}  ` +
        wrap(
          "Keep each asset's withdrawable amounts current within a share of the IP's weight, re-read at once when " +
            "the Portfolio Margin Pro user-data stream says the account moved. Try it with --demo.",
          " ".repeat(ACCOUNT_INFO.length + 4)
        ).trimStart()
    ),
    ...common(),
    `See each command's flags with: ${NAME} ${ACCOUNT_INFO} --help, ${NAME} ${WATCH} --help`
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
    flagsSection(ACCOUNT_INFO_FLAGS),
    ...common()
  ].join("\n\n")

/** `watch --help`. */
export const watchHelp = (version: string): string =>
  [
    `${NAME} ${version}`,
    wrap(
      "Watch assets: each one's withdrawable amount and its USD value (GET /fapi/v1/pmAccountInfo) kept current " +
        "within a share of the IP's request weight, and the account's equity, virtual max withdraw and risk level " +
        "from the Portfolio Margin Pro user-data stream (a listenKey and a WebSocket), which also says when to " +
        "re-read. Credentials come from the environment, as for account-info. The stream needs a WebSocket: " +
        "Node 22 and later have one; on Node 20 the installed command carries the ws package, and from the sources " +
        "install ws (npm install ws) or give --no-stream. Through a proxy, the stream goes through the reads' proxy " +
        "(a CONNECT tunnel), which needs ws.",
      ""
    ),
    section("USAGE", `  $ ${NAME} ${WATCH} [flags]`),
    flagsSection(WATCH_FLAGS),
    ...common()
  ].join("\n\n")
