// Builds dist/esm (ESM + .d.ts) and dist/cjs (CommonJS + .d.ts, marked "type": "commonjs"), (no CLI in this edition).
import { execFileSync } from "node:child_process"
import * as Fs from "node:fs"

const run = (cmd, args) => execFileSync(cmd, args, { stdio: "inherit" })

Fs.rmSync("dist", { recursive: true, force: true })
run("npx", ["tsc", "-p", "tsconfig.build.json"])
run("npx", ["tsc", "-p", "tsconfig.build.cjs.json"])
Fs.writeFileSync("dist/cjs/package.json", JSON.stringify({ type: "commonjs" }) + "\n")
