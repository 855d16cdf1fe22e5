// A worker as plain JavaScript, so that its process runs without tsx: with tsx's loader registered, the Effect 3
// Promise bundle's young-generation collections copied 460 KB each instead of 10 KB (pinned, 20,000 calls), and no
// user runs this library that way. esbuild bundles the worker's own TypeScript into one file next to it; every
// package and this repo's builds stay outside, imported by the absolute path node would have resolved from the source.
import * as esbuild from "esbuild"
import * as Fs from "node:fs"
import * as Path from "node:path"

const compiled = new Map<string, Promise<string>>()
const dirs: Array<string> = []

const externals: esbuild.Plugin = {
  name: "externals",
  setup(build) {
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.kind === "entry-point" || args.pluginData === "resolving") return undefined
      const local = args.path.startsWith(".") && !/\/dist\//.test(args.path)
      if (local) return undefined
      const found = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: "resolving"
      })
      if (found.errors.length > 0) return { errors: found.errors }
      return { path: found.path, external: true }
    })
  }
}

/**
 * The worker `entry` (a .ts file) compiled to a .mjs in a folder beside it (so that paths taken from its own
 * `import.meta.url` stay as deep as the source's), once per process; the folder goes when this process exits.
 */
export const compiledWorker = (entry: string): Promise<string> => {
  const cached = compiled.get(entry)
  if (cached !== undefined) return cached
  const dir = Path.join(Path.dirname(entry), `.worker-${process.pid}`)
  const outfile = Path.join(dir, `${Path.basename(entry, ".ts")}.mjs`)
  if (dirs.length === 0) process.once("exit", () => dirs.forEach((d) => Fs.rmSync(d, { recursive: true, force: true })))
  dirs.push(dir)
  const building = esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    plugins: [externals],
    logLevel: "warning"
  }).then(() => outfile)
  compiled.set(entry, building)
  return building
}
