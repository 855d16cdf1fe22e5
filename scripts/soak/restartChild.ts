// One life of the crashing client in the restart soak (scripts/soak/restarts.ts, which bundles this file and each
// edition's Promise API so that a life starts in a fraction of a second): a Promise client with a state directory,
// one call, then exit 0 on success or 1 (a crash) on any error, printing the error's tag as one JSON line.
//   node restartChild.mjs <bundled promise.mjs> <baseUrl> <stateDir>
import type * as PromiseApi from "../../src/promise.js"

const [promiseModule, baseUrl, stateDir] = process.argv.slice(2) as [string, string, string]
const api = (await import(promiseModule)) as typeof PromiseApi
// "-": no state directory (the soak's control run: then lives do send into bans).
const client = api.createClient({
  apiKey: "soak-key",
  secretKey: "soak-secret",
  baseUrl,
  maxRetries: 0,
  ...(stateDir === "-" ? {} : { stateDir })
})
const code = await client.pmAccountInfo({ asset: "BTC" }).then(
  () => {
    process.stdout.write(`${JSON.stringify({ ok: true })}\n`)
    return 0
  },
  (error: unknown) => {
    process.stdout.write(`${JSON.stringify({ ok: false, tag: (error as { _tag?: string })._tag })}\n`)
    return 1
  }
)
await client.close()
process.exit(code)
