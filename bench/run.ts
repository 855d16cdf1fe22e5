// `npm run bench` — every row side by side against one loopback server (a separate Node process), then
// signing, memory and cold start. Options: --quick, --rounds=N, --seq=N, --par=N, --in-flight=N,
// --only=id,id, --leak-calls=N, --no-signing, --no-leak, --no-cold, --cold-runs=N, --only-cold (cold start alone),
// --no-pin, --write / --no-write, --quiet=S (each row idles S seconds before its sequential calls),
// --row-node-options="..." (Node options for the rows' own processes).
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { packed } from "../scripts/packed.mjs"
import { concurrent, median, sequential } from "./measure.js"
import { type CallRow, type ColdRow, type Memory, render } from "./report.js"
import { effectFetch, effectNode, effectPlatformHttp, effectPlatformUndici } from "./rows/effect.js"
import { floor, floorNodeHttp } from "./rows/floor.js"
import { ccxtRow, officialDefaults, officialKeepAlive } from "./rows/peers.js"
import { promiseApi } from "./rows/promise.js"
import {
  ccxtOwnProcess,
  effect4Fetch,
  effect4Node,
  effect4NodeUntraced,
  effect4Promise,
  effectNodeOwnProcess,
  floorOwnProcess,
  promiseOwnProcess
} from "./rows/remote.js"
import type { Row, RowSpec } from "./rows/types.js"
import { runSigning } from "./signing.js"

const ROOT = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
// Each edition's rows run in a process of their own (bench/rows/remote.ts); `-shared` rows run the same calls in this
// process, beside the peers, as the HttpClient layer rows do.
const shared = (spec: RowSpec): RowSpec => {
  const id = `${spec.id}-shared`
  const label = `${spec.label}, in the bench's process`
  return { id, label, make: async (context) => ({ ...(await spec.make(context)), id, label }) }
}
const SPECS: ReadonlyArray<RowSpec> = [
  floor,
  floorNodeHttp,
  effectNodeOwnProcess,
  promiseOwnProcess,
  shared(effectNode),
  effectFetch,
  effectPlatformUndici,
  effectPlatformHttp,
  shared(promiseApi),
  effect4Node,
  effect4NodeUntraced,
  effect4Fetch,
  effect4Promise,
  officialKeepAlive,
  officialDefaults,
  ccxtRow,
  floorOwnProcess,
  ccxtOwnProcess
]

const args = process.argv.slice(2)
const flag = (name: string) => args.includes(`--${name}`)
const option = (name: string, fallback: number) => {
  const found = args.find((a) => a.startsWith(`--${name}=`))
  return found === undefined ? fallback : Number(found.slice(name.length + 3))
}
const quick = flag("quick")
const settings = {
  rounds: option("rounds", quick ? 2 : 5),
  seq: option("seq", quick ? 300 : 2_000),
  par: option("par", quick ? 600 : 4_000),
  inFlight: option("in-flight", 64),
  // To the steady state a long-running app sees: V8 went on compiling the Effect 3 rows' code until about 5,000
  // calls in, and each compile job (on the measuring CPU when pinned) stalled a call by 1–5 ms.
  warmup: option("warmup", quick ? 500 : 10_000),
  leakCalls: option("leak-calls", quick ? 10_000 : 100_000),
  coldRuns: option("cold-runs", quick ? 2 : 5),
  quietS: option("quiet", 0)
}
// Node options for the rows' own processes, e.g. --row-node-options="--min-semi-space-size=16".
const rowNodeOptions = args.find((a) => a.startsWith("--row-node-options="))?.slice(19).split(" ").filter(Boolean)
const only = args.find((a) => a.startsWith("--only="))?.slice(7).split(",")
const onlyCold = flag("only-cold")
const write = flag("write") ||
  (!quick && !onlyCold && !flag("no-write") && only === undefined && settings.quietS === 0 && !rowNodeOptions)
const log = (line: string) => process.stderr.write(`${line}\n`)

// Pinned where `taskset` and two CPUs exist (--no-pin to turn off): the server on the first CPU; this process and its
// rows' processes (children inherit it) on the last. Unpinned, the kernel moved the two busy processes between the
// CPUs as it liked, and a row's CPU per call moved by up to 1.6× between runs on an idle machine. Cold starts get
// every CPU back: Node starts on several threads, and a user's process is not pinned.
const pinned = ((): { readonly server: string; readonly bench: string; readonly all: string } | undefined => {
  const last = Os.cpus().length - 1
  if (flag("no-pin") || last < 1) return undefined
  try {
    execFileSync("taskset", ["-a", "-p", "-c", String(last), String(process.pid)], { stdio: "ignore" })
    return { server: "0", bench: String(last), all: `0-${last}` }
  } catch {
    return undefined // no taskset here
  }
})()

/**
 * While a row's own process measures, this process (idle, holding the peers' heap) waits on the server's CPU, so
 * that its collector's threads do not share the measuring CPU with the row.
 */
const aside = async <A>(measure: () => Promise<A>): Promise<A> => {
  if (pinned === undefined) return measure()
  const move = (cpu: string) =>
    execFileSync("taskset", ["-a", "-p", "-c", cpu, String(process.pid)], { stdio: "ignore" })
  move(pinned.server)
  try {
    return await measure()
  } finally {
    move(pinned.bench)
  }
}

/** Starts bench/server.mjs; resolves with its base URL once it listens. */
const startServer = () =>
  new Promise<{ readonly baseUrl: string; readonly child: ChildProcess }>((resolve, reject) => {
    const server = [process.execPath, Path.join(ROOT, "bench/server.mjs")]
    const [command, ...argv] = pinned === undefined ? server : ["taskset", "-c", pinned.server, ...server]
    const child = spawn(command!, argv, { stdio: ["pipe", "pipe", "inherit"] })
    child.once("error", reject)
    let buffered = ""
    child.stdout!.on("data", (data: Buffer) => {
      buffered += data.toString()
      const match = /listening (\d+)/.exec(buffered)
      if (match !== null) resolve({ baseUrl: `http://127.0.0.1:${match[1]}`, child })
    })
  })

/** Runs `node ...argv` (on every CPU with `allCpus`) and resolves with its first stdout line and the ms it took. */
const runChild = (argv: ReadonlyArray<string>, allCpus = false) =>
  new Promise<{ readonly line: string; readonly wallMs: number }>((resolve, reject) => {
    const node = [process.execPath, ...argv]
    const [command, ...rest] = allCpus && pinned !== undefined ? ["taskset", "-c", pinned.all, ...node] : node
    const start = performance.now()
    const child = spawn(command!, rest, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    let err = ""
    let settled = false
    child.stdout.on("data", (data: Buffer) => {
      out += data.toString()
      const newline = out.indexOf("\n")
      if (newline >= 0 && !settled) {
        settled = true
        resolve({ line: out.slice(0, newline), wallMs: performance.now() - start })
      }
    })
    child.stderr.on("data", (data: Buffer) => {
      err += data.toString()
    })
    child.on("exit", (code) => {
      if (!settled) reject(new Error(`node ${argv.join(" ")} exited with ${code}: ${err.slice(0, 500)}`))
    })
  })

const measureCalls = async (rows: ReadonlyArray<Row>): Promise<Array<CallRow>> => {
  for (const row of rows) {
    log(`warm-up ${row.id}`)
    const warmPar = Math.min(settings.par, settings.warmup * 2)
    if (row.remote !== undefined) {
      await aside(() => row.remote!.warmup(settings.warmup, warmPar, settings.inFlight))
      continue
    }
    for (let i = 0; i < settings.warmup; i++) await row.call()
    await concurrent(row.call, warmPar, settings.inFlight)
  }
  const samples = new Map(rows.map((r) => [r.id, [] as Array<Omit<CallRow, "id" | "label">>]))
  for (let round = 0; round < settings.rounds; round++) {
    // Rotate the order every round so no row always runs right after the same neighbour.
    const order = rows.map((_, i) => rows[(i + round) % rows.length]!)
    for (const row of order) {
      const concurrently = () =>
        row.remote !== undefined
          ? aside(() => row.remote!.concurrent(settings.par, settings.inFlight))
          : concurrent(row.call, settings.par, settings.inFlight)
      const sequentially = () =>
        row.remote !== undefined
          ? aside(() => row.remote!.sequential(settings.seq))
          : sequential(row.call, settings.seq)
      // Each turn starts with a burst of calls that is not measured. A row's process has waited while the others
      // measured, and V8 shrinks the young generation of a process whose allocation rate was low over the last
      // seconds (to 2 MB from 16, in the first collection after 15 s idle); the host, too, runs every row slower
      // for a while after it idled. Measured straight after the wait, a row's 2,000 sequential calls collected 17-67
      // times instead of 2-8, the floor's too, at 1.1-3.4x the CPU; measured first after it, its calls in flight paid
      // for it instead. The burst brings each process back to the steady state the warm-up is for.
      // `--quiet=S` measures the other state: S seconds idle instead of the burst (docs/performance.md, "After a
      // quiet spell").
      if (settings.quietS > 0) await new Promise((resolve) => setTimeout(resolve, settings.quietS * 1000))
      else await concurrently()
      const seq = await sequentially()
      const par = await concurrently()
      // Over IPC a NaN (no young collection in the run) arrives as null.
      const promotedKB = seq.promotedKB ?? Number.NaN
      const youngPauseMs = seq.youngPauseMs ?? Number.NaN
      const young = `${seq.youngGCs} young GCs (${(seq.youngKB / 1024).toFixed(0)} MB young generation after), ` +
        `${promotedKB.toFixed(0)} KB promoted and ${youngPauseMs.toFixed(2)} ms each`
      log(`  ${row.id}: ${seq.cpuUsPerCall.toFixed(1)} µs/call, p99 ${seq.p99Ms.toFixed(3)} ms, ${young}`)
      samples.get(row.id)!.push({
        cpuUs: seq.cpuUsPerCall,
        cpuUs64: par.cpuUsPerCall,
        seqPerSec: seq.callsPerSec,
        perSec64: par.callsPerSec,
        p50Ms: seq.p50Ms,
        p99Ms: seq.p99Ms,
        promotedKB,
        youngPauseMs
      })
    }
    log(`round ${round + 1}/${settings.rounds} done`)
  }
  return rows.map((row) => {
    const s = samples.get(row.id)!
    const pick = (key: keyof (typeof s)[number]) => median(s.map((x) => x[key]))
    return {
      id: row.id,
      label: row.label,
      cpuUs: pick("cpuUs"),
      cpuUs64: pick("cpuUs64"),
      seqPerSec: pick("seqPerSec"),
      perSec64: pick("perSec64"),
      p50Ms: pick("p50Ms"),
      p99Ms: pick("p99Ms"),
      promotedKB: pick("promotedKB"),
      youngPauseMs: pick("youngPauseMs")
    }
  })
}

const measureMemory = async (baseUrl: string): Promise<Array<Memory>> => {
  const results: Array<Memory> = []
  for (const mode of ["effect", "promise"]) {
    log(`leak check: ${mode}, ${settings.leakCalls} calls`)
    const { line } = await runChild([
      "--expose-gc",
      "--import",
      "tsx",
      "bench/leak.ts",
      mode,
      baseUrl,
      String(settings.leakCalls)
    ])
    results.push(JSON.parse(line) as Memory)
  }
  return results
}

// Cold start: each client in a fresh process, from process start to its first result. Ours load as their users
// install them: each edition's packed tarball next to its Effect peers (scripts/packed.mjs), from a folder whose
// node_modules is that install; the peers load from this repo's node_modules.
const COLD: ReadonlyArray<
  { readonly id: string; readonly label: string; readonly entry: string; readonly edition?: 3 | 4 }
> = [
  { id: "node", label: "node, no client (baseline)", entry: "empty.mjs" },
  { id: "official", label: "@binance/derivatives-trading-usds-futures", entry: "official.mjs" },
  {
    id: "effect",
    label: "effect-binance-pm@0 (Effect 3), Effect API + BinanceHttpClient",
    entry: "effect.mjs",
    edition: 3
  },
  {
    id: "effect-peers",
    label: "effect 3 + Schema + @effect/platform HttpClient loaded, no client (an Effect 3 app before this library)",
    entry: "effect3-peers.mjs",
    edition: 3
  },
  { id: "promise", label: "effect-binance-pm@0 (Effect 3), Promise API", entry: "promise.mjs", edition: 3 },
  {
    id: "promise-cjs",
    label: "effect-binance-pm@0 (Effect 3), Promise API, CommonJS",
    entry: "promise.cjs",
    edition: 3
  },
  {
    id: "effect4",
    label: "effect-binance-pm@1 (Effect 4), Effect API + BinanceHttpClient",
    entry: "effect.mjs",
    edition: 4
  },
  {
    id: "effect4-peers",
    label: "effect 4 + Schema + its HttpClient loaded, no client (an Effect 4 app before this library)",
    entry: "effect4-peers.mjs",
    edition: 4
  },
  { id: "effect4-promise", label: "effect-binance-pm@1 (Effect 4), Promise API", entry: "promise.mjs", edition: 4 },
  {
    id: "effect4-promise-cjs",
    label: "effect-binance-pm@1 (Effect 4), Promise API, CommonJS",
    entry: "promise.cjs",
    edition: 4
  },
  { id: "ccxt", label: "ccxt", entry: "ccxt.mjs" }
]

const measureCold = async (baseUrl: string): Promise<Array<ColdRow>> => {
  const cold = (name: string) => Path.join(ROOT, "bench/cold", name)
  const folders = await packed([3, 4])
  const scratch = Fs.mkdtempSync(Path.join(Os.tmpdir(), "effect-binance-pm-cold-"))
  try {
    const files = new Map<string, string>()
    for (const c of COLD) {
      if (c.edition === undefined) {
        files.set(c.id, cold(c.entry))
        continue
      }
      const dir = Path.join(scratch, `effect${c.edition}`)
      if (!Fs.existsSync(dir)) {
        Fs.mkdirSync(dir)
        Fs.symlinkSync(Path.join(folders[c.edition]!, "node_modules"), Path.join(dir, "node_modules"), "dir")
      }
      Fs.copyFileSync(cold(c.entry), Path.join(dir, c.entry))
      files.set(c.id, Path.join(dir, c.entry))
    }
    const runs = new Map(
      COLD.map((c) => [c.id, { first: [] as Array<number>, cpu: [] as Array<number>, wall: [] as Array<number> }])
    )
    for (let i = 0; i < settings.coldRuns; i++) {
      // Alternating rows, the order rotated every run: a burst of load on the shared machine hits every row.
      for (const c of COLD.map((_, k) => COLD[(k + i) % COLD.length]!)) {
        const { line, wallMs } = await runChild([files.get(c.id)!, baseUrl], true)
        const parsed = JSON.parse(line) as { firstResultMs: number; cpuMs: number; asset: string }
        if (parsed.asset !== "BTC") throw new Error(`cold start ${c.id} returned ${line}`)
        runs.get(c.id)!.first.push(parsed.firstResultMs)
        runs.get(c.id)!.cpu.push(parsed.cpuMs)
        runs.get(c.id)!.wall.push(wallMs)
      }
    }
    return COLD.map((c) => ({
      id: c.id,
      label: c.label,
      firstResultMs: median(runs.get(c.id)!.first),
      cpuMs: median(runs.get(c.id)!.cpu),
      wallMs: median(runs.get(c.id)!.wall)
    }))
  } finally {
    Fs.rmSync(scratch, { recursive: true, force: true })
  }
}

const header = (): Array<string> => {
  let commit = "unknown"
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT }).toString().trim()
  } catch {
    // not a git checkout
  }
  const cpus = Os.cpus()
  const burst = `${settings.par} calls with ${settings.inFlight} in flight`
  const seqCalls = `${settings.seq} sequential calls`
  return [
    `- Date: ${new Date().toISOString()}`,
    `- Command: \`npm run bench${args.length > 0 ? ` -- ${args.join(" ")}` : ""}\` (commit ${commit})`,
    `- Node ${process.version}, ${Os.type()} ${Os.release()} ${Os.arch()}; ${cpus.length} × ${
      cpus[0]?.model ?? "unknown CPU"
    }; ${Math.round(Os.totalmem() / 1024 ** 3)} GiB RAM`,
    `- Per row and round: ${
      settings.quietS > 0 ? `${settings.quietS} s idle` : `${burst}, not measured`
    }, then ${seqCalls}, then ${burst}; ${settings.rounds} rounds (row order rotated), medians; ${settings.warmup} ` +
    "warm-up calls per row first.",
    ...(rowNodeOptions === undefined ? [] : [`- The rows' own processes run with \`${rowNodeOptions.join(" ")}\`.`]),
    pinned === undefined
      ? "- Not pinned: the server and the rows share the CPUs as the kernel schedules them."
      : `- Pinned (taskset): the server on CPU ${pinned.server}; the rows and this process on CPU ${pinned.bench}; ` +
        "the cold starts on every CPU.",
    "- The machine is shared and numbers are noisy: compare the ratios, not the absolute figures."
  ]
}

const main = async () => {
  const { baseUrl, child } = await startServer()
  try {
    const context = {
      nodeOptions: rowNodeOptions,
      baseUrl,
      apiKey: "bench-api-key",
      secretKey: "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9"
    }
    const specs = onlyCold ? [] : SPECS.filter((s) => only === undefined || s.id === "floor" || only.includes(s.id))
    const rows: Array<Row> = []
    for (const spec of specs) rows.push(await spec.make(context))
    const calls = await measureCalls(rows)
    for (const row of rows) await row.close()
    log("signing")
    const signing = onlyCold || flag("no-signing") ? [] : runSigning({ quick })
    const memory = onlyCold || flag("no-leak") ? [] : await measureMemory(baseUrl)
    log("cold start")
    const cold = flag("no-cold") ? [] : await measureCold(baseUrl)
    const text = render({ header: header(), calls, inFlight: settings.inFlight, signing, memory, cold })
    process.stdout.write(`${text}\n`)
    if (write) {
      Fs.writeFileSync(Path.join(ROOT, "bench/results.md"), `${text}\n`)
      log("written to bench/results.md")
    }
  } finally {
    child.kill()
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(error instanceof Error ? error.stack ?? error.message : String(error))
    process.exit(1)
  }
)
