// The command (Effect 3 edition): the shared cases (test/cases/cli.ts) in process through the core's `run` with
// this edition, then as real child processes (tsx on the sources, and the esbuild bundle run from a directory
// without node_modules). effect4/test/cli.test.ts runs the same cases on the Effect 4 edition.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Schedule from "effect/Schedule"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { InvalidConfiguration } from "../src/BinanceError.js"
import * as FakeBinance from "../src/FakeBinance.js"
import { edition } from "../src/internal/cli/edition.js"
import * as Cli from "../src/internal/core/cli/main.js"
import {
  account,
  BTC,
  cliCases,
  credentials,
  expected,
  helpTexts,
  observe,
  restartInsideBan,
  restartInsideBanExpected,
  runCase,
  throughProxy,
  throughProxyExpected,
  watchStoppedBySignal,
  watchStoppedBySignalExpected
} from "./cases/cli.js"

const run = (args: ReadonlyArray<string>, io: Omit<Cli.Io, "signal">) => Cli.run(args, io, edition)

const serve = async (faults: ReadonlyArray<FakeBinance.Fault>) => {
  const started = await FakeBinance.start({ accounts: [account] })
  for (const fault of faults) await Effect.runPromise(started.fake.enqueueFault(fault))
  return started
}

describe("CLI in process: the shared cases", () => {
  for (const c of cliCases) {
    it(c.name, async () => {
      const ran = await runCase(c, run, serve)
      expect(observe(c, ran)).toEqual(expected(c))
    })
  }

  it("HTTP_PROXY with credentials: the call goes through it, named by host:port, its credentials never printed", async () => {
    expect(await throughProxy(run, serve)).toEqual(throughProxyExpected)
  })

  it("--help: the command's, account-info's and watch's, on stdout, exit 0", async () => {
    const root = await runCase({ name: "", args: ["--help"], code: 0 }, run, serve)
    const sub = await runCase({ name: "", args: ["account-info", "--help"], code: 0 }, run, serve)
    const watch = await runCase({ name: "", args: ["watch", "--help"], code: 0 }, run, serve)
    expect([root.code, sub.code]).toEqual([0, 0])
    // Paragraphs are wrapped: compare with every run of white space as one space.
    const flat = (text: string) => text.replace(/\s+/g, " ")
    expect(helpTexts.root.filter((text) => !flat(root.stdout).includes(text))).toEqual([])
    expect(helpTexts.accountInfo.filter((text) => !flat(sub.stdout).includes(text))).toEqual([])
    expect([watch.code, helpTexts.watch.filter((text) => !flat(watch.stdout).includes(text))]).toEqual([0, []])
  })

  it("--base-url and --recv-window reach the request", async () => {
    const started = await FakeBinance.start({ accounts: [account] })
    try {
      const ran = await runCase(
        {
          name: "",
          args: ["account-info", "-a", "BTC", "--base-url", started.baseUrl, "--recv-window", "3000", "--json"],
          env: credentials,
          code: 0
        },
        run,
        serve
      )
      expect(JSON.parse(ran.stdout)).toEqual({ asset: "BTC", ...BTC })
      const [entry] = await Effect.runPromise(started.fake.requests)
      expect(entry!.query).toMatch(/^asset=BTC&recvWindow=3000&timestamp=\d+&signature=<redacted>$/)
    } finally {
      await started.close()
    }
  })

  it("watch on a terminal: the table first, then redrawn in place over itself, ending on every asset read", async () => {
    const frames: Array<string> = []
    const code = await Cli.run(["watch", "--demo", "--no-stream", "--count", "3", "--weight-share", "1"], {
      env: {},
      stdout: (text) => void frames.push(text),
      stderr: () => {},
      tty: { columns: 100, stderr: false }
    }, edition)
    // The first frame draws the table (three assets not read yet) and two account lines: six lines.
    expect([code, frames[0]!.includes("\x1b[6F"), frames.slice(1).every((f) => f.startsWith("\x1b[6F"))]).toEqual([
      0,
      false,
      true
    ])
    const last = frames.at(-1)!.replace(/\x1b\[\d*[FKJ]/g, "").split("\n")
    expect(last.slice(0, 4).map((line) => line.replace(/\s+\d+ s$/, ""))).toEqual([
      "Asset  Max withdraw amount         USD value  Age  Status",
      "BTC            27.43689636  1627523.32459208",
      "ETH           152.80000000   519520.00000000",
      "USDT       250000.00000000   250000.00000000"
    ])
    expect(last.at(-1)).toBe("Risk level: none yet   Stream: off (polling alone)")
  })

  it("watch, no WebSocket in this runtime: exit 2, saying how to get one or to poll with --no-stream", async () => {
    // The watcher's own refusal when neither a global WebSocket nor `ws` is there (Node 20 without ws).
    const noWebSocket = new InvalidConfiguration({
      field: "stream",
      reason: "this runtime has no global WebSocket: install the `ws` package (npm install ws), or watch with " +
        "stream: false"
    })
    const withoutWs: typeof edition = {
      ...edition,
      open: (settings, config, proxyUrl) => {
        const library = edition.open(settings, config, proxyUrl)
        return {
          ...library,
          watch: () =>
            Promise.resolve({
              [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(noWebSocket) }),
              latest: () => undefined,
              fresh: () => Promise.reject(noWebSocket),
              close: () => Promise.resolve()
            })
        }
      }
    }
    const stdout: Array<string> = []
    const stderr: Array<string> = []
    const code = await Cli.run(["watch", "--demo", "--json"], {
      env: {},
      stdout: (text) => void stdout.push(text),
      stderr: (text) => void stderr.push(text)
    }, withoutWs)
    expect([code, stdout]).toEqual([2, []])
    expect(stderr.at(-1)).toBe(`${noWebSocket.message}\nOr watch by polling alone: --no-stream.`)
  })

  it("defaultStateDir: BINANCE_STATE_DIR, else $XDG_STATE_HOME/effect-binance-pm, else ~/.local/state", () => {
    expect(Cli.defaultStateDir({ BINANCE_STATE_DIR: "/s", XDG_STATE_HOME: "/x" }, "/h")).toBe("/s")
    expect(Cli.defaultStateDir({ XDG_STATE_HOME: "/x" }, "/h")).toBe("/x/effect-binance-pm")
    expect(Cli.defaultStateDir({ XDG_STATE_HOME: "relative" }, "/h")).toBe("/h/.local/state/effect-binance-pm")
    expect(Cli.defaultStateDir({}, "/h")).toBe("/h/.local/state/effect-binance-pm")
  })
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

const tsxWith = (options: SpawnOptions, ...args: ReadonlyArray<string>) =>
  spawn(process.execPath, ["--import", "tsx", "src/bin.ts", ...args], options)

const tsx = (...args: ReadonlyArray<string>) => tsxWith({}, ...args)

describe("bans outlive the process", () => {
  it(
    "a run started inside a ban it learned before sends nothing and says how long is left; --no-state sends",
    async () => {
      const result = await restartInsideBan(
        (args, env) => Effect.runPromise(tsxWith({ env: { PATH: process.env.PATH, ...env } }, ...args)),
        async (faults) => {
          const started = await serve(faults)
          return { ...started, requestCount: () => Effect.runPromise(started.fake.requestCount) }
        }
      )
      expect(result).toEqual(restartInsideBanExpected)
    },
    120_000
  )
})

describe("CLI as a process", () => {
  it.live("`npm start`'s command shows the demo and exits by itself with 0", () =>
    Effect.gen(function*() {
      const result = yield* tsx("account-info", "--demo")
      expect(result.code).toBe(0)
      expect(result.stdout.split("\n")[1]).toBe("BTC            27.43689636  1627523.32459208            5")
      expect(result.stderr).toMatch(/^Demo: a fake Binance is serving on http:\/\/127\.0\.0\.1:\d+/)
    }))

  it.live("exit codes reach the shell: 1 for an API error, 2 for missing credentials; help goes to stdout", () =>
    Effect.gen(function*() {
      const [apiError, missing, help] = yield* Effect.all(
        [tsx("account-info", "--demo", "--asset", "DOGE"), tsx("account-info", "--asset", "BTC"), tsx("--help")],
        { concurrency: 3 }
      )
      expect([help.code, help.stderr]).toEqual([0, ""])
      expect(help.stdout).toContain("EXIT CODES")
      expect(apiError.code).toBe(1)
      expect(apiError.stderr).toContain("BinanceApiError: Binance error (HTTP 400, code -1108): Invalid asset.")
      expect(missing.code).toBe(2)
      expect(missing.stderr).toContain("No Binance credentials: BINANCE_API_KEY is not set.")
    }))

  it.live("--json --log-level debug on a retried call: stdout is the JSON alone, the debug log is on stderr", () =>
    Effect.gen(function*() {
      const { baseUrl, close, fake } = yield* Effect.promise(() => FakeBinance.start({ accounts: [account] }))
      yield* fake.enqueueFault(FakeBinance.Fault.serviceUnavailable("unavailable"))
      const result = yield* tsxWith(
        { env: { PATH: process.env.PATH, ...credentials } },
        "account-info",
        "--json",
        "--log-level",
        "debug",
        "-a",
        "BTC",
        "--base-url",
        baseUrl
      )
      const requests = yield* fake.requestCount
      yield* Effect.promise(close)
      expect(result.code).toBe(0)
      expect(JSON.parse(result.stdout)).toEqual({ asset: "BTC", ...BTC })
      expect(result.stderr).toMatch(/ DEBUG pmAccountInfo attempt failed error=ServerError attempts=1$/m)
      expect(requests).toBe(2)
    }))

  it.live("Ctrl-C during a call that hangs: the call is interrupted and the process exits 130 at once", () =>
    Effect.gen(function*() {
      const { baseUrl, close, fake } = yield* Effect.promise(() => FakeBinance.start({ accounts: [account] }))
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
      yield* Effect.promise(close)
      expect(result.code).toBe(130)
      expect(Date.now() - signalled).toBeLessThan(2000)
    }))

  it("watch, Ctrl-C: the watcher closes (socket closed, listenKey deleted) and the process exits 0", async () => {
    const result = await watchStoppedBySignal("SIGINT", async () => {
      const started = await FakeBinance.start({ accounts: [account] })
      return {
        ...started,
        streamConnections: () => Effect.runPromise(started.fake.streamConnections),
        requests: () => Effect.runPromise(started.fake.requests)
      }
    })
    expect(result).toEqual(watchStoppedBySignalExpected)
  }, 60_000)

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
          // Statements only: the bundle's strings may quote an import (Effect's schema representations do).
          const specifiers = /(?:^|[;\n])\s*import\s*[^;"']*?\bfrom\s*"([^"]+)"|\bimport\s*\(\s*"([^"]+)"\s*\)/g
          const imports = [...text.matchAll(specifiers)].map((m) => m[1] ?? m[2])
          expect(imports.filter((specifier) => !specifier!.startsWith("node:"))).toEqual([])
          const run = yield* spawn(outfile, ["account-info", "--demo", "--json", "--asset", "USDT"], { cwd: dir })
          expect(run.code).toBe(0)
          expect(JSON.parse(run.stdout)).toEqual({
            asset: "USDT",
            maxWithdrawAmount: "250000.00000000",
            maxWithdrawAmountUSD: "250000.00000000"
          })
        }),
      (dir) => Effect.promise(() => Fs.rm(dir, { recursive: true, force: true }))
    ))
})
