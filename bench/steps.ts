// Effect steps and bytes allocated per call, for both editions (docs/performance.md, "Effect steps per call").
//   node --import tsx bench/steps.ts [--calls=2000] [--only=id,id]
// Each row is bundled with esbuild together with its `effect` (3 from the root's node_modules, 4 from
// effect4/node_modules), with one line added at the top of the fiber run loop's `while (true)`:
// `globalThis.__steps++`. The bundle runs in a process of its own against bench/server.mjs; bench/alloc.ts
// counts steps over N sequential calls after a warm-up, then bytes allocated over N more with V8's sampling heap
// profiler (collected objects included).
import * as esbuild from "esbuild"
import { spawn, spawnSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const ROOT = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const args = process.argv.slice(2)
const calls = Number(args.find((a) => a.startsWith("--calls="))?.slice(8) ?? 2_000)
const only = args.find((a) => a.startsWith("--only="))?.slice(7).split(",")

const ROWS: ReadonlyArray<{ readonly id: string; readonly module: string; readonly name: string }> = [
  { id: "floor", module: "./bench/rows/floor.ts", name: "floor" },
  { id: "effect-node", module: "./bench/rows/effect.ts", name: "effectNode" },
  { id: "effect-fetch", module: "./bench/rows/effect.ts", name: "effectFetch" },
  { id: "promise", module: "./bench/rows/promise.ts", name: "promiseApi" },
  { id: "effect4-node", module: "./effect4/bench/rows.ts", name: "effect4Node" },
  { id: "effect4-fetch", module: "./effect4/bench/rows.ts", name: "effect4Fetch" },
  { id: "effect4-promise", module: "./effect4/bench/rows.ts", name: "effect4Promise" }
]

// The top of each generation's fiber run loop, and the line that counts one step there.
const RUN_LOOPS: ReadonlyArray<{ readonly file: RegExp; readonly anchor: string }> = [
  // effect 3: FiberRuntime.runLoop
  {
    file: /effect[\\/]dist[\\/]esm[\\/]internal[\\/]fiberRuntime\.js$/,
    anchor: "this.currentOpCount = 0;\n    while (true) {"
  },
  // effect 4: FiberImpl.runLoop
  { file: /effect[\\/]dist[\\/]internal[\\/]effect\.js$/, anchor: "this.currentOpCount++;" },
  // each edition's bundled Promise entry (scripts/build-promise.mjs), the one its row loads, its effect minified
  { file: /effect4[\\/]dist[\\/]esm[\\/]promise\.js$/, anchor: "this.currentOpCount++;" },
  { file: /[\\/]dist[\\/]esm[\\/]promise\.js$/, anchor: "for(this.currentOpCount=0;;){" }
]
const countSteps: esbuild.Plugin = {
  name: "count-steps",
  setup(build) {
    // esbuild loads a file with the first of these that matches it: the Effect 4 bundle's before the Effect 3 one's.
    for (const loop of RUN_LOOPS) {
      build.onLoad({ filter: loop.file }, (file) => {
        const text = Fs.readFileSync(file.path, "utf8")
        if (text.split(loop.anchor).length !== 2) throw new Error(`${file.path}: run-loop anchor not found once`)
        return { contents: text.replace(loop.anchor, `${loop.anchor} globalThis.__steps++;`), loader: "js" }
      })
    }
  }
}

const startServer = () =>
  new Promise<{ readonly baseUrl: string; readonly kill: () => void }>((resolve) => {
    const child = spawn(process.execPath, [Path.join(ROOT, "bench/server.mjs")], { stdio: ["pipe", "pipe", "inherit"] })
    child.stdout!.on("data", (data: Buffer) => {
      const match = /listening (\d+)/.exec(data.toString())
      if (match !== null) resolve({ baseUrl: `http://127.0.0.1:${match[1]}`, kill: () => child.kill() })
    })
  })

const main = async () => {
  // A directory per run, two levels under the root as bench/rows/ is: the rows find the builds from where they run.
  const outDir = Path.join(ROOT, "bench", `.steps-${process.pid}`)
  const server = await startServer()
  const lines = ["| row | Effect steps per call | bytes allocated per call |", "|---|--:|--:|"]
  try {
    for (const row of ROWS.filter((r) => only === undefined || only.includes(r.id))) {
      const outfile = Path.join(outDir, `steps-${row.id}.mjs`)
      await esbuild.build({
        stdin: {
          contents: `import { ${row.name} } from "${row.module}"\nimport { probe } from "./bench/alloc.ts"\n` +
            `await probe(${row.name})\n`,
          resolveDir: ROOT,
          loader: "ts"
        },
        bundle: true,
        // Only the peers stay outside; both generations of effect are bundled (and patched).
        external: ["undici", "ccxt", "@binance/*"],
        platform: "node",
        format: "esm",
        target: "node20",
        outfile,
        plugins: [countSteps],
        banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
        logLevel: "warning"
      })
      const run = spawnSync(process.execPath, [outfile, server.baseUrl, String(calls)], { encoding: "utf8" })
      if (run.status !== 0) throw new Error(`${row.id}: ${run.stderr}`)
      const { bytes, steps } = JSON.parse(run.stdout.trim().split("\n").at(-1)!) as { steps: number; bytes: number }
      const line = `| ${row.id} | ${row.id === "floor" ? "—" : steps.toFixed(0)} | ${(bytes / 1024).toFixed(1)} KB |`
      process.stderr.write(`${line}\n`)
      lines.push(line)
    }
  } finally {
    server.kill()
    Fs.rmSync(outDir, { recursive: true, force: true })
  }
  process.stdout.write(`${lines.join("\n")}\n`)
}

main().then(() => process.exit(0), (error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
