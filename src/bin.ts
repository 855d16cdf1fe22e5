/**
 * The `effect-binance-pm` command. Bundled into `dist/bin.js` (see scripts/build-bin.mjs) so that the CLI's
 * own dependencies never reach library users.
 *
 * @since 0.1.0
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Cli from "./internal/cli/main.js"

const noColor = (process.env.NO_COLOR ?? "") !== ""

Cli.run(process.argv).pipe(
  Cli.withPlainOutput({ stdout: noColor || !process.stdout.isTTY, stderr: noColor || !process.stderr.isTTY }),
  // Set, not process.exit(): the process ends by itself once output is flushed and the demo server closed.
  Effect.flatMap((code) => Effect.sync(() => void (process.exitCode = code))),
  Effect.provide(NodeContext.layer),
  NodeRuntime.runMain({
    disableErrorReporting: true,
    // Ctrl-C interrupts the call (closing its connection) and exits 128 + SIGINT, as shells expect.
    teardown: (exit, onExit) => onExit(Exit.isSuccess(exit) ? 0 : Cause.isInterruptedOnly(exit.cause) ? 130 : 1)
  })
)
