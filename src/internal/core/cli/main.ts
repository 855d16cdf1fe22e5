/**
 * The `effect-binance-pm` command, written once for both editions: flags, the order of the checks, the demo,
 * what goes to stdout (the result, nothing else) and to stderr (everything else), and the exit codes (0 success,
 * 1 Binance or the network said no, 2 wrong flags or configuration, 130 interrupted). Each edition's `bin.ts`
 * passes an {@link Edition}: its library wiring, its `FakeBinance.start` and its version. What the subcommands
 * share is in `./session.ts`, `watch` in `./watch.ts`.
 */
import * as Args from "./args.js"
import * as Demo from "./demo.js"
import * as Help from "./help.js"
import * as Render from "./render.js"
import type { Edition, Io } from "./session.js"
import { asTagged, checkTarget, EXIT, failureText, isAbort, openSession, Usage } from "./session.js"
import * as Watch from "./watch.js"

export * from "./session.js"

const accountInfo = async <Config extends { readonly baseUrl: string }>(
  flags: Args.Flags,
  io: Io,
  edition: Edition<Config>
): Promise<number> => {
  const signal = io.signal ?? new AbortController().signal
  // 1. The flags alone: nothing is started, read or sent before they are right.
  checkTarget(flags)
  // The same checks as each call makes, up front: a bad --asset or --recv-window before anything else. Without
  // an asset (--demo's default), --recv-window is checked with one of the demo's.
  for (const asset of flags.assets.length === 0 ? Demo.defaultAssets.slice(0, 1) : flags.assets) {
    const problem = edition.checkParams({ asset, recvWindow: flags.recvWindow })
    if (problem !== undefined) throw new Usage(problem.message)
  }

  // 2. The configuration: where to call, through which proxy, with which key. Then the asset.
  const session = await openSession(flags, Args.ACCOUNT_INFO, io, edition)
  try {
    const rows: Array<Render.Row> = []
    for (const asset of flags.assets.length === 0 ? Demo.defaultAssets : flags.assets) {
      session.resetAttempts()
      const started = Date.now()
      try {
        const row = await session.connection.read(asset, flags.recvWindow, signal)
        if (flags.verbose) {
          io.stderr(
            `${asset}: ${row.attempts} attempt${row.attempts === 1 ? "" : "s"}, used weight ${
              row.usedWeight ?? "unknown"
            }, ${Date.now() - started} ms`
          )
        }
        rows.push(row)
      } catch (error) {
        if (isAbort(error, signal)) return EXIT.interrupted
        if (flags.verbose) {
          const attempts = session.attempts()
          const tried = attempts === undefined ? "" : ` after ${attempts} attempt${attempts === 1 ? "" : "s"}`
          io.stderr(`${asset}: failed${tried}, ${Date.now() - started} ms`)
        }
        io.stderr(failureText(error, session.proxy))
        return EXIT.failure
      }
    }
    io.stdout(flags.json ? Render.jsonLines(rows) : Render.table(rows))
    return EXIT.success
  } finally {
    await session.close()
  }
}

// What a subcommand threw: a usage mistake or a bad configuration exits 2, anything else is a bug.
const ended = (error: unknown, io: Io): number => {
  if (error instanceof Usage) {
    io.stderr(error.message)
    return EXIT.usage
  }
  if (isAbort(error, io.signal)) return EXIT.interrupted
  const tagged = asTagged(error)
  if (tagged._tag === "InvalidConfiguration") {
    io.stderr(Render.invalidConfigurationText(tagged))
    return EXIT.usage
  }
  io.stderr(failureText({ _tag: "Defect", message: tagged.message }, undefined))
  return EXIT.failure
}

/**
 * Runs the command on `args` (the command line after the script) and resolves with the exit code. Every
 * problem is printed to stderr; it never rejects.
 */
export const run = async <Config extends { readonly baseUrl: string }>(
  args: ReadonlyArray<string>,
  io: Io,
  edition: Edition<Config>
): Promise<number> => {
  const parsed = Args.parse(args)
  switch (parsed._tag) {
    case "Help":
      io.stdout(
        parsed.command === undefined
          ? Help.rootHelp(edition.version)
          : parsed.command === Args.WATCH
          ? Help.watchHelp(edition.version)
          : Help.accountInfoHelp(edition.version)
      )
      return EXIT.success
    case "Version":
      io.stdout(edition.version)
      return EXIT.success
    case "Usage":
      io.stderr(parsed.message)
      return EXIT.usage
    case "AccountInfo":
      return accountInfo(parsed.flags, io, edition).catch((error) => ended(error, io))
    case "Watch":
      return Watch.watch(parsed.flags, io, edition).catch((error) => ended(error, io))
  }
}

/**
 * Runs the command as this process (each edition's `bin.ts`): its arguments, environment and standard streams.
 * Ctrl-C (or SIGTERM) cancels the call in flight (closing its connection), and the command then exits 130 as
 * shells expect; `watch` closes its watcher and exits 0. A second Ctrl-C ends the process at once.
 */
export const runProcess = async <Config extends { readonly baseUrl: string }>(
  edition: Edition<Config>
): Promise<void> => {
  const interrupt = new AbortController()
  const onSignal = () => interrupt.abort()
  process.once("SIGINT", onSignal)
  process.once("SIGTERM", onSignal)
  const code = await run(process.argv.slice(2), {
    env: process.env,
    stdout: (text) => void process.stdout.write(`${text}\n`),
    stderr: (text) => void process.stderr.write(`${text}\n`),
    signal: interrupt.signal,
    // A getter: the width after a resize.
    tty: process.stdout.isTTY
      ? {
        get columns() {
          return process.stdout.columns
        },
        stderr: process.stderr.isTTY === true
      }
      : undefined
  }, edition)
  process.off("SIGINT", onSignal)
  process.off("SIGTERM", onSignal)
  // Set, not process.exit(): the process ends by itself once output is flushed and every socket closed.
  process.exitCode = code
}
