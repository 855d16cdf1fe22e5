// The command's cases, the same for both editions: each edition's cli spec runs them in process through the core's
// `run` with its own edition (its library and its FakeBinance.start). Plain data plus one runner without Effect.
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs/promises"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Model from "../../src/internal/core/fake/model.js"
import { API_KEY, HMAC_SECRET } from "../utils/keys.js"
import * as Loopback from "../utils/loopback.js"

export const BTC = { maxWithdrawAmount: "27.43689636", maxWithdrawAmountUSD: "1627523.32459208" }
export const credentials = { BINANCE_API_KEY: API_KEY, BINANCE_SECRET_KEY: HMAC_SECRET }
/** The served fake: BTC for the HMAC test key. */
export const account: Model.Account = { apiKey: API_KEY, hmacSecret: HMAC_SECRET, assets: { BTC } }

export interface CliCase {
  readonly name: string
  readonly args: ReadonlyArray<string>
  /** `$BASE` in args is the served fake's base URL, `$DEAD` a loopback URL where nothing listens. */
  readonly env?: Readonly<Record<string, string>>
  /** Serve the fake (with these faults queued for pmAccountInfo) before running. */
  readonly faults?: ReadonlyArray<Model.Fault>
  readonly code: number
  /**
   * stdout, exactly (lines joined by "\n"); `json` means: every line parses as JSON; `events`: that many lines,
   * each a watcher's event as JSON; `lines`: one line per pattern, each matching it.
   */
  readonly stdout?:
    | string
    | "json"
    | { readonly events: number }
    | { readonly lines: ReadonlyArray<RegExp> }
    | undefined
  readonly stderr?: { readonly contains?: ReadonlyArray<string>; readonly lacks?: ReadonlyArray<string> }
}

const usage = (name: string, args: ReadonlyArray<string>, contains: ReadonlyArray<string>, lacks?: Array<string>) => ({
  name: `${name}: exit 2 with a message`,
  args,
  env: credentials,
  code: 2,
  stdout: "",
  stderr: { contains, ...(lacks === undefined ? {} : { lacks }) }
})

const DECIMAL = /^-?\d+(\.\d+)?$/
const ACCOUNT_FIELDS = [
  "uniMMR",
  "accountEquity",
  "actualEquity",
  "initialMargin",
  "maintenanceMargin",
  "availableBalance",
  "virtualMaxWithdrawUSD"
]

/** Whether a line of `watch --json` is a `WatchEvent` as the Promise API gives it: its type, its fields, strings. */
export const isWatchEvent = (line: string): boolean => {
  let u: Record<string, unknown>
  try {
    u = JSON.parse(line)
  } catch {
    return false
  }
  const time = (v: unknown) => typeof v === "number" && Number.isSafeInteger(v) && v > 1_600_000_000_000
  switch (u.type) {
    case "asset":
      return typeof u.asset === "string" && typeof u.maxWithdrawAmount === "string" &&
        DECIMAL.test(u.maxWithdrawAmount) && typeof u.maxWithdrawAmountUSD === "string" &&
        DECIMAL.test(u.maxWithdrawAmountUSD) && time(u.at) && Object.keys(u).length === 5
    case "account":
      return time(u.at) && ACCOUNT_FIELDS.every((f) => typeof u[f] === "string" && DECIMAL.test(u[f] as string))
    case "risk":
      return time(u.at) && typeof u.level === "string"
    case "stream":
      return u.state === "up" || u.state === "down"
    case "read-failed": {
      const error = u.error as Record<string, unknown> | undefined
      return typeof u.asset === "string" && time(u.at) && time(u.retryAt) && typeof u.failures === "number" &&
        typeof error?._tag === "string" && typeof error.message === "string"
    }
    default:
      return false
  }
}

const stamp = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"

export const cliCases: ReadonlyArray<CliCase> = [
  {
    name: "--demo: one aligned table of BTC, ETH and USDT with exact amounts and the used weight",
    args: ["account-info", "--demo"],
    code: 0,
    stdout: [
      "Asset  Max withdraw amount         USD value  Used weight",
      "BTC            27.43689636  1627523.32459208            5",
      "ETH           152.80000000   519520.00000000           10",
      "USDT       250000.00000000   250000.00000000           15"
    ].join("\n"),
    stderr: { contains: ["Demo: a fake Binance is serving on http://127.0.0.1:"] }
  },
  {
    name: "--json: one object per line with Binance's strings",
    args: ["account-info", "--demo", "--json", "--asset", "eth,btc"],
    code: 0,
    stdout: [
      JSON.stringify({ asset: "ETH", maxWithdrawAmount: "152.80000000", maxWithdrawAmountUSD: "519520.00000000" }),
      JSON.stringify({ asset: "BTC", ...BTC })
    ].join("\n")
  },
  {
    name: "--log-level debug on a retried call: stdout holds only the JSON, the logs go to stderr",
    args: ["account-info", "-a", "BTC", "--base-url", "$BASE", "--json", "--log-level", "debug"],
    env: credentials,
    faults: [Model.builders.serviceUnavailable("unavailable")],
    code: 0,
    stdout: JSON.stringify({ asset: "BTC", ...BTC }),
    stderr: { contains: ["DEBUG pmAccountInfo attempt failed error=ServerError attempts=1"] }
  },
  {
    name: "--log-level is accepted anywhere, with = or a space",
    args: ["--log-level=debug", "account-info", "--demo", "-a", "BTC", "--json"],
    code: 0,
    stdout: JSON.stringify({ asset: "BTC", ...BTC })
  },
  {
    name: "--verbose prints the attempts, used weight and time of each asset on stderr",
    args: ["account-info", "-a", "BTC", "--base-url", "$BASE", "--market", "coin-m", "--json", "--verbose"],
    env: credentials,
    faults: [Model.builders.reset],
    code: 0,
    stdout: "json",
    stderr: { contains: [" (COIN-M), no proxy", "BTC: 2 attempts, used weight 5, "] }
  },
  {
    name: "--verbose on a failure says how many attempts were made",
    args: ["account-info", "-a", "BTC", "--base-url", "$BASE", "--verbose"],
    env: credentials,
    faults: [Model.builders.reset, Model.builders.reset, Model.builders.reset, Model.builders.reset],
    code: 1,
    stdout: "",
    stderr: { contains: ["BTC: failed after 4 attempts, ", "TransportError"] }
  },
  {
    name: "a 429 with Retry-After 30 s: the hint says how long to wait",
    args: ["account-info", "-a", "BTC", "--base-url", "$BASE"],
    env: credentials,
    faults: [Model.builders.rateLimited(30)],
    code: 1,
    stdout: "",
    stderr: {
      contains: ["RateLimited", "Binance asked to wait 30 s: wait that long before calling again."],
      lacks: ["a minute"]
    }
  },
  {
    name: "a firewall block (403 WafBlocked) gets a hint",
    args: ["account-info", "-a", "BTC", "--base-url", "$BASE"],
    env: credentials,
    faults: [Model.builders.wafBlocked],
    code: 1,
    stderr: { contains: ["WafBlocked", "Binance's firewall (CloudFront) blocked the request"] }
  },
  {
    name: "-1108 (an asset the account does not have) gets a hint",
    args: ["account-info", "--demo", "--asset", "DOGE"],
    code: 1,
    stdout: "",
    stderr: {
      contains: [
        "BinanceApiError: Binance error (HTTP 400, code -1108): Invalid asset.",
        "Check the asset's symbol"
      ]
    }
  },
  {
    name: "an API error exits 1 with its tag, code and message, and nothing secret",
    args: ["account-info", "-a", "BTC", "--base-url", "$BASE"],
    env: { BINANCE_API_KEY: API_KEY, BINANCE_SECRET_KEY: "f".repeat(64) },
    faults: [],
    code: 1,
    stdout: "",
    stderr: {
      contains: ["InvalidSignature", "code -1022", "Signature for this request is not valid."],
      lacks: ["f".repeat(64), API_KEY]
    }
  },
  {
    name: "a refused connection names its cause (ECONNREFUSED) and says to check the network",
    args: ["account-info", "-a", "BTC", "--base-url", "$DEAD"],
    env: credentials,
    code: 1,
    stderr: { contains: ["TransportError", "ECONNREFUSED", "Check the network and the base URL."] }
  },
  {
    name: "a dead HTTP_PROXY is named (host:port, never its credentials) in the hint",
    args: ["account-info", "-a", "BTC", "--base-url", "$BASE"],
    env: { ...credentials, HTTP_PROXY: "http://u:s3cr3t@$DEADHOST" },
    faults: [],
    code: 1,
    stderr: {
      contains: ["TransportError", "ECONNREFUSED", "Check the proxy 127.0.0.1:", "(from HTTP_PROXY)"],
      lacks: ["s3cr3t", "Check the network and the base URL."]
    }
  },
  {
    name: "a dead HTTPS_PROXY is named in the hint, and the call never leaves this machine",
    args: ["account-info", "-a", "BTC", "--env", "testnet"],
    env: { ...credentials, HTTPS_PROXY: "http://$DEADHOST" },
    code: 1,
    stderr: {
      contains: ["TransportError", "Check the proxy 127.0.0.1:", "(from HTTPS_PROXY)"],
      lacks: ["Check the network and the base URL."]
    }
  },
  {
    name: "missing credentials: exit 2 naming every variable and --demo",
    args: ["account-info", "--asset", "BTC"],
    code: 2,
    stdout: "",
    stderr: {
      contains: [
        "BINANCE_API_KEY is not set",
        "BINANCE_SECRET_KEY",
        "BINANCE_PRIVATE_KEY",
        "BINANCE_PRIVATE_KEY_FILE",
        "--demo"
      ]
    }
  },
  {
    name: "an API key without a key to sign with",
    args: ["account-info", "--asset", "BTC"],
    env: { BINANCE_API_KEY: API_KEY },
    code: 2,
    stderr: { contains: ["BINANCE_API_KEY is set, but no key to sign with"] }
  },
  {
    name: "an unreadable private key is reported without its text",
    args: ["account-info", "--asset", "BTC"],
    env: {
      BINANCE_API_KEY: API_KEY,
      BINANCE_PRIVATE_KEY: "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----"
    },
    code: 2,
    stderr: { contains: ["Invalid configuration \"privateKey\""], lacks: ["not a key"] }
  },
  {
    name: "--env demo without keys or asset: the missing keys first, with a pointer to --demo",
    args: ["account-info", "--env", "demo"],
    code: 2,
    stderr: {
      contains: [
        "BINANCE_API_KEY is not set",
        "Binance's Demo Trading site",
        "For the offline demo, with no keys, run: effect-binance-pm account-info --demo"
      ],
      lacks: ["Which asset?"]
    }
  },
  {
    name: "--env demo-trading with keys but no asset: which asset, and the pointer to --demo",
    args: ["account-info", "--env", "demo-trading"],
    env: credentials,
    code: 2,
    stderr: { contains: ["Which asset?", "account-info --demo"] }
  },
  {
    name: "parameters are checked before credentials: a bad --asset is reported, not the missing keys",
    args: ["account-info", "--asset", "b$c"],
    code: 2,
    stderr: { contains: ["Invalid parameter \"asset\""], lacks: ["BINANCE_API_KEY"] }
  },
  {
    name: "--demo --recv-window 0 is rejected before the demo starts",
    args: ["account-info", "--demo", "--recv-window", "0"],
    code: 2,
    stdout: "",
    stderr: { contains: ["from 1 to 60000"], lacks: ["Demo:"] }
  },
  {
    name: "--help explains the command, the credentials and the exit codes",
    args: ["--help"],
    code: 0,
    stderr: { lacks: ["\x1b["] }
  },
  {
    name: "HTTP_PROXY with NO_PROXY matching: the call goes direct",
    args: ["account-info", "-a", "BTC", "--base-url", "$BASE", "--verbose", "--json"],
    env: { ...credentials, http_proxy: "http://$DEADHOST", NO_PROXY: "localhost,127.0.0.1" },
    faults: [],
    code: 0,
    stdout: "json",
    stderr: { contains: ["no proxy"] }
  },
  {
    name: "an invalid proxy URL: exit 2, its credentials never printed",
    args: ["account-info", "-a", "BTC", "--base-url", "$BASE"],
    env: { ...credentials, HTTP_PROXY: "socks5://u:s3cr3t-proxy@h:1" },
    faults: [],
    code: 2,
    stderr: { contains: ["proxy"], lacks: ["s3cr3t"] }
  },
  {
    name: "watch --demo --json --count 5: five NDJSON lines, each a WatchEvent, nothing else on stdout",
    args: ["watch", "--demo", "--json", "--count", "5", "--weight-share", "1"],
    code: 0,
    stdout: { events: 5 },
    stderr: { contains: ["Demo: a fake Binance is serving on http://127.0.0.1:", "Demo: BTC's price moves"] }
  },
  {
    name: "watch, stdout not a terminal: one plain line per event, the amounts as Binance wrote them",
    args: ["watch", "--demo", "--no-stream", "--count", "3", "--weight-share", "1", "-a", "usdt,BTC,eth"],
    code: 0,
    stdout: {
      lines: [
        new RegExp(`^${stamp} USDT 250000\\.00000000 \\(250000\\.00000000 USD\\)$`),
        new RegExp(`^${stamp} BTC 27\\.43689636 \\(1627523\\.32459208 USD\\)$`),
        new RegExp(`^${stamp} ETH 152\\.80000000 \\(519520\\.00000000 USD\\)$`)
      ]
    }
  },
  {
    name: "watch: a failed read is an event (read-failed, its typed error), and the watch goes on",
    args: ["watch", "-a", "BTC", "--base-url", "$BASE", "--no-stream", "--json", "--count", "2"],
    env: credentials,
    faults: [Model.builders.reset, Model.builders.reset, Model.builders.reset, Model.builders.reset],
    code: 0,
    stdout: {
      lines: [
        /^\{"type":"read-failed",.*"asset":"BTC",.*"error":\{"_tag":"TransportError",.*"message":"Could not reach Binance/,
        /^\{"type":"asset","asset":"BTC","maxWithdrawAmount":"27\.43689636","maxWithdrawAmountUSD":"1627523\.32459208","at":\d+\}$/
      ]
    }
  },
  {
    name: "watch --for: it stops after that long and exits 0",
    args: ["watch", "-a", "BTC", "--base-url", "$BASE", "--no-stream", "--json", "--for", "1500ms"],
    env: credentials,
    faults: [],
    code: 0,
    stdout: { events: 1 }
  },
  {
    name: "watch through a proxy: the reads and the stream use it, with no note that the stream goes around it",
    args: [
      "watch",
      "-a",
      "BTC",
      "--base-url",
      "$BASE",
      "--ws-url=ws://$DEADHOST",
      "--json",
      "--count",
      "1",
      "--verbose"
    ],
    env: { ...credentials, HTTP_PROXY: "http://$DEADHOST" },
    faults: [],
    code: 0,
    stdout: { events: 1 },
    stderr: {
      contains: ["/pm-classic/ws/<listenKey> through the proxy 127.0.0.1:", "(from HTTP_PROXY)"],
      lacks: ["connects directly", "Note:"]
    }
  },
  usage("watch: a weight share above 1", ["watch", "--demo", "--weight-share", "2"], [
    "Invalid configuration \"weightShare\": must be a fraction of the weight budget above 0 and at most 1, such as " +
    "0.1 (--weight-share).",
    "See every option with: effect-binance-pm watch --help"
  ], ["Demo:"]),
  usage("watch: a max age under a second", ["watch", "--demo", "--max-age", "500ms"], [
    "Invalid configuration \"maxAgeMs\": must be an integer from 1000 to 86400000 ms (--max-age)."
  ]),
  usage("watch: a max age that is no duration", ["watch", "--demo", "--max-age", "soon"], [
    "--max-age: 'soon' is not a duration (such as 1500ms, 30s, 2m or 1h).",
    "See every option with: effect-binance-pm watch --help"
  ]),
  usage("watch: a bad asset, before the credentials", ["watch", "--asset", "b-c"], [
    "Invalid configuration \"assets[0]\"",
    "(--asset)"
  ], ["BINANCE_API_KEY"]),
  usage("watch: --count 0", ["watch", "--demo", "--count", "0"], ["--count: '0' is not a whole number of events"]),
  usage("watch: a flag of account-info", ["watch", "--demo", "--recv-window", "5000"], [
    "--recv-window is a flag of account-info, not of watch."
  ]),
  usage("account-info: a flag of watch", ["account-info", "--demo", "--count", "3"], [
    "--count is a flag of watch, not of account-info.",
    "See every option with: effect-binance-pm account-info --help"
  ]),
  usage("watch on testnet without --ws-url", ["watch", "-a", "BTC", "--env", "testnet"], [
    "Which user-data stream?",
    "--ws-url",
    "--no-stream"
  ]),
  usage("watch: a plain ws: --ws-url to a remote host", ["watch", "-a", "BTC", "--ws-url", "ws://stream.example"], [
    "Invalid configuration \"wsBaseUrl\"",
    "(--ws-url)"
  ]),
  usage("watch: --ws-url with --no-stream", ["watch", "-a", "BTC", "--no-stream", "--ws-url", "wss://a.test"], [
    "leave it out with --no-stream"
  ]),
  usage("watch without an asset", ["watch"], ["Which asset?", "effect-binance-pm watch --asset BTC"]),
  usage("no command", [], ["Missing command", "--help"]),
  usage("no asset", ["account-info"], ["Which asset?"]),
  usage("--demo with --env", ["account-info", "--demo", "--env", "testnet"], ["leave out --base-url and --env"]),
  usage("--base-url with --env", ["account-info", "-a", "BTC", "--env", "demo", "--base-url", "https://a.test"], [
    "not both"
  ]),
  usage("an unknown flag", ["account-info", "--demo", "--bogus"], [
    "Unknown flag --bogus.",
    "See every option with: effect-binance-pm account-info --help"
  ]),
  usage("a flag without its value", ["account-info", "--asset", "--json"], ["--asset needs a value"]),
  usage("a non-integer --recv-window", ["account-info", "--demo", "--recv-window", "soon"], [
    "--recv-window: 'soon' is not an integer"
  ], ["a integer"]),
  usage("--recv-window out of range", ["account-info", "--demo", "--recv-window", "0"], ["from 1 to 60000"]),
  usage("an unknown --env", ["account-info", "-a", "BTC", "--env", "mainnet"], [
    "--env: 'mainnet' is not one of production, testnet, demo-trading, demo"
  ]),
  usage("a plain-http --base-url", ["account-info", "-a", "BTC", "--base-url", "http://fapi.example"], [
    "must use https"
  ]),
  usage("an asset with a symbol in it", ["account-info", "--demo", "--asset", "bt-c"], [
    "upper-case letters or digits"
  ])
]

/** What the root and sub-command help must say. */
export const helpTexts = {
  root: [
    "account-info",
    "watch",
    "watch --demo",
    "--demo",
    "EXAMPLES",
    "BINANCE_API_KEY",
    "BINANCE_PRIVATE_KEY_FILE",
    "EXIT CODES",
    "130"
  ],
  accountInfo: [
    "--asset",
    "--recv-window",
    "--json",
    "--base-url",
    "--env",
    "--demo",
    "--log-level",
    "Classic Portfolio",
    "Not the offline demo: that is --demo",
    "Not Binance's Demo Trading site: that is --env demo-trading",
    "production (https://fapi.binance.com, the default)"
  ],
  watch: [
    "--asset",
    "--json",
    "NDJSON",
    "--max-age",
    "--weight-share",
    "--vmw-threshold",
    "--no-stream",
    "--ws-url",
    "--count",
    "--for",
    "--demo",
    "--env",
    "npm install ws",
    "redrawn in place",
    "watch exits 0 when stopped"
  ]
} as const

/** A loopback port where nothing listens (it was free a moment ago). */
export const deadPort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = Net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as Net.AddressInfo
      server.close(() => resolve(port))
    })
  })

export interface Ran {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs one case: serves the fake if the case wants one (`serve` is the edition's `FakeBinance.start` plus its
 * faults), substitutes `$BASE`/`$DEAD`/`$DEADHOST`, and runs the command with a captured stdout and stderr.
 */
export const runCase = async (
  c: CliCase,
  run: (args: ReadonlyArray<string>, io: {
    readonly env: Readonly<Record<string, string>>
    readonly stdout: (text: string) => void
    readonly stderr: (text: string) => void
  }) => Promise<number>,
  serve: (
    faults: ReadonlyArray<Model.Fault>
  ) => Promise<{ readonly baseUrl: string; readonly close: () => Promise<void> }>
): Promise<Ran> => {
  const served = c.faults === undefined ? undefined : await serve(c.faults)
  const dead = `127.0.0.1:${await deadPort()}`
  const fill = (text: string) =>
    text.replace("$BASE", served?.baseUrl ?? "").replace("$DEADHOST", dead).replace("$DEAD", `http://${dead}`)
  const stdout: Array<string> = []
  const stderr: Array<string> = []
  // A state directory of its own (the default is under the home directory): nothing a case learns outlives it.
  const stateDir = await Fs.mkdtemp(Path.join(Os.tmpdir(), "effect-binance-pm-cli-state-"))
  try {
    const code = await run(c.args.map(fill), {
      env: {
        BINANCE_STATE_DIR: stateDir,
        ...Object.fromEntries(Object.entries(c.env ?? {}).map(([name, value]) => [name, fill(value)]))
      },
      stdout: (text) => void stdout.push(text),
      stderr: (text) => void stderr.push(text)
    })
    return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n") }
  } finally {
    await served?.close()
    await Fs.rm(stateDir, { recursive: true, force: true })
  }
}

/** The observations a case checks, in a shape `toEqual` can compare (`expected` of the same case). */
const observeStdout = (expected: CliCase["stdout"], stdout: string): unknown => {
  const lines = stdout.split("\n")
  if (expected === undefined) return undefined
  if (expected === "json") {
    return lines.every((line) => {
      try {
        return typeof JSON.parse(line) === "object"
      } catch {
        return false
      }
    })
  }
  if (typeof expected === "string") return stdout
  if ("events" in expected) return { events: lines.filter(isWatchEvent).length, lines: lines.length }
  return { lines: lines.map((line, i) => expected.lines[i]?.test(line) === true ? "matches" : line) }
}

export const observe = (c: CliCase, ran: Ran) => ({
  code: ran.code,
  stdout: observeStdout(c.stdout, ran.stdout),
  contains: (c.stderr?.contains ?? []).filter((text) => ran.stderr.includes(text)),
  lacks: (c.stderr?.lacks ?? []).filter((text) => !ran.stderr.includes(text))
})

export const expected = (c: CliCase) => ({
  code: c.code,
  stdout: c.stdout === "json"
    ? true
    : typeof c.stdout === "object" && "events" in c.stdout
    ? { events: c.stdout.events, lines: c.stdout.events }
    : typeof c.stdout === "object"
    ? { lines: c.stdout.lines.map(() => "matches") }
    : c.stdout,
  contains: c.stderr?.contains ?? [],
  lacks: c.stderr?.lacks ?? []
})

export interface Child {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs a command as a child process and resolves when it ends by itself (no kill here: the test timeout is the
 * only backstop). `onSpawn` gets the child, to signal it.
 */
export const spawn = (
  command: string,
  args: ReadonlyArray<string>,
  options: {
    readonly cwd?: string
    readonly env?: NodeJS.ProcessEnv
    readonly onSpawn?: (child: ChildProcess.ChildProcess) => void
  } = {}
): Promise<Child> =>
  new Promise((resolve) => {
    const child = ChildProcess.spawn(command, args, {
      cwd: options.cwd ?? process.cwd(),
      env: options.env ?? { PATH: process.env.PATH },
      stdio: ["ignore", "pipe", "pipe"]
    })
    options.onSpawn?.(child)
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk) => (stdout += chunk))
    child.stderr.on("data", (chunk) => (stderr += chunk))
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })

/**
 * The call through a live proxy that wants credentials (given in HTTP_PROXY): what the proxy saw, and whether the
 * command named the proxy without its credentials. Both editions' specs expect {@link throughProxyExpected}.
 */
export const throughProxy = async (
  run: Parameters<typeof runCase>[1],
  serve: Parameters<typeof runCase>[2]
) => {
  const proxy = await Loopback.startProxy({
    authorization: `Basic ${Buffer.from("u:s3cr3t-proxy").toString("base64")}`
  })
  const served = await serve([])
  try {
    const stdout: Array<string> = []
    const stderr: Array<string> = []
    const code = await run(["account-info", "-a", "BTC", "--base-url", served.baseUrl, "--verbose", "--json"], {
      env: { ...credentials, HTTP_PROXY: proxy.url.replace("http://", "http://u:s3cr3t-proxy@") },
      stdout: (text) => void stdout.push(text),
      stderr: (text) => void stderr.push(text)
    })
    const printed = stdout.join("\n") + stderr.join("\n")
    return {
      code,
      stdout: JSON.parse(stdout.join("\n")) as unknown,
      seen: proxy.seen.map((seen) => seen.method),
      named: stderr.join("\n").includes(`through the proxy 127.0.0.1:${proxy.port}`),
      leaked: printed.includes("s3cr3t")
    }
  } finally {
    await served.close()
    await Loopback.close(proxy)
  }
}

export const throughProxyExpected = {
  code: 0,
  stdout: { asset: "BTC", ...BTC },
  seen: ["GET"],
  named: true,
  leaked: false
}

/**
 * Bans outlive the process (issue 20): three runs of the command, each a process of its own, against one fake that
 * answers the first request with a 418 (and bans for 120 s). The second run, with the same state directory, sends
 * nothing and says how long is left; the third, with --no-state, sends and gets Binance's 418 again.
 */
export const restartInsideBan = async (
  runProcess: (args: ReadonlyArray<string>, env: Readonly<Record<string, string>>) => Promise<Child>,
  serve: (faults: ReadonlyArray<Model.Fault>) => Promise<{
    readonly baseUrl: string
    readonly close: () => Promise<void>
    readonly requestCount: () => Promise<number>
  }>
) => {
  const stateDir = await Fs.mkdtemp(Path.join(Os.tmpdir(), "effect-binance-pm-cli-state-"))
  const served = await serve([Model.builders.banned(120)])
  try {
    const args = ["account-info", "-a", "BTC", "--base-url", served.baseUrl]
    const env = { ...credentials, BINANCE_STATE_DIR: stateDir }
    const first = await runProcess(args, env)
    const afterFirst = await served.requestCount()
    const second = await runProcess(args, env)
    const afterSecond = await served.requestCount()
    const third = await runProcess([...args, "--no-state"], env)
    const afterThird = await served.requestCount()
    const inForce = /This IP is banned by Binance for another (2 min|1 min \d+ s): nothing was sent/
    return {
      codes: [first.code, second.code, third.code],
      requests: [afterFirst, afterSecond, afterThird],
      firstBanned: first.stderr.includes("IpBanned: This IP is banned by Binance (HTTP 418"),
      secondInForce: inForce.test(second.stderr),
      thirdSent: !inForce.test(third.stderr) && third.stderr.includes("(HTTP 418")
    }
  } finally {
    await served.close()
    await Fs.rm(stateDir, { recursive: true, force: true })
  }
}

export const restartInsideBanExpected = {
  codes: [1, 1, 1],
  requests: [1, 1, 2],
  firstBanned: true,
  secondInForce: true,
  thirdSent: true
}

/**
 * `watch` as a process, stopped by a signal once its stream is up and BTC was read: it closes the watcher (the
 * socket closed, the listenKey deleted) and exits 0, stdout holding only events. `serve` is the edition's
 * `FakeBinance.start` with its effects run as promises.
 */
export const watchStoppedBySignal = async (
  signal: "SIGINT" | "SIGTERM",
  serve: () => Promise<{
    readonly baseUrl: string
    readonly close: () => Promise<void>
    readonly streamConnections: () => Promise<number>
    readonly requests: () => Promise<ReadonlyArray<{ readonly method: string; readonly path: string }>>
  }>
) => {
  const served = await serve()
  try {
    let child: ChildProcess.ChildProcess | undefined
    const running = spawn(
      process.execPath,
      [
        // The Effect 4 edition's src/internal/wiring is a symlink: its imports resolve in that edition's tree.
        "--preserve-symlinks",
        "--import",
        "tsx",
        "src/bin.ts",
        "watch",
        "-a",
        "BTC",
        "--json",
        "--no-state",
        "--base-url",
        served.baseUrl,
        "--ws-url",
        served.baseUrl.replace("http:", "ws:")
      ],
      { env: { PATH: process.env.PATH, ...credentials }, onSpawn: (c) => (child = c) }
    )
    const read = async () => (await served.requests()).some((r) => r.path.endsWith("/pmAccountInfo"))
    while (await served.streamConnections() === 0 || !(await read())) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const signalled = Date.now()
    child!.kill(signal)
    const ended = await running
    const lines = ended.stdout.trimEnd().split("\n")
    return {
      code: ended.code,
      quick: Date.now() - signalled < 3000,
      events: lines.every(isWatchEvent),
      read: lines.some((line) => line.startsWith("{\"type\":\"asset\",\"asset\":\"BTC\"")),
      connections: await served.streamConnections(),
      listenKey: (await served.requests()).filter((r) => r.path.endsWith("/listenKey")).map((r) => r.method)
    }
  } finally {
    await served.close()
  }
}

export const watchStoppedBySignalExpected = {
  code: 0,
  quick: true,
  events: true,
  read: true,
  connections: 0,
  listenKey: ["POST", "DELETE"]
}
