// One Promise API call in a process of its own: `node promiseCall.mjs <promise entry URL> <client options JSON>`.
// A process of its own because Node reads NODE_EXTRA_CA_CERTS only at start-up, and that is how a user makes the
// client trust an extra CA (here the specs' self-signed certificate). Prints one JSON line: the result, or the
// error's tag and every way it renders (for the specs to search for secrets).
import * as Util from "node:util"

const [entry, options] = process.argv.slice(2)
const { createClient } = await import(entry)
const client = createClient(JSON.parse(options))
try {
  const result = await client.pmAccountInfo({ asset: "BTC" })
  process.stdout.write(JSON.stringify({ result }) + "\n")
} catch (error) {
  const texts = [
    String(error),
    error?.stack,
    JSON.stringify(error),
    Util.inspect(error, { depth: 10, showHidden: true })
  ]
  process.stdout.write(JSON.stringify({ tag: error?._tag, texts }) + "\n")
} finally {
  await client.close()
}
