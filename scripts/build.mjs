// Builds dist/esm (ESM + .d.ts) and dist/cjs (CommonJS + .d.ts, marked "type": "commonjs"), bundles the Promise
// entry in both (scripts/build-promise.mjs), then the CLI bundle.
import { execFileSync } from "node:child_process"
import * as Fs from "node:fs"

const run = (cmd, args) => execFileSync(cmd, args, { stdio: "inherit" })

Fs.rmSync("dist", { recursive: true, force: true })
// TypeScript 5.9 by path: `tsc` in node_modules/.bin may be the typescript7 alias's (both packages name it).
run("node", ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"])
run("node", ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.cjs.json"])
Fs.writeFileSync("dist/cjs/package.json", JSON.stringify({ type: "commonjs" }) + "\n")
run("node", ["scripts/build-promise.mjs"])
const pkg = JSON.parse(Fs.readFileSync("package.json", "utf8"))
if (pkg.scripts?.["build:bin"]) run("npm", ["run", "--silent", "build:bin"])
