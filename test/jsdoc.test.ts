import { describe, expect, it } from "@effect/vitest"
import * as Fs from "node:fs"
import * as Path from "node:path"

// docgen-style rule of the Effect packages: every public export (a re-export too) says since when it exists and
// what it is.
const publicModules = Fs.readdirSync("src").filter((f) => f.endsWith(".ts")).map((f) => Path.join("src", f))

const undocumented = (file: string): Array<string> => {
  const lines = Fs.readFileSync(file, "utf8").split("\n")
  const problems: Array<string> = []
  lines.forEach((line, i) => {
    if (!/^export (const|class|interface|type|function|declare|\{)/.test(line)) return
    let j = i - 1
    while (j >= 0 && lines[j]!.trim() === "") j--
    let doc = ""
    if (lines[j]?.trim().endsWith("*/")) {
      for (let k = j; k >= 0 && !lines[k]!.includes("/**"); k--) doc = lines[k] + doc
    }
    if (!doc.includes("@since") || !doc.includes("@category")) problems.push(`${file}:${i + 1} ${line.slice(0, 60)}`)
  })
  return problems
}

describe("public API documentation", () => {
  it("every export of every public module has a JSDoc with @since and @category", () => {
    expect(publicModules.length).toBeGreaterThan(5)
    expect(publicModules.flatMap(undocumented)).toEqual([])
  })

  it("src/index.ts only re-exports modules as namespaces", () => {
    const statements = Fs.readFileSync("src/index.ts", "utf8").split("\n").filter((l) => l.startsWith("export"))
    expect(statements.length).toBeGreaterThan(0)
    for (const line of statements) expect(line).toMatch(/^export \* as (\w+) from "\.\/\1\.js"$/)
  })
})
