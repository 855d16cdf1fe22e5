// The call rows measure each edition as its users get it: the built package (`dist/`), never the sources through
// tsx. tsx's transform keeps every function's name by wrapping each closure a call makes in `__name` (a
// `defineProperty` per closure) and maps stack traces: the Effect 3 edition's calls cost a fifth more CPU from
// src/ than from dist/ (docs/performance.md). A stale build would measure old code, so a row refuses one.
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"

const ROOT = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "../..")

const newest = (dir: string): number =>
  Fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .reduce((latest, entry) => Math.max(latest, Fs.statSync(Path.join(entry.parentPath, entry.name)).mtimeMs), 0)

/** Throws unless `<edition>/dist` was built after the last change to `<edition>/src`. */
export const assertBuilt = (edition: "." | "effect4"): void => {
  const dir = Path.join(ROOT, edition)
  const index = Path.join(dir, "dist/esm/index.js")
  const command = edition === "." ? "npm run build" : "npm run build in effect4/"
  if (!Fs.existsSync(index)) throw new Error(`${Path.relative(ROOT, index)} is missing: run \`${command}\` first`)
  // The Effect 4 edition compiles the root's shared folders too (its src/internal links to them).
  const sources = edition === "." ? [Path.join(ROOT, "src")] : [Path.join(dir, "src"), Path.join(ROOT, "src")]
  if (Math.max(...sources.map(newest)) > Fs.statSync(index).mtimeMs) {
    throw new Error(`${Path.relative(ROOT, dir) || "."}/src changed since the build: run \`${command}\` first`)
  }
}

/**
 * A module of the Effect 3 edition's build, typed as its source. `load` imports it with a literal path (`import("…" as
 * string)`: `dist/` need not exist to type-check, and bench/steps.ts's esbuild bundles it, and patches its effect).
 */
export const built = <Module>(load: () => Promise<unknown>): Promise<Module> => {
  assertBuilt(".")
  return load() as Promise<Module>
}
