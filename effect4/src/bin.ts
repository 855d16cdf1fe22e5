/**
 * The `effect-binance-pm` command: the core's command (`internal/core/cli`, the same for both editions) with
 * this edition's library. Bundled into `dist/bin.js` (see scripts/build.mjs).
 *
 * @since 1.0.0
 */
import { edition } from "./internal/cli/edition.js"
import * as Cli from "./internal/core/cli/main.js"

const interrupt = new AbortController()
// Ctrl-C cancels the call in flight (closing its connection); the command then exits 130, as shells expect.
const onSigint = () => interrupt.abort()
process.once("SIGINT", onSigint)

Cli.run(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => void process.stdout.write(`${text}\n`),
  stderr: (text) => void process.stderr.write(`${text}\n`),
  signal: interrupt.signal
}, edition).then((code) => {
  process.off("SIGINT", onSigint)
  // Set, not process.exit(): the process ends by itself once output is flushed and every socket closed.
  process.exitCode = code
})
