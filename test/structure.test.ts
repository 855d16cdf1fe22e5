// The layout's rules: no module imports the public index; the shared core (src/internal/core, which the Effect 4
// edition links) imports nothing but Node's built-ins and itself — no Effect, no @effect/platform; the shared wiring
// (src/internal/wiring, linked too) imports Effect's deep modules, each edition's dialect, the core and the edition
// modules listed below, which both editions have.
import { describe, expect, it } from "@effect/vitest"
import * as Fs from "node:fs"
import * as Path from "node:path"

const SRC = Path.resolve(import.meta.dirname, "../src")
const SRC4 = Path.resolve(import.meta.dirname, "../effect4/src")
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
  it("the shared wiring imports only effect/*, the dialect, the core, itself and the edition modules both have", () => {
    const wiring = Path.join(SRC, "internal/wiring")
    // Reached by relative paths that land in each edition's own tree: each must exist in both, with the same shape.
    const editionModules = [
      "Amount.ts",
      "BinanceClock.ts",
      "BinanceConfig.ts",
      "BinanceError.ts",
      "BinanceHttpClient.ts",
      "Credentials.ts",
      "FakeBinance.ts",
      "PortfolioMargin.ts",
      "RateLimit.ts",
      "internal/call.ts",
      "internal/config.ts",
      "internal/dialect.ts",
      "internal/version.ts",
      "internal/watch/metrics.ts",
      "internal/watch/socket.ts",
      "internal/watch/webSocket.ts"
    ]
    const offenders = files(wiring).flatMap((file) =>
      importsOf(file)
        .filter((spec) => {
          // effect 3 and effect 4 both have these modules; `effect/http/*` is Effect 4's platform: the dialect's.
          if (spec.startsWith("effect/")) return spec.startsWith("effect/http/")
          if (!spec.startsWith(".")) return true
          const target = Path.relative(SRC, Path.resolve(Path.dirname(file), spec)).replace(/\.js$/, ".ts")
          return !(target.startsWith("internal/core/") || target.startsWith("internal/wiring/") ||
            editionModules.includes(target))
        })
        .map((spec) => `${Path.relative(SRC, file)} imports ${spec}`)
    )
    expect(offenders).toEqual([])
    expect(files(wiring).length).toBeGreaterThan(4)
    expect(editionModules.filter((module) => !Fs.existsSync(Path.join(SRC4, module)))).toEqual([])
    expect(Fs.readlinkSync(Path.join(SRC4, "internal/wiring"))).toBe("../../../src/internal/wiring")
  })

  it("the two dialects export the same names", () => {
    const exportsOf = (file: string) =>
      [...Fs.readFileSync(file, "utf8").matchAll(/^export (?:const|type|interface|\{) ?(\w+)/gm)].map((m) => m[1]!)
        .sort()
    const three = exportsOf(Path.join(SRC, "internal/dialect.ts"))
    expect(exportsOf(Path.join(SRC4, "internal/dialect.ts"))).toEqual(three)
    expect(three.length).toBeGreaterThan(8)
  })
})
