// Bundles the command (src/bin.ts) and everything it imports, effect included, into one ESM file, dist/bin.js, so
// that `bin` works with nothing installed beyond the package itself, whichever effect the app has. Both editions
// use it: `node scripts/build-bin.mjs [outfile] [entry]`, run from the edition's directory (effect4/scripts/build.mjs
// runs it from effect4/, so effect 4 is the one bundled).
import * as esbuild from "esbuild"
import { chmod, stat } from "node:fs/promises"

// An optional argument writes elsewhere (the CLI specs bundle into a temporary directory).
const outfile = process.argv[2] ?? "dist/bin.js"
const entry = process.argv[3] ?? "src/bin.ts"

const result = await esbuild.build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minify: true,
  legalComments: "linked",
  metafile: true,
  // effect4/src/internal/{core,wiring} are symlinks to the root's: their imports (effect, ../../dialect.js) must
  // resolve where they sit in the edition's tree, not where they point (the root's, Effect 3).
  preserveSymlinks: true,
  banner: {
    // The shebang makes the file executable; `require` is for the rare CommonJS dependency inside the bundle.
    js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from \"node:module\";" +
      "const require = __createRequire(import.meta.url);"
  },
  logLevel: "warning"
})

await chmod(outfile, 0o755)
const { size } = await stat(outfile)
const inputs = Object.keys(result.metafile.inputs).length
console.log(`${outfile}: ${(size / 1024).toFixed(0)} KiB from ${inputs} modules`)
