// The command (Effect 4 edition): the same cases as the Effect 3 edition's (test/cases/cli.ts) in process through
// the core's `run` with this edition, then as real child processes (tsx on this edition's sources, and its
// esbuild bundle run from a directory without node_modules).
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
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
  spawn,
  throughProxy,
  throughProxyExpected,
  watchStoppedBySignal,
  watchStoppedBySignalExpected
} from "../../test/cases/cli.js"
import * as FakeBinance from "../src/FakeBinance.js"
import { edition } from "../src/internal/cli/edition.js"
import * as Cli from "../src/internal/core/cli/main.js"

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
    expect([root.code, sub.code, root.stdout.startsWith("effect-binance-pm 1.")]).toEqual([0, 0, true])
    // Paragraphs are wrapped: compare with every run of white space as one space.
    const flat = (text: string) => text.replace(/\s+/g, " ")
    expect(helpTexts.root.filter((text) => !flat(root.stdout).includes(text))).toEqual([])
    expect(helpTexts.accountInfo.filter((text) => !flat(sub.stdout).includes(text))).toEqual([])
    expect([watch.code, helpTexts.watch.filter((text) => !flat(watch.stdout).includes(text))]).toEqual([0, []])
  })
})

// src/internal/{core,wiring} are symlinks: their imports must resolve in this edition's tree, not the root's.
const tsx = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv = {}) =>
  spawn(process.execPath, ["--preserve-symlinks", "--import", "tsx", "src/bin.ts", ...args], {
    env: { PATH: process.env.PATH, ...env }
  })

describe("bans outlive the process", () => {
  it(
    "a run started inside a ban it learned before sends nothing and says how long is left; --no-state sends",
    async () => {
      const result = await restartInsideBan(
        (args, env) => tsx(args, env),
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
  it("the demo exits 0 by itself; an API error exits 1, missing credentials 2", async () => {
    const [demo, apiError, missing] = await Promise.all([
      tsx(["account-info", "--demo"]),
      tsx(["account-info", "--demo", "--asset", "DOGE"]),
      tsx(["account-info", "--asset", "BTC"])
    ])
    expect([demo.code, demo.stdout.split("\n")[1]]).toEqual([
      0,
      "BTC            27.43689636  1627523.32459208            5"
    ])
    expect(demo.stderr).toMatch(/^Demo: a fake Binance is serving on http:\/\/127\.0\.0\.1:\d+/)
    expect(apiError.code).toBe(1)
    expect(apiError.stderr).toContain("BinanceApiError: Binance error (HTTP 400, code -1108): Invalid asset.")
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain("No Binance credentials: BINANCE_API_KEY is not set.")
  })

  it("--json --log-level debug on a retried call: stdout is the JSON alone, the debug log is on stderr", async () => {
    const started = await FakeBinance.start({ accounts: [account] })
    try {
      await Effect.runPromise(started.fake.enqueueFault(FakeBinance.Fault.serviceUnavailable("unavailable")))
      const ran = await tsx(
        ["account-info", "--json", "--log-level", "debug", "-a", "BTC", "--base-url", started.baseUrl],
        credentials
      )
      expect(ran.code).toBe(0)
      expect(JSON.parse(ran.stdout)).toEqual({ asset: "BTC", ...BTC })
      expect(ran.stderr).toMatch(/ DEBUG pmAccountInfo attempt failed error=ServerError attempts=1$/m)
      expect(await Effect.runPromise(started.fake.requestCount)).toBe(2)
    } finally {
      await started.close()
    }
  })

  it("Ctrl-C during a call that hangs: the call is interrupted and the process exits 130 at once", async () => {
    const started = await FakeBinance.start({ accounts: [account] })
    try {
      await Effect.runPromise(started.fake.enqueueFault(FakeBinance.Fault.delay("1 minute")))
      let signal: (() => void) | undefined
      const running = spawn(
        process.execPath,
        [
          "--preserve-symlinks",
          "--import",
          "tsx",
          "src/bin.ts",
          "account-info",
          "-a",
          "BTC",
          "--base-url",
          started.baseUrl
        ],
        { env: { PATH: process.env.PATH, ...credentials }, onSpawn: (child) => (signal = () => child.kill("SIGINT")) }
      )
      while (await Effect.runPromise(started.fake.requestCount) === 0) {
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      const signalled = Date.now()
      signal!()
      expect((await running).code).toBe(130)
      expect(Date.now() - signalled).toBeLessThan(2000)
    } finally {
      await started.close()
    }
  })

  it("watch, SIGTERM: the watcher closes (socket closed, listenKey deleted) and the process exits 0", async () => {
    const result = await watchStoppedBySignal("SIGTERM", async () => {
      const started = await FakeBinance.start({ accounts: [account] })
      return {
        ...started,
        streamConnections: () => Effect.runPromise(started.fake.streamConnections),
        requests: () => Effect.runPromise(started.fake.requests)
      }
    })
    expect(result).toEqual(watchStoppedBySignalExpected)
  }, 60_000)

  it("the bundle runs alone: built into an empty directory, no node_modules, same demo", async () => {
    const dir = await Fs.mkdtemp(Path.join(Os.tmpdir(), "effect-binance-pm-bin4-"))
    try {
      const outfile = Path.join(dir, "bin.js")
      // The package's build step: the root's bundler, run from this edition's directory.
      const build = await spawn(process.execPath, ["../scripts/build-bin.mjs", outfile, "src/bin.ts"])
      expect(build.code).toBe(0)
      const text = await Fs.readFile(outfile, "utf8")
      expect(text.startsWith("#!/usr/bin/env node\n")).toBe(true)
      // Statements only: the bundle's strings may quote an import (Effect's schema representations do).
      const specifiers = /(?:^|[;\n])\s*import\s*[^;"']*?\bfrom\s*"([^"]+)"|\bimport\s*\(\s*"([^"]+)"\s*\)/g
      const imports = [...text.matchAll(specifiers)].map((m) => m[1] ?? m[2])
      expect(imports.filter((specifier) => !specifier!.startsWith("node:"))).toEqual([])
      const ran = await spawn(outfile, ["account-info", "--demo", "--json", "--asset", "BTC"], { cwd: dir })
      expect([ran.code, JSON.parse(ran.stdout)]).toEqual([0, { asset: "BTC", ...BTC }])
    } finally {
      await Fs.rm(dir, { recursive: true, force: true })
    }
  })
})
