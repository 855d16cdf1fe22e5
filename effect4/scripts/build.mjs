// Builds dist/esm (ESM + .d.ts), dist/cjs (CommonJS + .d.ts, marked "type": "commonjs"), the Promise entry bundled
// with effect 4 in both, and dist/bin.js, the command bundled with effect 4: the root's scripts/build-promise.mjs
// and scripts/build-bin.mjs, the same scripts as the Effect 3 edition's.
import { execFileSync } from "node:child_process"
import * as Fs from "node:fs"

const run = (cmd, args) => execFileSync(cmd, args, { stdio: "inherit" })

Fs.rmSync("dist", { recursive: true, force: true })
// TypeScript 5.9 by path: `tsc` in node_modules/.bin may be the typescript7 alias's (both packages name it).
run("node", ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"])
run("node", ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.cjs.json"])
Fs.writeFileSync("dist/cjs/package.json", JSON.stringify({ type: "commonjs" }) + "\n")
run("node", ["../scripts/build-promise.mjs"])
run("node", ["../scripts/build-bin.mjs", "dist/bin.js", "src/bin.ts"])
