/**
 * The fault-injection soak: many calls through both APIs against served fakes that misbehave on purpose, and
 * the figures that say whether the client kept its promises (no defect, no lost rejection, no request while
 * its gate was closed, no 418, no secret anywhere, no socket left open).
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import type * as FakeBinance from "../../src/FakeBinance.js"
import type { PromiseClientApi } from "../editions.js"
import * as processGate from "./processGate.js"
import type { MakeProgram } from "./program.js"
import { type Leaks, LeakScanner } from "./secrets.js"
import * as setup from "./setup.js"
import * as wire from "./wire.js"

export interface SoakOptions {
  /** Calls in all, half through each API. */
  readonly calls: number
  /** Calls in flight per API. Default 32. */
  readonly concurrency?: number | undefined
  readonly seed?: number | undefined
  /** The clients' per-attempt timeout; delayed answers take four times as long. Default 250 ms. */
  readonly timeoutMs?: number | undefined
  /** Each fake's (and client's) weight limit per minute. Default 30,000, so the gate holds calls back. */
  readonly weightLimit?: number | undefined
  /** Inject the fake's own 429 (`Fault.rateLimited`), which bans requests already in flight. Default false. */
  readonly strict429?: boolean | undefined
  /** Move the server clocks by a minute or two this often (the clients must heal -1021). Default 4000 ms. */
  readonly skewEveryMs?: number | undefined
  readonly onProgress?: ((done: number, total: number) => void) | undefined
  /** The Promise API driven: an edition's packed tarball (scripts/editions.ts). */
  readonly promiseApi: PromiseClientApi
  /** The Effect API driven, instrumented: the same edition's (./programOf.ts). */
  readonly program: MakeProgram
}

export interface ApiReport {
  readonly calls: number
  readonly successes: number
  readonly failures: Readonly<Record<string, number>>
  readonly defects: number
  /** Requests the fake received. */
  readonly requests: number
  /** The client's sockets still open 200 ms after `close()` (Promise API) or disposing the runtime (Effect API). */
  readonly socketsAfterClose: number
  /** How long after that the last of them closed (a pool's keep-alive running out), in ms. */
  readonly socketsGoneAfterMs: number
  /** 429s the fake answered (each begins a pause). */
  readonly rateLimited: number
  readonly bans418: number
  /** 429s for passing the weight limit (not injected): the gate let too much through. */
  readonly overLimit429: number
  /** For each of those, how far into its minute (server clock) it came, in ms. */
  readonly overLimitAtMs: ReadonlyArray<number>
  /**
   * Requests the client's gate let through while it was closed (a Retry-After or a ban it had read was running),
   * seen in the step of its own decision: the Effect API's gate over an instrumented store (./program.ts), the
   * Promise API's (private) through the process's budgets (./processGate.ts), against the pauses on the wire.
   */
  readonly sentWhileClosed: number
  /** The User-Agents the client sent (they name the library's version): which edition it really was. */
  readonly userAgents: ReadonlyArray<string>
}

export interface SoakReport {
  readonly options: Required<Omit<SoakOptions, "onProgress" | "promiseApi" | "program">>
  readonly durationMs: number
  readonly effect: ApiReport
  readonly promise: ApiReport
  /** Effect API: the longest time from a 429's body being read to the gate closing, in ms. */
  readonly closeLagMs: number
  readonly unhandledRejections: number
  readonly leaks: Leaks
  readonly logLines: number
  /** Texts scanned for secrets: each error rendered five ways, each log line in two formats. */
  readonly scannedTexts: number
  readonly rssBeforeMb: number
  readonly rssAfterMb: number
  /** What the fakes did, by verdict (`ok`, `fault:reset`, `-1021 timestamp-behind`, …), both fakes together. */
  readonly verdicts: Readonly<Record<string, number>>
  readonly skewChanges: number
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)

/**
 * The server clock's offset after `step` jumps: +1 min, +2 min, −1 min, then again from 3 min further on
 * (1, 3, 2, 4, 6, 5, … minutes). Whole minutes keep the minute windows aligned; no value comes back, so every
 * jump outdates whatever offset a client has learned, forwards (-1021 "behind") or backwards ("ahead").
 */
export const skewAfter = (step: number): number =>
  180_000 * Math.floor(step / 3) + [60_000, 180_000, 120_000][step % 3]!

export const runSoak = async (input: SoakOptions): Promise<SoakReport> => {
  const options = {
    calls: input.calls,
    concurrency: input.concurrency ?? 32,
    seed: input.seed ?? 20261124,
    timeoutMs: input.timeoutMs ?? 250,
    weightLimit: input.weightLimit ?? 30_000,
    strict429: input.strict429 ?? false,
    skewEveryMs: input.skewEveryMs ?? 4_000
  }
  const started = Date.now()
  // Rejections nobody handled, every line anything prints (scanned, not shown) and the sockets opened.
  const watched = setup.watchProcess()
  const { printed, tracker } = watched
  const rssBefore = process.memoryUsage().rss
  const keys = setup.makeKeys(options.seed)
  const scanner = new LeakScanner({
    secretKeys: [keys.effect.secretKey],
    apiKeys: [keys.effect.apiKey, keys.promise.apiKey],
    pems: [keys.promise.privateKey],
    passphrases: [keys.promise.passphrase]
  })
  const scope = Effect.runSync(Scope.make())
  const timers: Array<NodeJS.Timeout> = []
  let uninstallWire = () => {}
  let uninstallGate = () => {}
  try {
    const fakes = await run(Scope.extend(setup.serveFakes(keys, options.weightLimit), scope))
    const both = [fakes.effect.fake, fakes.promise.fake] as const
    for (const [i, fake] of both.entries()) {
      await run(setup.injectFaults(fake, options.seed + 100 * i, options.timeoutMs, options.strict429))
    }

    // The Promise API sends through its BinanceHttpClient (node:http): watch it there. The Effect API's gate and
    // client are instrumented (./program.ts), and every log line of it (Debug included) is captured.
    const { uninstall, wires } = wire.install([fakes.promise.baseUrl])
    uninstallWire = uninstall
    // The Promise client's gate is the process's default one.
    const promiseGate = processGate.install()
    uninstallGate = promiseGate.uninstall
    const program = input.program({
      ...keys.effect,
      baseUrl: fakes.effect.baseUrl,
      timeoutMs: options.timeoutMs,
      maxRetryAfterWaitMs: 2_000,
      weightLimit: options.weightLimit,
      instrument: true
    })
    const { admittedInPause, closed, receipts: effect429Receipts, ungated } = program.instruments
    const promiseClient = input.promiseApi.createClient({
      apiKey: keys.promise.apiKey,
      privateKey: keys.promise.privateKey,
      privateKeyPassphrase: keys.promise.passphrase,
      baseUrl: fakes.promise.baseUrl,
      timeoutMs: options.timeoutMs,
      maxRetryAfterWaitMs: 2_000,
      weightLimit: options.weightLimit
    })

    // The server clocks jump whole minutes (so minute windows stay aligned), never while a back-off may run.
    const steps = both.map(() => 0)
    let skewChanges = 0
    timers.push(setInterval(() => {
      void run(Effect.forEach(both, (fake, i) =>
        Effect.gen(function*() {
          const log = yield* fake.requests
          const now = yield* fake.serverTime
          // A back-off of the fake (a real 429's lasts to the end of its minute; the fake's own 429 fault's one
          // second) runs on its clock: moving that clock back would stretch it past the Retry-After given.
          const backingOff = (e: FakeBinance.LogEntry) =>
            e.status === 429 &&
            (e.fault === undefined ? now - e.time < 61_000 : options.strict429 && now - e.time < 1_500)
          if (log.some(backingOff)) return
          yield* fake.setServerSkew(skewAfter(steps[i]++))
          skewChanges++
        })))
    }, options.skewEveryMs))
    // Bursts of 429s, and the 503 variant rotating.
    let tick = 0
    timers.push(setInterval(() => {
      tick++
      const variant = setup.VARIANTS[tick % setup.VARIANTS.length]!
      void run(Effect.forEach(both, (fake, i) =>
        Effect.zipRight(
          // One rate per fault kind: this replaces the previous variant's.
          fake.setFaultRate(setup.serviceUnavailable(variant), 0.015, { seed: options.seed + 1000 * i + tick }),
          tick % 5 === 0 ? fake.enqueueFault(setup.rateLimitedFault(options.strict429), { count: 3 }) : Effect.void
        )))
    }, 1_000))

    const tallies = { effect: new setup.Tally(), promise: new setup.Tally() }
    const perApi = Math.ceil(options.calls / 2)
    let done = 0
    const progress = () => {
      done++
      if (done % 500 === 0) input.onProgress?.(done, perApi * 2)
    }
    const effectCall = async (asset: string) => void tallies.effect.count(await program.call(asset), scanner)
    const promiseCall = async (asset: string) => {
      const tally = tallies.promise
      tally.calls++
      try {
        await promiseClient.pmAccountInfo({ asset })
        tally.successes++
      } catch (error) {
        scanner.scanError(error)
        if (input.promiseApi.isClientError(error)) tally.fail(error._tag)
        else tally.defects++
      }
    }
    const drive = async (call: (asset: string) => Promise<void>, seed: number) => {
      const random = setup.prng(seed)
      let next = 0
      await Promise.all(Array.from({ length: options.concurrency }, async () => {
        while (next < perApi) {
          next++
          await call(setup.pickAsset(random))
          progress()
        }
      }))
    }
    // Each client is closed as soon as its calls are done, and its sockets counted then.
    const closeAndCount = async (close: () => Promise<void>, baseUrl: string) => {
      await close()
      const port = Number(new URL(baseUrl).port)
      await sleep(200)
      const open = tracker.openTo(port)
      // Sockets a pool keeps alive close when their keep-alive runs out: how long that takes.
      let goneAfterMs = 0
      while (tracker.openTo(port) > 0 && goneAfterMs < 10_000) {
        await sleep(100)
        goneAfterMs += 100
      }
      return { open, goneAfterMs }
    }
    const [effectSockets, promiseSockets] = await Promise.all([
      drive(effectCall, options.seed + 1).then(() => closeAndCount(() => program.dispose(), fakes.effect.baseUrl)),
      drive(promiseCall, options.seed + 2).then(() => closeAndCount(() => promiseClient.close(), fakes.promise.baseUrl))
    ])
    for (const timer of timers.splice(0)) clearInterval(timer)

    const logs = await run(Effect.all(both.map((fake) => fake.requests)))
    const verdicts: Record<string, number> = {}
    const signatures: Array<string> = []
    for (const entry of logs.flat()) {
      // Wire faults (delay, truncate) keep the exchange's verdict: name them by their fault.
      const what = entry.fault === undefined
        ? entry.verdict
        : entry.fault === "Respond"
        ? `fault:respond ${entry.status}`
        : `fault:${entry.fault.charAt(0).toLowerCase()}${entry.fault.slice(1)}`
      verdicts[what] = (verdicts[what] ?? 0) + 1
      if (entry.signature !== undefined) signatures.push(Redacted.value(entry.signature))
    }
    for (const line of [...program.logLines, ...printed]) scanner.scan(line)
    const report = (
      tally: setup.Tally,
      log: ReadonlyArray<FakeBinance.LogEntry>,
      sentWhileClosed: number,
      socketsLeft: { readonly open: number; readonly goneAfterMs: number }
    ): ApiReport => ({
      socketsAfterClose: socketsLeft.open,
      socketsGoneAfterMs: socketsLeft.goneAfterMs,
      calls: tally.calls,
      successes: tally.successes,
      failures: tally.failures,
      defects: tally.defects,
      requests: log.length,
      rateLimited: log.filter((e) => e.status === 429).length,
      bans418: log.filter((e) => e.status === 418).length,
      overLimit429: log.filter((e) => e.status === 429 && e.fault === undefined).length,
      overLimitAtMs: log.filter((e) => e.status === 429 && e.fault === undefined).map((e) => e.time % 60_000),
      sentWhileClosed,
      userAgents: [...new Set(log.map((e) => e.headers["user-agent"] ?? "none"))]
    })
    const promiseWire = wires[0]!
    // From the 429's headers arriving (before its body is read) to the gate closing: an upper bound of the lag.
    const closeLagMs = Math.max(
      0,
      ...closed.map((c) => {
        const receipts = effect429Receipts.filter((r) => r <= c.from)
        return receipts.length === 0 ? 0 : c.from - Math.max(...receipts)
      })
    )
    return {
      options,
      durationMs: Date.now() - started,
      effect: report(
        tallies.effect,
        logs[0]!,
        // Exact for what the gate admitted; for a request that bypassed it, any send while a pause ran.
        admittedInPause.length + ungated.filter((at) => closed.some((c) => at >= c.from && at < c.to)).length,
        effectSockets
      ),
      promise: report(
        tallies.promise,
        logs[1]!,
        processGate.admittedInPauses(promiseGate.events, promiseWire.pauses),
        promiseSockets
      ),
      closeLagMs,
      unhandledRejections: watched.unhandled(),
      leaks: scanner.finish(signatures),
      logLines: program.logLines.length + printed.length,
      scannedTexts: scanner.scanned,
      rssBeforeMb: mb(rssBefore),
      rssAfterMb: mb(process.memoryUsage().rss),
      verdicts,
      skewChanges
    }
  } finally {
    uninstallWire()
    uninstallGate()
    for (const timer of timers) clearInterval(timer)
    await run(Scope.close(scope, Exit.void))
    watched.restore()
  }
}
