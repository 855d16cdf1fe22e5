// Bundles the CLI (src/bin.ts) and everything it imports into one ESM file, dist/bin.js, so that `bin` works
// with nothing installed beyond the package itself: @effect/cli and @effect/platform-node stay devDependencies.
import * as esbuild from "esbuild"
import { chmod, stat } from "node:fs/promises"

// An optional argument writes elsewhere (the CLI spec bundles into a temporary directory).
const outfile = process.argv[2] ?? "dist/bin.js"

const result = await esbuild.build({
  entryPoints: ["src/bin.ts"],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minify: true,
  legalComments: "linked",
  metafile: true,
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
