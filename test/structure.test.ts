// The layout's rules: no module imports the public index, and the shared core (src/internal/core, which the Effect 4
// edition links) imports nothing but Node's built-ins and itself — no Effect, no @effect/platform.
import { describe, expect, it } from "@effect/vitest"
import * as Fs from "node:fs"
import * as Path from "node:path"

const SRC = Path.resolve(import.meta.dirname, "../src")
const files = (dir: string): Array<string> =>
  Fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? files(Path.join(dir, entry.name))
      : entry.name.endsWith(".ts")
      ? [Path.join(dir, entry.name)]
      : []
  )
const importsOf = (file: string) =>
  [...Fs.readFileSync(file, "utf8").matchAll(/^(?:import|export)[^"']*from\s+["']([^"']+)["']/gm)].map((m) => m[1]!)

describe("structure", () => {
  it("no module imports the public index", () => {
    const offenders = files(SRC)
      .filter((file) => file !== Path.join(SRC, "index.ts"))
      .filter((file) => importsOf(file).some((spec) => /(^|\/)index\.js$/.test(spec)))
      .map((file) => Path.relative(SRC, file))
    expect(offenders).toEqual([])
  })

  it("the shared core imports only Node's built-ins, itself and (as types) ioredis", () => {
    const core = Path.join(SRC, "internal/core")
    const offenders = files(core).flatMap((file) =>
      importsOf(file)
        // Relative imports must stay inside the core (core/cli, core/fake and core/watch reach its other modules with ../).
        .filter((spec) =>
          !spec.startsWith("node:") && spec !== "ioredis" &&
          !(spec.startsWith(".") && !Path.relative(core, Path.resolve(Path.dirname(file), spec)).startsWith(".."))
        )
        .map((spec) => `${Path.relative(SRC, file)} imports ${spec}`)
    )
    expect(offenders).toEqual([])
    expect(files(core).length).toBeGreaterThan(8)
  })
})
