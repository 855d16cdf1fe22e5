import { describe, expect, it } from "@effect/vitest"
import * as Fs from "node:fs"

// The README's Effect and Promise examples live in test/readme.effect.ts and test/readme.promise.ts, where
// `npm run typecheck` compiles them against the sources; this keeps the README's copies identical.
const blocks = [...Fs.readFileSync("README.md", "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!)

const example = (file: string) =>
  Fs.readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => !line.startsWith("// README") && !line.startsWith("// The README") && line !== "export {}")
    .join("\n")
    .replace("\"../src/index.js\"", "\"effect-binance-pm\"")
    .replace("\"../src/promise.js\"", "\"effect-binance-pm/promise\"")

describe("README", () => {
  it("leads with the two set-up commands", () => {
    const readme = Fs.readFileSync("README.md", "utf8")
    expect(readme).toContain("npm ci && npm start")
    expect(readme).toContain("npm ci && npm test")
    expect(readme.indexOf("npm ci && npm start")).toBeLessThan(readme.indexOf("## Effect API"))
  })

  it("shows the type-checked Effect and Promise examples", () => {
    expect(blocks[0]).toBe(example("test/readme.effect.ts"))
    expect(blocks[1]).toBe(example("test/readme.promise.ts"))
    expect(blocks[0]!.split("\n").length).toBeLessThanOrEqual(25)
  })
})
