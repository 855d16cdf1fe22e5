// Bundles the Promise entry (`effect-binance-pm/promise`) into one file per module format, effect (and, in the
// Effect 3 edition, @effect/platform) included and tree-shaken, over the files tsc wrote: dist/esm/promise.js and
// dist/cjs/promise.js. A Promise API caller never touches an Effect value, so the entry needs no shared copy of
// effect; loading one file instead of some 300 modules (effect 3's Schema alone pulls in fast-check's 240) halves
// its cold start. Its .d.ts files stay tsc's. What must be one per process is so without module identity: the
// rate-limit budgets live on `globalThis` under a registered symbol (core/budgets.ts), and `isBinanceError`
// recognises every copy's errors (BinanceError's TypeId is `Symbol.for`). Both editions run it after tsc, from the
// edition's directory, so each bundles its own effect: `node scripts/build-promise.mjs` (effect4/ runs
// `node ../scripts/build-promise.mjs`).
import * as esbuild from "esbuild"
import * as Fs from "node:fs"

// Effect 3 keeps its process-wide values (fiber refs, the scheduler, the metric registry, the fiber scope) in one
// map on `globalThis["effect/GlobalValue"]`, shared by every copy of effect 3 in the process, whatever its version.
// The bundle's copy would share the app's: each copy's code then runs on the other's objects (the app's Effect
// calls took twice their CPU beside it, bench/results.md), and two versions' objects need not even agree. The
// bundle keeps its own map. Effect 4 has no such map.
const GLOBAL_STORE = "`effect/GlobalValue`"
const ownGlobalStore = {
  name: "own-global-store",
  /** @param {esbuild.PluginBuild} build */
  setup(build) {
    build.onLoad({ filter: /[\\/]effect[\\/]dist[\\/]esm[\\/]GlobalValue\.js$/ }, (args) => {
      const source = Fs.readFileSync(args.path, "utf8")
      // An effect whose store is named otherwise must not be bundled unnoticed.
      if (!source.includes(GLOBAL_STORE)) throw new Error(`${args.path}: no ${GLOBAL_STORE} to rename`)
      return { contents: source.replace(GLOBAL_STORE, "`effect-binance-pm/promise/GlobalValue`"), loader: "js" }
    })
  }
}

/** @param {"esm" | "cjs"} format */
const bundle = async (format) => {
  const outfile = `dist/${format}/promise.js`
  const result = await esbuild.build({
    // The ESM output for both formats: effect's ESM build is the one esbuild tree-shakes best.
    entryPoints: ["dist/esm/promise.js"],
    outfile,
    allowOverwrite: true,
    bundle: true,
    platform: "node",
    format,
    target: "node20",
    // Optional peers stay the user's: ioredis (never loaded by this entry) and ws (loaded by a watcher's stream
    // only where the runtime has no global WebSocket, or the client has a proxy).
    external: ["ioredis", "ws"],
    // Readable stack traces: whitespace and syntax only, every name kept.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "linked",
    banner: {
      js: "/* effect-binance-pm's Promise entry, bundled with effect (MIT, Copyright (c) 2023 Effectful Technologies " +
        "Inc); see https://github.com/Effect-TS/effect */"
    },
    metafile: true,
    plugins: [ownGlobalStore],
    logLevel: "warning"
  })
  // tsc's source map described the unbundled file.
  Fs.rmSync(`${outfile}.map`, { force: true })
  const { size } = Fs.statSync(outfile)
  console.log(`${outfile}: ${(size / 1024).toFixed(0)} KiB from ${Object.keys(result.metafile.inputs).length} modules`)
}

// CommonJS first: it reads dist/esm/promise.js before the ESM bundle replaces it.
await bundle("cjs")
await bundle("esm")
