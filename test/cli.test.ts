// The CLI: in process with a captured console and a scripted environment, and as real child processes
// (tsx on the sources, and the esbuild bundle run from a directory without node_modules).
import * as NodeContext from "@effect/platform-node/NodeContext"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs/promises"
import * as Net from "node:net"
import * as Os from "node:os"
import * as Path from "node:path"
import * as FakeBinance from "../src/FakeBinance.js"
import * as Demo from "../src/internal/cli/demo.js"
import * as Cli from "../src/internal/cli/main.js"
import { API_KEY, HMAC_SECRET } from "./utils/keys.js"
import { serveProxy } from "./utils/proxy.js"

const ANSI = /\x1b\[[0-9;]*m/g

/** Runs the CLI in process; `env` stands in for the process environment. */
const cli = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  Effect.gen(function*() {
    const stdout: Array<string> = []
    const stderr: Array<string> = []
    const console = yield* Effect.console
    const text = (args: ReadonlyArray<unknown>) => args.map(String).join(" ").replace(ANSI, "")
    const code = yield* Cli.run(["node", "effect-binance-pm", ...args]).pipe(
      Console.withConsole({
        ...console,
        log: (...args) => Effect.sync(() => void stdout.push(text(args))),
        error: (...args) => Effect.sync(() => void stderr.push(text(args)))
      }),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
      Effect.provide(NodeContext.layer)
    )
    return { code, stdout: stdout.join("\n"), stderr: stderr.join("\n") }
  })

const BTC = Demo.assets.BTC!

/** A served fake holding BTC for the HMAC test key, for the non-demo path. */
const served = FakeBinance.serve({ accounts: [{ apiKey: API_KEY, hmacSecret: HMAC_SECRET, assets: { BTC } }] })
const credentials = { BINANCE_API_KEY: API_KEY, BINANCE_SECRET_KEY: HMAC_SECRET }

describe("CLI in process", () => {
  it.live("--demo: one aligned table of BTC, ETH and USDT with exact amounts and the used weight", () =>
    Effect.gen(function*() {
      const { code, stderr, stdout } = yield* cli(["account-info", "--demo"])
      expect(code).toBe(0)
      expect(stdout.split("\n")).toEqual([
        "Asset  Max withdraw amount         USD value  Used weight",
        "BTC            27.43689636  1627523.32459208            5",
        "ETH           152.80000000   519520.00000000           10",
        "USDT       250000.00000000   250000.00000000           15"
      ])
      expect(stderr).toMatch(/^Demo: a fake Binance is serving on http:\/\/127\.0\.0\.1:\d+/)
    }))

  it.live("--json: one object per line with Binance's strings, nothing else on stdout", () =>
    Effect.gen(function*() {
      const { code, stdout } = yield* cli(["account-info", "--demo", "--json", "--asset", "eth,btc"])
      expect(code).toBe(0)
      expect(stdout.split("\n").map((line) => JSON.parse(line))).toEqual([
        { asset: "ETH", ...Demo.assets.ETH },
        { asset: "BTC", ...BTC }
      ])
      expect(stdout).toContain("\"maxWithdrawAmount\":\"152.80000000\"")
    }))

  it.live("reads a real account through env credentials and --base-url; --recv-window is sent", () =>
    Effect.scoped(Effect.gen(function*() {
      const { baseUrl, fake } = yield* served
      const { code, stdout } = yield* cli(
        ["account-info", "--asset", "BTC", "--base-url", baseUrl, "--recv-window", "3000", "--json"],
        credentials
      )
      expect(code).toBe(0)
      expect(JSON.parse(stdout)).toEqual({ asset: "BTC", ...BTC })
      const [entry] = yield* fake.requests
      expect(entry!.query).toMatch(/^asset=BTC&recvWindow=3000&timestamp=\d+&signature=<redacted>$/)
    })))

  it.live("--market coin-m calls /dapi/v1/pmAccountInfo; --verbose prints attempts, used weight and time", () =>
    Effect.scoped(Effect.gen(function*() {
      const { baseUrl, fake } = yield* served
      const { code, stderr, stdout } = yield* cli(
        ["account-info", "--asset", "BTC", "--base-url", baseUrl, "--market", "coin-m", "--json", "--verbose"],
        credentials
      )
      expect(code).toBe(0)
      expect(JSON.parse(stdout)).toEqual({ asset: "BTC", ...BTC })
      expect((yield* fake.requests).map((entry) => entry.path)).toEqual(["/dapi/v1/pmAccountInfo"])
      expect(stderr).toContain(`Calling ${baseUrl} (COIN-M), no proxy`)
      expect(stderr).toMatch(/^BTC: 1 attempt, used weight 5, \d+ ms$/m)
    })))

  it.live("HTTP_PROXY: the call goes through the proxy (credentials never printed); NO_PROXY bypasses it", () =>
    Effect.scoped(Effect.gen(function*() {
      const { baseUrl, fake } = yield* served
      const proxy = yield* serveProxy({ authorization: `Basic ${Buffer.from("u:s3cr3t-proxy").toString("base64")}` })
      const through = yield* cli(["account-info", "-a", "BTC", "--base-url", baseUrl, "--verbose"], {
        ...credentials,
        HTTP_PROXY: proxy.url.replace("http://", "http://u:s3cr3t-proxy@")
      })
      expect(through.code).toBe(0)
      expect(proxy.seen.map((seen) => seen.method)).toEqual(["GET"])
      expect(through.stderr).toContain(`through the proxy 127.0.0.1:${proxy.port}`)
      expect(through.stderr + through.stdout).not.toContain("s3cr3t")
      const bypassed = yield* cli(["account-info", "-a", "BTC", "--base-url", baseUrl], {
        ...credentials,
        http_proxy: proxy.url,
        NO_PROXY: "localhost,127.0.0.1"
      })
      expect(bypassed.code).toBe(0)
      expect(proxy.seen).toHaveLength(1)
      expect(yield* fake.requestCount).toBe(2)
      const invalid = yield* cli(["account-info", "-a", "BTC", "--base-url", baseUrl], {
        ...credentials,
        HTTP_PROXY: "socks5://u:s3cr3t-proxy@h:1"
      })
      expect(invalid.code).toBe(2)
      expect(invalid.stderr).toContain("proxy")
      expect(invalid.stderr).not.toContain("s3cr3t")
    })))

  it.live("an API error exits 1 with its tag, code and message, and nothing secret", () =>
    Effect.scoped(Effect.gen(function*() {
      const { baseUrl, fake } = yield* served
      const wrong = "f".repeat(64)
      const { code, stderr, stdout } = yield* cli(["account-info", "-a", "BTC", "--base-url", baseUrl], {
        BINANCE_API_KEY: API_KEY,
        BINANCE_SECRET_KEY: wrong
      })
      expect(code).toBe(1)
      expect(stdout).toBe("")
      expect(stderr).toContain("InvalidSignature")
      expect(stderr).toContain("code -1022")
      expect(stderr).toContain("Signature for this request is not valid.")
      const [entry] = yield* fake.requests
      for (const secret of [wrong, API_KEY, Redacted.value(entry!.signature!)]) {
        expect(stderr).not.toContain(secret)
      }
      const demo = yield* cli(["account-info", "--demo", "--asset", "DOGE"])
      expect(demo.code).toBe(1)
      expect(demo.stderr).toContain("BinanceApiError: Binance error (HTTP 400, code -1108): Invalid asset.")
    })))

  it.live("missing credentials exit 2 with a message naming every variable", () =>
    Effect.gen(function*() {
      const none = yield* cli(["account-info", "--asset", "BTC"])
      expect(none.code).toBe(2)
      expect(none.stderr).toContain("BINANCE_API_KEY is not set")
      for (const name of ["BINANCE_SECRET_KEY", "BINANCE_PRIVATE_KEY", "BINANCE_PRIVATE_KEY_FILE", "--demo"]) {
        expect(none.stderr).toContain(name)
      }
      const keyOnly = yield* cli(["account-info", "--asset", "BTC"], { BINANCE_API_KEY: API_KEY })
      expect(keyOnly.code).toBe(2)
      expect(keyOnly.stderr).toContain("BINANCE_API_KEY is set, but no key to sign with")
      const badPem = yield* cli(["account-info", "--asset", "BTC"], {
        BINANCE_API_KEY: API_KEY,
        BINANCE_PRIVATE_KEY: "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----"
      })
      expect(badPem.code).toBe(2)
      expect(badPem.stderr).toContain("Invalid configuration \"privateKey\"")
      expect(badPem.stderr).not.toContain("not a key")
    }))

  const usage: ReadonlyArray<readonly [string, ReadonlyArray<string>, string]> = [
    ["no command", [], "Missing command"],
    ["no asset", ["account-info"], "Which asset?"],
    ["--demo with --env", ["account-info", "--demo", "--env", "testnet"], "leave out --base-url and --env"],
    [
      "--base-url with --env",
      ["account-info", "-a", "BTC", "--env", "demo", "--base-url", "https://a.test"],
      "not both"
    ],
    ["an unknown flag", ["account-info", "--demo", "--bogus"], "--bogus"],
    ["a non-integer --recv-window", ["account-info", "--demo", "--recv-window", "soon"], "'soon'"],
    ["--recv-window out of range", ["account-info", "--demo", "--recv-window", "0"], "from 1 to 60000"],
    [
      "an unknown --env",
      ["account-info", "-a", "BTC", "--env", "mainnet"],
      "production, testnet, demo-trading, demo"
    ],
    ["--env production with --base-url", [
      "account-info",
      "-a",
      "BTC",
      "--env",
      "production",
      "--base-url",
      "https://a.test"
    ], "not both"],
    ["a plain-http --base-url", ["account-info", "-a", "BTC", "--base-url", "http://fapi.example"], "must use https"],
    ["an asset with a symbol in it", ["account-info", "--demo", "--asset", "bt-c"], "upper-case letters or digits"]
  ]
  for (const [name, args, message] of usage) {
    it.live(`${name}: exit 2 with a message`, () =>
      Effect.gen(function*() {
        const { code, stderr, stdout } = yield* cli(args, credentials)
        expect(code).toBe(2)
        expect(stdout).toBe("")
        expect(stderr).toContain(message)
      }))
  }

  it.live("--log-level is accepted anywhere: before or after the subcommand and its flags, with = or a space", () =>
    Effect.gen(function*() {
      for (
        const args of [
          ["--log-level", "debug", "account-info", "--demo", "-a", "BTC"],
          ["account-info", "--log-level=debug", "--demo", "-a", "BTC"],
          ["account-info", "--demo", "-a", "BTC", "--log-level=debug"],
          ["account-info", "--demo", "-a", "BTC", "--log-level", "debug"],
          ["account-info", "--demo", "--log-level", "debug", "--json", "-a", "BTC"]
        ]
      ) {
        const { code, stderr, stdout } = yield* cli(args)
        expect([args.join(" "), code, stderr]).toEqual([args.join(" "), 0, expect.stringMatching(/^Demo: /)])
        expect(stdout).toContain("27.43689636")
      }
      expect(
        Cli.hoistLogLevel(["node", "x", "account-info", "-a", "BTC", "--log-level", "info", "--", "--log-level=x"])
      )
        .toEqual(["node", "x", "--log-level", "info", "account-info", "-a", "BTC", "--", "--log-level=x"])
    }))

  it.live("--env demo without keys points at --demo, the offline demo; --env demo-trading is the same site", () =>
    Effect.gen(function*() {
      for (const env of ["demo", "demo-trading"]) {
        const noAsset = yield* cli(["account-info", "--env", env])
        expect(noAsset.code).toBe(2)
        expect(noAsset.stderr).toContain("Which asset?")
        expect(noAsset.stderr).toContain(
          "For the offline demo, with no keys, run: effect-binance-pm account-info --demo"
        )
        const noKeys = yield* cli(["account-info", "--env", env, "--asset", "BTC"])
        expect(noKeys.code).toBe(2)
        expect(noKeys.stderr).toContain("BINANCE_API_KEY is not set")
        expect(noKeys.stderr).toContain("Binance's Demo Trading site")
        expect(noKeys.stderr).toContain("account-info --demo")
      }
      const help = yield* cli(["account-info", "--help"])
      expect(help.stdout).toContain("Not the offline demo: that is --demo")
      expect(help.stdout).toContain("Not Binance's Demo Trading site: that is --env demo-trading")
      expect(help.stdout).toContain("production (https://fapi.binance.com, the default)")
    }))

  it.live("parameters are checked before credentials: a bad --asset is reported, not the missing keys", () =>
    Effect.gen(function*() {
      const { code, stderr } = yield* cli(["account-info", "--asset", "b$c"])
      expect(code).toBe(2)
      expect(stderr).toContain("Invalid parameter \"asset\"")
      expect(stderr).not.toContain("BINANCE_API_KEY")
    }))

  it.live("a refused connection names its cause (ECONNREFUSED): the CLI sends through the library's own client", () =>
    Effect.gen(function*() {
      // A port that was free a moment ago: nothing listens there.
      const port = yield* Effect.async<number>((resume) => {
        const server = Net.createServer().listen(0, "127.0.0.1", () => {
          const { port } = server.address() as Net.AddressInfo
          server.close(() => resume(Effect.succeed(port)))
        })
      })
      const { code, stderr } = yield* cli(
        ["account-info", "--asset", "BTC", "--base-url", `http://127.0.0.1:${port}`],
        credentials
      )
      expect(code).toBe(1)
      expect(stderr).toContain("TransportError")
      expect(stderr).toContain("ECONNREFUSED")
      expect(stderr).not.toContain("fetch failed")
    }))

  it.live("--help explains the command, the credentials and the exit codes", () =>
    Effect.gen(function*() {
      const root = yield* cli(["--help"])
      expect(root.code).toBe(0)
      for (const text of ["account-info", "--demo", "EXAMPLES", "BINANCE_API_KEY", "BINANCE_PRIVATE_KEY_FILE"]) {
        expect(root.stdout).toContain(text)
      }
      const sub = yield* cli(["account-info", "--help"])
      expect(sub.code).toBe(0)
      for (const text of ["--asset", "--recv-window", "--json", "--base-url", "--env", "--demo", "Classic Portfolio"]) {
        expect(sub.stdout).toContain(text)
      }
    }))
})

interface Child {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  readonly ms: number
}

interface SpawnOptions {
  readonly cwd?: string
  readonly env?: NodeJS.ProcessEnv
  readonly onSpawn?: (child: ChildProcess.ChildProcess) => void
}

const spawn = (command: string, args: ReadonlyArray<string>, options: SpawnOptions = {}) =>
  Effect.async<Child>((resume) => {
    const started = Date.now()
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
    // The process must end by itself: no kill here, the test timeout is the only backstop.
    child.on("close", (code) => resume(Effect.succeed({ code, stdout, stderr, ms: Date.now() - started })))
  })

const tsx = (...args: ReadonlyArray<string>) => spawn(process.execPath, ["--import", "tsx", "src/bin.ts", ...args])

const tsxWith = (options: SpawnOptions, ...args: ReadonlyArray<string>) =>
  spawn(process.execPath, ["--import", "tsx", "src/bin.ts", ...args], options)

describe("CLI as a process", () => {
  it.live("`npm start`'s command shows the demo and exits by itself with 0", () =>
    Effect.gen(function*() {
      const result = yield* tsx("account-info", "--demo")
      expect(result.code).toBe(0)
      expect(result.stdout.split("\n")[1]).toBe("BTC            27.43689636  1627523.32459208            5")
      expect(result.stderr).toMatch(/^Demo: a fake Binance is serving on http:\/\/127\.0\.0\.1:\d+/)
      expect(result.ms).toBeLessThan(10_000)
    }))

  it.live("exit codes reach the shell: 1 for an API error, 2 for missing credentials; piped help has no colours", () =>
    Effect.gen(function*() {
      const [apiError, missing, help] = yield* Effect.all(
        [tsx("account-info", "--demo", "--asset", "DOGE"), tsx("account-info", "--asset", "BTC"), tsx("--help")],
        { concurrency: 3 }
      )
      expect(help.code).toBe(0)
      expect(help.stdout).toContain("EXIT CODES")
      expect(help.stdout).not.toContain("\x1b[")
      expect([apiError.code, apiError.stderr.trim().split("\n").at(-1)]).toEqual([
        1,
        "BinanceApiError: Binance error (HTTP 400, code -1108): Invalid asset."
      ])
      expect(missing.code).toBe(2)
      expect(missing.stderr).toContain("No Binance credentials: BINANCE_API_KEY is not set.")
    }))

  it.live("Ctrl-C during a call that hangs: the call is interrupted and the process exits 130 at once", () =>
    Effect.scoped(Effect.gen(function*() {
      const { baseUrl, fake } = yield* served
      yield* fake.enqueueFault(FakeBinance.Fault.delay("1 minute"))
      let child: ChildProcess.ChildProcess | undefined
      const running = yield* Effect.fork(tsxWith(
        { env: { PATH: process.env.PATH, ...credentials }, onSpawn: (c) => (child = c) },
        "account-info",
        "--asset",
        "BTC",
        "--base-url",
        baseUrl
      ))
      yield* fake.requestCount.pipe(Effect.repeat({ until: (n) => n === 1, schedule: Schedule.spaced("20 millis") }))
      const signalled = Date.now()
      child!.kill("SIGINT")
      const result = yield* Fiber.join(running)
      expect(result.code).toBe(130)
      expect(Date.now() - signalled).toBeLessThan(2000)
    })))

  it.live("the bundle runs alone: built into an empty directory, no node_modules, same demo", () =>
    Effect.acquireUseRelease(
      Effect.promise(() => Fs.mkdtemp(Path.join(Os.tmpdir(), "effect-binance-pm-bin-"))),
      (dir) =>
        Effect.gen(function*() {
          const outfile = Path.join(dir, "bin.js")
          const build = yield* spawn(process.execPath, ["scripts/build-bin.mjs", outfile])
          expect(build.code).toBe(0)
          const text = yield* Effect.promise(() => Fs.readFile(outfile, "utf8"))
          expect(text.startsWith("#!/usr/bin/env node\n")).toBe(true)
          // Every import left in the bundle is a Node built-in.
          const specifiers = /\bfrom\s*"([^"]+)"|\bimport\s*\(\s*"([^"]+)"\s*\)/g
          const imports = [...text.matchAll(specifiers)].map((m) => m[1] ?? m[2])
          expect(imports.filter((specifier) => !specifier!.startsWith("node:"))).toEqual([])
          const run = yield* spawn(outfile, ["account-info", "--demo", "--json", "--asset", "USDT"], { cwd: dir })
          expect(run.code).toBe(0)
          expect(JSON.parse(run.stdout)).toEqual({ asset: "USDT", ...Demo.assets.USDT })
        }),
      (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
    ))
})
