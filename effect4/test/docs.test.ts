// The README's Effect 4 examples: each `<!-- effect4 example: NAME -->` block is byte-identical to
// test/examples/NAME, which type-checks as a consumer compiles it (with the README's tsconfig.json, which is
// test/examples/tsconfig.json, through tsconfig.sources.json: the entries resolved to the sources) and runs offline
// as pasted.
import { describe, expect, it } from "@effect/vitest"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import ts from "typescript"

const EDITION = Path.resolve(import.meta.dirname, "..")
const EXAMPLES = Path.join(EDITION, "test/examples")
const SOURCES_CONFIG = Path.join(EXAMPLES, "tsconfig.sources.json")
// The repository's README, this package's own (the one npm shows for effect-binance-pm@1), and the guides with an
// Effect 4 section.
const READMES = [
  Path.join(EDITION, "../README.md"),
  Path.join(EDITION, "README.md"),
  Path.join(EDITION, "../docs/observability.md"),
  Path.join(EDITION, "../docs/watching.md"),
  Path.join(EDITION, "../docs/testing.md")
]
const blocks = READMES.flatMap((file) =>
  [...Fs.readFileSync(file, "utf8").matchAll(/<!-- effect4 example: ([^ ]+) -->\n```ts\n([\s\S]*?)```/g)].map((m) => ({
    name: `${Path.relative(Path.join(EDITION, ".."), file)}: ${m[1]!}`,
    file: m[1]!,
    body: m[2]!
  }))
)

describe("docs: the README's Effect 4 examples", () => {
  it("each is byte-identical to its file under effect4/test/examples", () => {
    expect(blocks.length).toBe(5)
    for (const block of blocks) {
      expect(block.body, block.name).toBe(Fs.readFileSync(Path.join(EXAMPLES, block.file), "utf8"))
    }
  })

  it("the README's tsconfig.json is the one they compile with, plus only the paths to the sources", () => {
    // The repository's README and this package's own show it once each.
    const shown = READMES.slice(0, 2).flatMap((file) =>
      [...Fs.readFileSync(file, "utf8").matchAll(/<!-- example: tsconfig\.json -->\n```json\n([\s\S]*?)```/g)]
        .map((m) => m[1])
    )
    const file = Fs.readFileSync(Path.join(EXAMPLES, "tsconfig.json"), "utf8")
    expect(shown).toEqual([file, file])
    const { config } = ts.readConfigFile(SOURCES_CONFIG, ts.sys.readFile)
    expect(config.extends).toBe("./tsconfig.json")
    expect(Object.keys(config.compilerOptions).sort()).toEqual(["noEmit", "paths", "preserveSymlinks"])
  })

  it("the packages docs/observability.md names for Effect 4 are at the versions this edition is tested with", () => {
    const text = Fs.readFileSync(Path.join(EDITION, "../docs/observability.md"), "utf8")
    const section = text.slice(text.indexOf("## Effect 4"))
    const named = [...section.matchAll(/`(@[a-z-]+\/[a-z-]+)@([0-9][^`]*)`/g)].map((m) => [m[1]!, m[2]!] as const)
    expect(named.length).toBeGreaterThanOrEqual(5)
    for (const [name, version] of named) {
      const installed = JSON.parse(
        Fs.readFileSync(Path.join(EDITION, "node_modules", name, "package.json"), "utf8")
      ) as { readonly version: string }
      expect(`${name}@${installed.version}`).toBe(`${name}@${version}`)
    }
  })

  it("they type-check as a consumer's code (strict, skipLibCheck: false)", () => {
    const { config } = ts.readConfigFile(SOURCES_CONFIG, ts.sys.readFile)
    const parsed = ts.parseJsonConfigFileContent(config, ts.sys, EXAMPLES)
    const program = ts.createProgram(parsed.fileNames, parsed.options)
    const errors = ts.getPreEmitDiagnostics(program).map((d) =>
      `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`
    )
    expect(errors).toEqual([])
  }, 120_000)

  it("readme-first.ts runs as pasted, offline, and prints the amounts", () => {
    const tsx = Path.join(EDITION, "node_modules/.bin/tsx")
    const out = ChildProcess.execFileSync(tsx, [Path.join(EXAMPLES, "readme-first.ts")], {
      // The shared core and wiring are symlinks: resolve their imports in this edition's tree (Effect 4).
      env: { PATH: process.env.PATH, TSX_TSCONFIG_PATH: SOURCES_CONFIG, NODE_OPTIONS: "--preserve-symlinks" },
      encoding: "utf8",
      timeout: 60_000
    })
    expect(out).toBe("You can move 27.43689636 BTC (1627523.32459208 USD) out to spot\n")
  }, 90_000)
})
