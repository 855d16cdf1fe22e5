/**
 * `effect-binance-pm watch`: `client.watch` of the Promise API over the session's layers, its events printed as
 * NDJSON (`--json`), as a table redrawn in place (stdout a terminal) or as plain lines (otherwise). It runs until
 * `--count` events, `--for` a while, or a signal (Ctrl-C, SIGTERM), then closes the watcher (the stream, the
 * listenKey) and exits 0. A failed read is an event, not the end.
 */
import type { Refusal } from "../endpoint.js"
import { messages } from "../errors.js"
import type { WatchEvent } from "../watch/events.js"
import { checkWatchOptions, checkWsBaseUrl, DEFAULTS } from "../watch/options.js"
import * as Args from "./args.js"
import * as Demo from "./demo.js"
import * as Render from "./render.js"
import type { Edition, Io, Session } from "./session.js"
import { asTagged, checkTarget, EXIT, failureText, isAbort, openSession, Usage } from "./session.js"
import * as View from "./watchView.js"

const FLAGS: Readonly<Record<string, string>> = {
  assets: "--asset",
  maxAgeMs: "--max-age",
  weightShare: "--weight-share",
  vmwThreshold: "--vmw-threshold",
  wsBaseUrl: "--ws-url"
}

// The watcher's own refusal (the same text as `client.watch`'s InvalidConfiguration), with the flag it came from.
const refused = (refusal: Refusal): Usage =>
  new Usage(
    `${messages.InvalidConfiguration(refusal)} (${FLAGS[refusal.field.replace(/\[\d+\]$/, "")] ?? refusal.field}).\n` +
      Args.seeHelp(Args.WATCH)
  )

/**
 * The stream's origin: `--ws-url`, else Binance's for production. Testnet's and Demo Trading's user-data stream
 * for Portfolio Margin Pro is unconfirmed, and a `--base-url` says nothing of it: those need `--ws-url` (or
 * `--no-stream`). `undefined` with `--demo` (its fake serves the stream) and `--no-stream`.
 */
const streamOrigin = (flags: Args.WatchFlags): string | undefined => {
  if (!flags.stream) {
    if (flags.wsUrl !== undefined) throw new Usage("--ws-url is the stream's origin: leave it out with --no-stream.")
    return undefined
  }
  if (flags.demo) {
    if (flags.wsUrl !== undefined) throw new Usage("--demo serves its own stream: leave out --ws-url.")
    return undefined
  }
  if (flags.wsUrl !== undefined) {
    const checked = checkWsBaseUrl(flags.wsUrl)
    if (typeof checked !== "string") throw refused(checked)
    return checked
  }
  if (flags.baseUrl !== undefined || (flags.env !== undefined && flags.env !== "production")) {
    throw new Usage(
      `Which user-data stream? ${DEFAULTS.wsBaseUrl} is production's. Give --ws-url with the stream's origin ` +
        "for that site, or --no-stream to watch by polling alone."
    )
  }
  return DEFAULTS.wsBaseUrl
}

// The demo's market moves every 5 s: BTC's figures (read by the watcher) and the account the stream pushes.
const animate = (demo: NonNullable<Session["demo"]>, report: (error: unknown) => void): () => void => {
  let tick = 0
  const move = async () => {
    tick += 1
    const market = Demo.market(tick)
    await demo.fake.setAsset(demo.apiKey, "BTC", market.btc)
    await demo.fake.setStreamAccount(demo.apiKey, market.account)
    if (tick === Demo.riskTick) {
      const { accountEquity, actualEquity, maintenanceMargin, uniMMR } = market.account
      await demo.fake.pushStreamEvent({
        e: "RISK_LEVEL_CHANGE",
        E: Date.now(),
        s: "MARGIN_CALL",
        u: uniMMR,
        eq: accountEquity,
        ae: actualEquity,
        m: maintenanceMargin
      })
    }
  }
  const interval = setInterval(() => void move().catch(report), 5000)
  return () => clearInterval(interval)
}

interface Output {
  readonly event: (event: WatchEvent) => void
  /** Redraws the screen (the ages move). */
  readonly tick: () => void
}

const output = (flags: Args.WatchFlags, io: Io, assets: ReadonlyArray<string>, redrawn: { count: number }): Output => {
  if (flags.json) return { event: (event) => io.stdout(View.jsonLine(event)), tick: () => {} }
  const tty = io.tty
  if (tty === undefined) return { event: (event) => io.stdout(View.plainLine(event, Date.now())), tick: () => {} }
  let view = View.initial(assets, flags.stream)
  const draw = () => {
    const lines = View.screen(view, Date.now())
    io.stdout(View.redraw(redrawn.count, lines, tty.columns))
    redrawn.count = lines.length
  }
  draw()
  return {
    event: (event) => {
      view = View.reduce(view, event)
      draw()
    },
    tick: draw
  }
}

/** Runs `watch`; resolves with the exit code. Throws {@link Usage} and the session's errors (the caller prints). */
export const watch = async <Config extends { readonly baseUrl: string }>(
  flags: Args.WatchFlags,
  io: Io,
  edition: Edition<Config>
): Promise<number> => {
  const signal = io.signal ?? new AbortController().signal
  // 1. The flags alone: nothing is started, read or sent before they are right. Without an asset (a missing one
  // is said after the credentials, as account-info does), the other options are checked with one of the demo's.
  checkTarget(flags)
  const assets = flags.assets.length === 0 && flags.demo ? Demo.defaultAssets : flags.assets
  const options = {
    assets,
    maxAgeMs: flags.maxAgeMs,
    weightShare: flags.weightShare,
    vmwThreshold: flags.vmwThreshold,
    stream: flags.stream
  }
  const checked = checkWatchOptions({ ...options, assets: assets.length === 0 ? Demo.defaultAssets : assets })
  if ("field" in checked) throw refused(checked)
  const origin = streamOrigin(flags)

  // 2. The configuration, the credentials, then the asset; the demo's fake.
  // On a terminal, a line on stderr (a log) moves the table down: the next redraw starts below it.
  const redrawn = { count: 0 }
  const sessionIo: Io = io.tty?.stderr === true
    ? {
      ...io,
      stderr: (text) => {
        io.stderr(text)
        redrawn.count = 0
      }
    }
    : io
  const session = await openSession(flags, Args.WATCH, sessionIo, edition)
  const stop = new AbortController()
  const onSignal = () => stop.abort()
  signal.addEventListener("abort", onSignal, { once: true })
  if (signal.aborted) stop.abort()
  const timer = flags.forMs === undefined ? undefined : setTimeout(onSignal, flags.forMs)
  let stopDemo: (() => void) | undefined
  let watcher: Awaited<ReturnType<Session["connection"]["watch"]>> | undefined
  try {
    const wsBaseUrl = session.demo === undefined
      ? origin ?? DEFAULTS.wsBaseUrl
      : session.demo.fake.baseUrl.replace(/^http/, "ws")
    if (session.demo !== undefined) {
      await session.demo.fake.setStreamAccount(session.demo.apiKey, Demo.market(0).account)
      stopDemo = animate(session.demo, (error) => sessionIo.stderr(`Demo: ${failureText(error, undefined)}`))
      sessionIo.stderr(
        "Demo: BTC's price moves every 5 s, the stream pushes the account's figures, and one risk level change " +
          "comes at 30 s. Ctrl-C ends it."
      )
    }
    if (flags.verbose && flags.stream) {
      const via = session.proxy === undefined
        ? ""
        : ` through the proxy ${session.proxy.host} (from ${session.proxy.variable})`
      sessionIo.stderr(`Stream: ${wsBaseUrl}/pm-classic/ws/<listenKey>${via}`)
    }
    watcher = await session.connection.watch({ ...options, signal: stop.signal }, wsBaseUrl)
    const out = output(flags, sessionIo, assets, redrawn)
    const ticker = io.tty !== undefined && !flags.json ? setInterval(out.tick, 1000) : undefined
    let seen = 0
    try {
      for await (const event of watcher) {
        out.event(event)
        seen += 1
        if (flags.count !== undefined && seen >= flags.count) break
      }
    } finally {
      clearInterval(ticker)
    }
    return EXIT.success
  } catch (error) {
    // The watcher could not start (a stream without WebSocket, say); a failed read is an event, not this.
    if (isAbort(error, stop.signal)) return EXIT.success
    const tagged = asTagged(error)
    if (tagged._tag === "InvalidConfiguration") {
      io.stderr(
        Render.invalidConfigurationText(tagged) +
          (tagged.field === "stream" ? "\nOr watch by polling alone: --no-stream." : "")
      )
      return EXIT.usage
    }
    io.stderr(failureText(error, session.proxy))
    return EXIT.failure
  } finally {
    clearTimeout(timer)
    stopDemo?.()
    signal.removeEventListener("abort", onSignal)
    await watcher?.close()
    await session.close()
  }
}
