// `npm run size` — what one call costs in bundle bytes: esbuild bundles (node, ESM, minified) of one
// Promise-API call, one Effect-API call and the official SDK's one call, gzipped; our own code's share is
// reported apart from effect / @effect/platform (by esbuild's metafile, bytesInOutput grouped by package).
// Our share in gzip is estimated as our bytes in the bundle × the whole bundle's gzip ratio (the target is
// checked on this); an upper bound is printed beside it: our code bundled alone (packages external) and
// gzipped, where every effect function stays a long `Effect.flatMap`-style property access.
import * as esbuild from "esbuild"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import * as Zlib from "node:zlib"

const ROOT = Path.resolve(Path.dirname(fileURLToPath(import.meta.url)), "..")
const TARGET_OWN_GZIP = 10 * 1024

const entries = [
  {
    id: "promise",
    label: "effect-binance-pm, Promise API (createClient + one call)",
    code: `import { createClient } from ${JSON.stringify(Path.join(ROOT, "src/promise.ts"))}
const client = createClient({ apiKey: "k", secretKey: "s" })
console.log(await client.pmAccountInfo({ asset: "BTC" }))
await client.close()
`
  },
  {
    id: "effect",
    label: "effect-binance-pm, Effect API (one call + BinanceHttpClient)",
    code: `import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { BinanceClock, Credentials, PortfolioMargin } from ${JSON.stringify(Path.join(ROOT, "src/index.ts"))}
import * as BinanceHttpClient from ${JSON.stringify(Path.join(ROOT, "src/BinanceHttpClient.ts"))}
const credentials = Credentials.layerHmac({ apiKey: "k", secretKey: "s" })
const layer = Layer.mergeAll(credentials, BinanceClock.layer, BinanceHttpClient.layer())
Effect.runPromise(PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(layer))).then(console.log)
`
  },
  {
    id: "official",
    label: "@binance/derivatives-trading-usds-futures (one call)",
    code: `import { DerivativesTradingUsdsFutures } from "@binance/derivatives-trading-usds-futures"
const client = new DerivativesTradingUsdsFutures({ configurationRestAPI: { apiKey: "k", apiSecret: "s" } })
const response = await client.restAPI.classicPortfolioMarginAccountInformation({ asset: "BTC" })
console.log(await response.data())
`
  }
]

const gzip = (bytes) => Zlib.gzipSync(bytes, { level: 9 }).length
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`

/** Which package an input file belongs to ("own" for this repository's src/). */
const packageOf = (input) => {
  const marker = "node_modules/"
  const at = input.lastIndexOf(marker)
  if (at < 0) return input.includes("src/") ? "own" : "other"
  const rest = input.slice(at + marker.length).split("/")
  return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]
}

const bundle = async (dir, entry, external) => {
  const entryFile = Path.join(dir, `${entry.id}${external ? "-own" : ""}.mjs`)
  Fs.writeFileSync(entryFile, entry.code)
  const result = await esbuild.build({
    entryPoints: [entryFile],
    bundle: true,
    minify: true,
    platform: "node",
    format: "esm",
    target: "node20",
    write: false,
    metafile: true,
    absWorkingDir: ROOT,
    nodePaths: [Path.join(ROOT, "node_modules")],
    logLevel: "error",
    ...(external ? { packages: "external" } : {})
  })
  const output = result.outputFiles[0].contents
  const groups = new Map()
  for (const meta of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(meta.inputs)) {
      if (input.startsWith(Path.relative(ROOT, dir)) || input.includes(`${entry.id}.mjs`)) continue // the entry
      const key = packageOf(input)
      groups.set(key, (groups.get(key) ?? 0) + bytesInOutput)
    }
  }
  return { bytes: output.length, gzip: gzip(output), groups }
}

const main = async () => {
  const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "ebpm-size-"))
  const lines = []
  const rows = []
  try {
    for (const entry of entries) {
      const whole = await bundle(dir, entry, false)
      const ownOnly = entry.id === "official" ? undefined : await bundle(dir, entry, true)
      rows.push({ entry, whole, ownOnly })
    }
  } finally {
    Fs.rmSync(dir, { recursive: true, force: true })
  }
  lines.push(
    "| bundle | minified | gzip | own code minified | own code gzip (alone) | own gzip (estimate) | effect | " +
      "@effect/platform | other |",
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|"
  )
  for (const { entry, whole, ownOnly } of rows) {
    const own = whole.groups.get("own") ?? 0
    const effect = whole.groups.get("effect") ?? 0
    const platform = whole.groups.get("@effect/platform") ?? 0
    const other = whole.bytes - own - effect - platform
    const estimate = own * (whole.gzip / whole.bytes)
    const isOurs = entry.id !== "official"
    lines.push(
      `| ${entry.label} | ${kib(whole.bytes)} | ${kib(whole.gzip)} | ${isOurs ? kib(own) : "—"} | ${
        ownOnly ? kib(ownOnly.gzip) : "—"
      } | ${isOurs ? kib(estimate) : "—"} | ${kib(effect)} | ${kib(platform)} | ${kib(other)} |`
    )
  }
  const official = rows.find((r) => r.entry.id === "official")
  if (official !== undefined) {
    const top = [...official.whole.groups.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6)
    lines.push("", `Official SDK bundle by package: ${top.map(([k, v]) => `${k} ${kib(v)}`).join(", ")}.`)
  }
  lines.push("")
  for (const { entry, ownOnly, whole } of rows) {
    if (ownOnly === undefined) continue
    const estimate = (whole.groups.get("own") ?? 0) * (whole.gzip / whole.bytes)
    const ok = estimate <= TARGET_OWN_GZIP
    lines.push(
      `- ${ok ? "✅" : "❌"} own code ≤ 10 KiB gzip, ${entry.id}: ${kib(estimate)} estimated; ${
        kib(ownOnly.gzip)
      } bundled alone (upper bound)`
    )
  }

  lines.push(
    "",
    "Own code = files under src/ (esbuild metafile bytesInOutput in the whole bundle). \"Estimate\": those bytes ×",
    "the whole bundle's gzip ratio. \"Alone\": the same entry bundled with every package external and gzipped; an",
    "upper bound, since imported functions stay long property accesses there. Package columns are minified bytes."
  )
  process.stdout.write(`${lines.join("\n")}\n`)
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
