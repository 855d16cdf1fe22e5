// Every code block of README.md and docs/*.md is tested here.
//
// - TypeScript and JavaScript blocks are type-checked as a consumer compiles them: with the README's tsconfig.json
//   (test/examples/tsconfig.json, byte-identical to the README's block: strict, NodeNext, `skipLibCheck: false`),
//   through test/examples/tsconfig.sources.json, which only resolves `effect-binance-pm`, `/promise`, `/testing`
//   and `/redis` to the sources. A block is one of:
//   - `<!-- example: NAME -->` before the fence: byte-identical to test/examples/NAME, which is type-checked
//     and, when listed in `runs` below (or when it is a `.test.ts` spec, which vitest runs), run offline
//     against FakeBinance;
//   - `<!-- fragment of: NAME -->`: every line of it appears in test/examples/NAME, which compiles;
//   - anything else: compiled alone, as a module of its own.
// - Shell blocks (`sh`, `console`): npm scripts must exist, CLI flags must be ones the CLI accepts, `npm i`
//   versions must match the ones this repository is tested with, and other commands must be known tools.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import ts from "typescript"
import * as Help from "../src/internal/core/cli/help.js"

const ROOT = Path.resolve(import.meta.dirname, "..")
const EXAMPLES = Path.join(ROOT, "test/examples")
const docFiles = [
  "README.md",
  ...Fs.readdirSync(Path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).sort()
    .map((f) => `docs/${f}`)
]

interface Block {
  readonly file: string
  readonly line: number
  readonly lang: string
  readonly marker: { readonly kind: "example" | "fragment"; readonly name: string } | undefined
  readonly body: string
}

const blocksOf = (file: string): Array<Block> => {
  const text = Fs.readFileSync(Path.join(ROOT, file), "utf8")
  const blocks: Array<Block> = []
  for (
    const match of text.matchAll(
      /(?:<!-- (example|fragment of|effect4 example): ([^ ]+) -->\n)?```(\w*)\n([\s\S]*?)```/g
    )
  ) {
    // The Effect 4 edition's examples are checked by its own spec (effect4/test/docs.test.ts), against effect 4.
    if (match[1] === "effect4 example") continue
    const line = text.slice(0, match.index).split("\n").length + (match[1] === undefined ? 0 : 1)
    blocks.push({
      file,
      line,
      lang: match[3]!,
      marker: match[1] === undefined
        ? undefined
        : { kind: match[1] === "example" ? "example" : "fragment", name: match[2]! },
      body: match[4]!
    })
  }
  return blocks
}

const blocks = docFiles.flatMap(blocksOf)
const codeBlocks = blocks.filter((b) => ["ts", "typescript", "js"].includes(b.lang))
const exampleBlocks = blocks.filter((b) => b.marker?.kind === "example")
const shellBlocks = blocks.filter((b) => ["sh", "bash", "console", "shell"].includes(b.lang))
const pkg = JSON.parse(Fs.readFileSync(Path.join(ROOT, "package.json"), "utf8")) as {
  readonly scripts: Record<string, string>
  readonly exports: Record<string, unknown>
}
const pkgExports = Object.fromEntries(Object.entries(pkg.exports).filter(([k]) => k !== "./package.json"))
const where = (b: Block) => `${b.file}:${b.line}`
const example = (name: string) => Fs.readFileSync(Path.join(EXAMPLES, name), "utf8")
const SOURCES_CONFIG = Path.join(EXAMPLES, "tsconfig.sources.json")

/** Runnable examples: run as a user would (tsx, the examples' tsconfig), offline, with what they must print. */
const runs: Record<
  string,
  { readonly env?: Record<string, string>; readonly stdout: RegExp; readonly stderr: RegExp }
> = {
  "readme-first.ts": {
    stdout: /^You can move 27\.43689636 BTC \(1627523\.32459208 USD\) out to spot\n$/,
    stderr: /^$/
  },
  // With no keys in the environment it says so, typed, and the process ends normally.
  "readme-real-keys.ts": {
    stdout: /^$/,
    stderr: /^InvalidConfiguration: Invalid configuration "BINANCE_API_KEY": is not set\n$/
  },
  "desk-compare.ts": { stdout: /^BTC 27\.43689636 free \(enough for 25\.5; 1\.93689636 after\)\n$/, stderr: /^$/ }
}

// ---- TypeScript: one program with every example file and every block that stands alone ----

const virtual = new Map<string, { readonly block: Block; readonly text: string }>()
for (const b of codeBlocks) {
  if (b.marker !== undefined) continue
  const name = `${b.file.replace(/[/.]/g, "_")}_${b.line}.${b.lang === "js" ? "cjs" : "ts"}`
  virtual.set(Path.join(EXAMPLES, `__doc__${name}`), { block: b, text: b.body })
}

const typeCheck = () => {
  const config = ts.readConfigFile(SOURCES_CONFIG, ts.sys.readFile)
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, EXAMPLES)
  // JavaScript blocks are a JavaScript user's code: parsed and resolved, not type-checked.
  const options = { ...parsed.options, allowJs: true, checkJs: false }
  const host = ts.createCompilerHost(options)
  const getSourceFile = host.getSourceFile.bind(host)
  host.getSourceFile = (fileName, language, ...rest) => {
    const v = virtual.get(Path.resolve(fileName))
    return v === undefined
      ? getSourceFile(fileName, language, ...rest)
      : ts.createSourceFile(fileName, v.text, language)
  }
  const fileExists = host.fileExists.bind(host)
  host.fileExists = (fileName) => virtual.has(Path.resolve(fileName)) || fileExists(fileName)
  const readFile = host.readFile.bind(host)
  host.readFile = (fileName) => virtual.get(Path.resolve(fileName))?.text ?? readFile(fileName)
  const program = ts.createProgram([...parsed.fileNames, ...virtual.keys()], options, host)
  const byFile = new Map<string, Array<string>>()
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file === undefined ? "(options)" : Path.resolve(d.file.fileName)
    const v = virtual.get(file)
    const label = v === undefined ? Path.relative(ROOT, file) : where(v.block)
    const line = d.file === undefined || d.start === undefined
      ? ""
      : `(block line ${d.file.getLineAndCharacterOfPosition(d.start).line + 1}) `
    const list = byFile.get(label) ?? []
    list.push(`${line}TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`)
    byFile.set(label, list)
  }
  return byFile
}

describe("docs: TypeScript blocks", () => {
  it("README leads with the two set-up commands", () => {
    const readme = Fs.readFileSync(Path.join(ROOT, "README.md"), "utf8")
    expect(readme.indexOf("npm ci && npm start")).toBeGreaterThan(0)
    expect(readme.indexOf("npm ci && npm test")).toBeGreaterThan(0)
    expect(readme.indexOf("npm ci && npm test")).toBeLessThan(readme.indexOf("\n## "))
  })

  it("`example:` blocks are byte-identical to their file under test/examples", () => {
    const differing = exampleBlocks
      .filter((b) => !Fs.existsSync(Path.join(EXAMPLES, b.marker!.name)) || example(b.marker!.name) !== b.body)
      .map((b) => `${where(b)} differs from test/examples/${b.marker!.name}`)
    expect(differing).toEqual([])
  })

  it("the README's tsconfig.json is the one the examples compile with, plus only the paths to the sources", () => {
    const readme = exampleBlocks.filter((b) => b.file === "README.md" && b.lang === "json")
    expect(readme.map((b) => b.marker!.name)).toEqual(["tsconfig.json"])
    const { config } = ts.readConfigFile(SOURCES_CONFIG, ts.sys.readFile)
    expect(config.extends).toBe("./tsconfig.json")
    expect(Object.keys(config.compilerOptions).sort()).toEqual(["moduleDetection", "noEmit", "paths"])
  })

  it("`fragment of:` blocks appear line by line in the example they name", () => {
    const missing = codeBlocks.filter((b) => b.marker?.kind === "fragment").flatMap((b) => {
      const lines = new Set(example(b.marker!.name).split("\n").map((l) => l.trim()))
      return b.body.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !lines.has(l))
        .map((l) => `${where(b)}: "${l}" is not in test/examples/${b.marker!.name}`)
    })
    expect(missing).toEqual([])
  })

  it("the README's first program is about 20 lines and needs one line changed for real keys", () => {
    const first = example("readme-first.ts").split("\n")
    const real = example("readme-real-keys.ts").split("\n")
    expect(first.length).toBeLessThanOrEqual(26)
    // The same program, but for the imports the fake needs and the `Account` statement.
    const body = (lines: Array<string>) => {
      const start = lines.findIndex((l) => l.startsWith("const program"))
      const account = lines.findIndex((l) => l.startsWith("// Offline") || l.startsWith("const Account"))
      const end = lines.findIndex((l) => l.startsWith("program.pipe("))
      return [...lines.slice(start, account), ...lines.slice(end)]
    }
    expect(body(real)).toEqual(body(first))
    expect(real.filter((l) => l.startsWith("const Account"))).toEqual([
      "const Account = Credentials.layerConfig() // BINANCE_API_KEY, and BINANCE_SECRET_KEY or BINANCE_PRIVATE_KEY_FILE"
    ])
  })

  it("every example file and every block that stands alone type-checks (strict, skipLibCheck: false)", () => {
    expect(Object.fromEntries(typeCheck())).toEqual({})
  }, 120_000)
})

// ---- Running the runnable examples, as a user would ----

const runExample = (name: string, env: Record<string, string>) =>
  Effect.async<{ code: number | null; stdout: string; stderr: string }>((resume) => {
    const child = ChildProcess.spawn(process.execPath, ["--import", "tsx", Path.join(EXAMPLES, name)], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, TSX_TSCONFIG_PATH: SOURCES_CONFIG, ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk) => (stdout += chunk))
    child.stderr.on("data", (chunk) => (stderr += chunk))
    child.on("close", (code) => resume(Effect.succeed({ code, stdout, stderr })))
  })

describe("docs: module specifiers", () => {
  it("every import and require in a block names a package entry or a dependency that exists", () => {
    const entries = new Set([
      "effect-binance-pm",
      ...Object.keys(pkgExports).map((k) => `effect-binance-pm${k.slice(1)}`)
    ])
    const bad = codeBlocks.flatMap((b) =>
      [...b.body.matchAll(/(?:from |require\(|import\()"([^"]+)"/g)].map((m) => m[1]!).filter((spec) => {
        if (spec.startsWith("node:")) return false
        if (spec.startsWith("effect-binance-pm")) return !entries.has(spec)
        const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!
        return !Fs.existsSync(Path.join(ROOT, "node_modules", name, "package.json"))
      }).map((spec) => `${where(b)}: ${spec}`)
    )
    expect(bad).toEqual([])
  })
})

describe("docs: runnable examples", () => {
  it("every runnable example is shown in the docs", () => {
    const shown = new Set(codeBlocks.flatMap((b) => b.marker === undefined ? [] : [b.marker.name]))
    expect(Object.keys(runs).filter((name) => !shown.has(name))).toEqual([])
  })

  for (const [name, expected] of Object.entries(runs)) {
    it.live(`${name} runs as pasted, offline, and exits 0`, () =>
      Effect.gen(function*() {
        const result = yield* runExample(name, expected.env ?? {})
        expect(result.stderr).toMatch(expected.stderr)
        expect(result.stdout).toMatch(expected.stdout)
        expect(result.code).toBe(0)
      }), 30_000)
  }
})

// ---- Shell blocks: the commands exist ----

/** The flags the command accepts, from its `--help`. */
const cliFlags = Effect.sync(() => {
  const help = `${Help.rootHelp("0")}\n${Help.accountInfoHelp("0")}\n${Help.watchHelp("0")}`
  return new Set(help.match(/--[a-z][a-z-]*|(?<= )-[a-z](?=[ ,)])/g) ?? [])
})

const knownTools = new Set(["export", "openssl", "chmod", "cat", "node", "jq", "redis-server", "git"])

const checkCommand = (command: string, flags: Set<string>): Array<string> => {
  const words = command.trim().split(/\s+/).filter((w) => w !== "" && !/^[A-Z_]+=/.test(w)) // env assignments
  const [tool, ...args] = words
  if (tool === undefined) return []
  const cli = (cliArgs: Array<string>) => {
    const problems: Array<string> = []
    if (cliArgs[0] !== undefined && !cliArgs[0].startsWith("-") && !["account-info", "watch"].includes(cliArgs[0])) {
      problems.push(`unknown subcommand ${cliArgs[0]}`)
    }
    for (const arg of cliArgs) {
      const flag = arg.split("=")[0]!
      if (/^--?[a-z]/.test(flag) && !flags.has(flag)) problems.push(`unknown CLI flag ${flag}`)
    }
    return problems
  }
  if (tool === "effect-binance-pm" || tool === "./dist/bin.js") return cli(args)
  if (tool === "npx") {
    const [bin, ...rest] = args
    if (bin === "effect-binance-pm") return cli(rest)
    if (bin === "vitest") {
      return rest.filter((a) => a.startsWith("test/") && !Fs.existsSync(Path.join(ROOT, a))).map((a) => `no ${a}`)
    }
    return ["tsc", "eslint", "tsx", "stryker"].includes(bin ?? "") ? [] : [`unknown npx tool ${bin}`]
  }
  if (tool === "npm") {
    const [sub, ...rest] = args
    if (sub === "ci" || sub === "test" || sub === "start") return []
    if (sub === "run") {
      const [script, dashdash, ...cliArgs] = rest
      if (script === undefined || !(script in pkg.scripts)) return [`no npm script ${script}`]
      return script === "cli" && dashdash === "--" ? cli(cliArgs) : []
    }
    if (sub === "i" || sub === "install") {
      return rest.filter((a) => !a.startsWith("-")).flatMap((spec) => {
        const at = spec.lastIndexOf("@")
        const [name, range] = at > 0 ? [spec.slice(0, at), spec.slice(at + 1)] : [spec, ""]
        if (name === "effect-binance-pm") return []
        const file = Path.join(ROOT, "node_modules", name, "package.json")
        if (!Fs.existsSync(file)) return [`npm i ${name}: not a package this repository is tested with`]
        const version = (JSON.parse(Fs.readFileSync(file, "utf8")) as { version: string }).version
        return range === "" || version === range || version.startsWith(`${range}.`)
          ? []
          : [`npm i ${spec}: the tested version is ${version}`]
      })
    }
    return [`unknown npm command ${sub}`]
  }
  return knownTools.has(tool) ? [] : [`unknown command ${tool}`]
}

describe("docs: shell blocks", () => {
  it.effect("name npm scripts, CLI flags and package versions that exist", () =>
    Effect.gen(function*() {
      const flags = yield* cliFlags
      expect(flags).toContain("--log-level")
      const problems = shellBlocks.flatMap((b) =>
        b.body.split("\n")
          // In `console` blocks only the `$ ` lines are commands; the rest is output.
          .filter((line) => b.lang !== "console" || line.startsWith("$ "))
          .map((line) => line.replace(/^\$ /, "").replace(/(^|\s)#.*$/, ""))
          .flatMap((line) => line.split(/&&|\|/))
          .flatMap((command) => checkCommand(command, flags).map((p) => `${where(b)}: ${p}`))
      )
      expect(problems).toEqual([])
    }))
})
