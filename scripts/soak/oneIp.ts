/**
 * The soak's one-IP scenario: two Promise clients (two accounts) and one Effect program, in one process, against
 * one served fake, with no RateLimit layer and no `egress`: all three share the process-wide budget of that base
 * URL. The fake answers 429s with and without `Retry-After`, CloudFront's 403 and 418 bans, at seeded rates and in
 * timed bursts that make the back-offs double. Every request of the three is watched at `node:http`, and every
 * pause one of them learned of must hold for all three (see `pauses.ts`).
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import * as FakeBinance from "../../src/FakeBinance.js"
import type { PromiseClientApi } from "../editions.js"
import * as pauses from "./pauses.js"
import type { MakeProgram } from "./program.js"
import { type Leaks, LeakScanner } from "./secrets.js"
import * as setup from "./setup.js"
import type { Exchange } from "./wire.js"
import * as wire from "./wire.js"

const Fault = FakeBinance.Fault
const PM = "/fapi/v1/pmAccountInfo"
const BARE_BODIES = ["json", "empty", "html"] as const

export interface OneIpOptions {
  /** Calls in all, a third through each client. */
  readonly calls: number
  /** Calls in flight per client. Default 8. */
  readonly concurrency?: number | undefined
  readonly seed?: number | undefined
  /** Rates are per pmAccountInfo request. Default 1 (the rates below); 0.5 halves them. */
  readonly faultScale?: number | undefined
  /** Bursts that make the back-offs double: one after 1 s, then again this long after each ends. Default 6 s. */
  readonly burstEveryMs?: number | undefined
  /** Promise A's API: an edition's packed tarball (scripts/editions.ts). */
  readonly promiseApi: PromiseClientApi
  /** Promise B's API (default: A's): the other edition's, so that the one budget spans both editions' copies. */
  readonly promiseApiB?: PromiseClientApi | undefined
  /** The Effect program: the same edition's (./programOf.ts), so that it shares the Promise clients' budget. */
  readonly program: MakeProgram
}

/** The options with their defaults filled in. */
export type OneIpSettings = {
  readonly [K in Exclude<keyof OneIpOptions, "promiseApi" | "promiseApiB" | "program">]-?: Exclude<
    OneIpOptions[K],
    undefined
  >
}

export const CLIENTS = ["Promise A", "Promise B", "Effect"] as const
export type ClientName = typeof CLIENTS[number]

export interface ClientReport {
  readonly calls: number
  readonly successes: number
  readonly failures: Readonly<Record<string, number>>
  readonly defects: number
  /** Requests this client sent. */
  readonly requests: number
  /** Of which inside a pause (any client's). */
  readonly sentInPause: number
}

export interface OneIpReport {
  readonly options: OneIpSettings
  readonly durationMs: number
  readonly clients: Readonly<Record<ClientName, ClientReport>>
  /** Pauses begun, by kind. */
  readonly pauses: Readonly<Record<pauses.PauseKind, number>>
  /** Lengths of the bare-429 and 403 pauses, in s, with counts: proof that the back-offs doubled. */
  readonly backoffLengths: {
    readonly "429 bare": Readonly<Record<string, number>>
    readonly "403": Readonly<Record<string, number>>
  }
  /**
   * Requests sent inside a pause, by the kind of the pause: inside its `Retry-After` (429, 418), or inside the
   * first second of a bare 429's or a 403's back-off, the least the gate owes it (see `pauses.guaranteed`). The
   * last millisecond of each pause is left out: the gate's clock (`Date.now`) counts whole milliseconds.
   */
  readonly sentInPause: Readonly<Record<pauses.PauseKind, number>>
  /** Sent in that last millisecond: within the host clock's resolution, not counted above. */
  readonly sentInLastMs: number
  /**
   * Sent after the first second of a bare 429's or 403's back-off but before its doubled end, as worked out from
   * the order the answers were read on the wire. Not counted above: the gate counts consecutive answers in the
   * order its fibers settle them, which can differ from the wire's by a few ms when many answers arrive at once.
   */
  readonly sentInDoubling: number
  /** Up to 5 violations described, for the report. */
  readonly examples: ReadonlyArray<string>
  /** 418s answered to requests sent after a 418 had been read, inside its ban. */
  readonly bans418AfterFirst: number
  /** 418s answered to requests already on their way when the ban began (not the client's doing). */
  readonly bans418InFlight: number
  /** 429s and 418s the fake answered of its own accord: from its back-off (requests in flight), from its ban. */
  readonly fake429: number
  readonly fake418: number
  /** The fake's own 429s for passing the weight limit (its back-off's 429s are not these). */
  readonly overLimit429: number
  readonly requests: number
  /** Requests the wire saw that the fake logged, and the other way round (the watch is complete if equal). */
  readonly wireRequests: number
  readonly unhandledRejections: number
  readonly leaks: Leaks
  readonly scannedTexts: number
  readonly logLines: number
  readonly socketsAfterClose: number
  readonly verdicts: Readonly<Record<string, number>>
  /** The User-Agents each client sent (they name the library's version): which edition each client really was. */
  readonly userAgents: Readonly<Record<ClientName, ReadonlyArray<string>>>
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)

/** Fault rates per pmAccountInfo request, before `faultScale`. */
export const oneIpFaultRates = (scale: number): ReadonlyArray<readonly [FakeBinance.Fault, number]> => [
  // The fake's own 429: a 2 s back-off on the fake, so a request arriving 1–2 s after it is banned.
  [Fault.rateLimited(2), 0.0015 * scale],
  [Fault.rateLimitedBare("json"), 0.0015 * scale],
  [Fault.wafBlocked, 0.001 * scale],
  // A 2 s ban on the fake: everything arriving during it gets 418.
  [Fault.banned(2), 0.0007 * scale]
]

export const runOneIp = async (input: OneIpOptions): Promise<OneIpReport> => {
  const options: OneIpSettings = {
    calls: input.calls,
    concurrency: input.concurrency ?? 8,
    seed: input.seed ?? 20261124,
    faultScale: input.faultScale ?? 1,
    burstEveryMs: input.burstEveryMs ?? 6_000
  }
  const started = Date.now()
  const promiseApiB = input.promiseApiB ?? input.promiseApi
  // Rejections nobody handled, every line anything prints (scanned, not shown) and the sockets opened.
  const watched = setup.watchProcess()
  const { printed, tracker } = watched
  // Three accounts: Promise A signs with HMAC, Promise B with an encrypted Ed25519 key, the Effect program HMAC.
  const first = setup.makeKeys(options.seed + 11)
  const second = setup.makeKeys(options.seed + 12)
  const keys = { a: first.effect, b: first.promise, effect: second.effect }
  const scanner = new LeakScanner({
    secretKeys: [keys.a.secretKey, keys.effect.secretKey],
    apiKeys: [keys.a.apiKey, keys.b.apiKey, keys.effect.apiKey],
    pems: [keys.b.privateKey],
    passphrases: [keys.b.passphrase]
  })
  const clientOf = new Map<string, ClientName>([
    [keys.a.apiKey, "Promise A"],
    [keys.b.apiKey, "Promise B"],
    [keys.effect.apiKey, "Effect"]
  ])
  const scope = Effect.runSync(Scope.make())
  const timers: Array<NodeJS.Timeout> = []
  let stopped = false
  let uninstallWire = () => {}
  try {
    // A weight limit far above what the run uses: every 429 here is a fault or the fake's back-off after one.
    const weightLimit = 1_000_000
    const { baseUrl, fake } = await run(Scope.extend(
      FakeBinance.serve({
        weightLimit,
        accounts: [
          { apiKey: keys.a.apiKey, hmacSecret: keys.a.secretKey, assets: setup.ASSETS },
          { apiKey: keys.b.apiKey, publicKey: keys.b.publicKey, assets: setup.ASSETS },
          { apiKey: keys.effect.apiKey, hmacSecret: keys.effect.secretKey, assets: setup.ASSETS }
        ]
      }),
      scope
    ))
    await run(Effect.forEach(
      oneIpFaultRates(options.faultScale),
      ([fault, rate], i) => fake.setFaultRate(fault, rate, { seed: options.seed + 500 + i, path: PM }),
      { discard: true }
    ))
    const watch = wire.install([baseUrl])
    uninstallWire = watch.uninstall
    const onWire = watch.wires[0]!

    const program = input.program({
      apiKey: keys.effect.apiKey,
      secretKey: keys.effect.secretKey,
      baseUrl,
      maxRetryAfterWaitMs: 2_000,
      weightLimit
    })
    // A waits out pauses up to 2 s; B only up to 500 ms, so B's callers fail at once on most pauses.
    const promiseA = input.promiseApi.createClient({
      apiKey: keys.a.apiKey,
      secretKey: keys.a.secretKey,
      baseUrl,
      maxRetryAfterWaitMs: 2_000,
      weightLimit
    })
    const promiseB = promiseApiB.createClient({
      apiKey: keys.b.apiKey,
      privateKey: keys.b.privateKey,
      privateKeyPassphrase: keys.b.passphrase,
      baseUrl,
      maxRetryAfterWaitMs: 500,
      weightLimit
    })

    // The bare 429's body rotates every second (the fake keeps one rate per fault kind and path).
    let tick = 0
    timers.push(setInterval(() => {
      tick++
      const body = BARE_BODIES[tick % BARE_BODIES.length]!
      void run(fake.setFaultRate(Fault.rateLimitedBare(body), 0.0015 * options.faultScale, {
        seed: options.seed + 600 + tick,
        path: PM
      }))
    }, 1_000))
    // Bursts: a bare 429, then another for the first request after its pause (streak 2: 2 s), then another
    // (streak 3: 4 s); then two 403s the same way (1 s, 2 s). A queued fault waits for the next request, so each is
    // queued only once the one before it has been answered, while its pause runs: it lands on the first request
    // sent after that pause. (Queued any faster, they pile up and the back-offs double to their caps.)
    const answered = (verdict: string) =>
      Effect.map(fake.requests, (entries) => entries.filter((e) => e.verdict === verdict).length)
    const queueAndWait = async (fault: FakeBinance.Fault, verdict: string) => {
      const before = await run(answered(verdict))
      await run(fake.enqueueFault(fault, { path: PM }))
      for (let waited = 0; !stopped && waited < 120_000; waited += 50) {
        if (await run(answered(verdict)) > before) return true
        await sleep(50)
      }
      return false
    }
    // A sleep that ends early when the calls are done.
    const nap = async (ms: number) => {
      for (const end = Date.now() + ms; !stopped && Date.now() < end;) await sleep(Math.min(100, end - Date.now()))
    }
    const burst = async () => {
      const body = BARE_BODIES[(tick + 1) % BARE_BODIES.length]!
      for (let i = 0; i < 3 && !stopped; i++) {
        if (!await queueAndWait(Fault.rateLimitedBare(body), "fault:rateLimitedBare")) return
        // let the requests already in flight land first, so the next 429 meets one sent after the pause
        await nap(400)
      }
      await nap(options.burstEveryMs / 2)
      for (let i = 0; i < 2 && !stopped; i++) {
        if (!await queueAndWait(Fault.wafBlocked, "fault:wafBlocked")) return
        await nap(400)
      }
    }
    const bursts = (async () => {
      await nap(1_000)
      while (!stopped) {
        await burst()
        await nap(options.burstEveryMs)
      }
    })()

    const tallies: Record<ClientName, setup.Tally> = {
      "Promise A": new setup.Tally(),
      "Promise B": new setup.Tally(),
      Effect: new setup.Tally()
    }
    // After a refusal, a caller waits half the pause it was told of (at least 100 ms): it comes back once while
    // the pause still runs, as an impatient bot would, without spinning.
    const backOff = (error: unknown) => {
      const retryAfterMs = (error as { readonly retryAfterMs?: number }).retryAfterMs
      return sleep(Math.min(5_000, Math.max(100, (retryAfterMs ?? 0) / 2)))
    }
    const promiseCall =
      (client: typeof promiseA, tally: setup.Tally, api: PromiseClientApi) => async (asset: string) => {
        tally.calls++
        try {
          await client.pmAccountInfo({ asset })
          tally.successes++
        } catch (error) {
          scanner.scanError(error)
          if (!api.isClientError(error)) return void tally.defects++
          tally.fail(error._tag)
          if (["RateLimited", "IpBanned", "WafBlocked"].includes(error._tag)) await backOff(error)
        }
      }
    const effectCall = async (asset: string) => {
      const error = tallies.Effect.count(await program.call(asset), scanner)
      if (error !== undefined && ["RateLimited", "IpBanned", "WafBlocked"].includes(error._tag)) await backOff(error)
    }
    const perClient = Math.ceil(options.calls / 3)
    const drive = async (call: (asset: string) => Promise<void>, seed: number) => {
      const random = setup.prng(seed)
      let next = 0
      await Promise.all(Array.from({ length: options.concurrency }, async () => {
        while (next < perClient) {
          next++
          await call(setup.pickAsset(random))
        }
      }))
    }
    await Promise.all([
      drive(promiseCall(promiseA, tallies["Promise A"], input.promiseApi), options.seed + 21),
      drive(promiseCall(promiseB, tallies["Promise B"], promiseApiB), options.seed + 22),
      drive(effectCall, options.seed + 23)
    ])
    stopped = true
    for (const timer of timers.splice(0)) clearInterval(timer)
    await bursts
    await Promise.all([promiseA.close(), promiseB.close(), program.dispose()])
    await sleep(200)
    const socketsAfterClose = tracker.openTo(Number(new URL(baseUrl).port))

    const log = await run(fake.requests)
    const verdicts: Record<string, number> = {}
    const signatures: Array<string> = []
    const userAgents: Record<ClientName, Array<string>> = { "Promise A": [], "Promise B": [], Effect: [] }
    for (const entry of log) {
      verdicts[entry.verdict] = (verdicts[entry.verdict] ?? 0) + 1
      if (entry.signature !== undefined) signatures.push(Redacted.value(entry.signature))
      const client = entry.apiKey === undefined ? undefined : clientOf.get(Redacted.value(entry.apiKey))
      const agent = entry.headers["user-agent"] ?? "none"
      if (client !== undefined && !userAgents[client].includes(agent)) userAgents[client].push(agent)
    }
    for (const line of [...program.logLines, ...printed]) scanner.scan(line)

    const exchanges = onWire.exchanges
    const all = pauses.pausesOf(exchanges)
    const kinds = ["429 Retry-After", "429 bare", "403", "418"] as const
    const count = <K extends string>(keys: ReadonlyArray<K>, f: (k: K) => number) =>
      Object.fromEntries(keys.map((k) => [k, f(k)])) as Record<K, number>
    const lengths = (kind: pauses.PauseKind) => {
      const out: Record<string, number> = {}
      for (const p of all.filter((p) => p.kind === kind)) out[`${p.ms / 1000} s`] = (out[`${p.ms / 1000} s`] ?? 0) + 1
      return out
    }
    const violations = exchanges.flatMap((e) => {
      const pause = pauses.insidePause(e, all, pauses.guaranteed, pauses.CLOCK_RESOLUTION_MS)
      return pause === undefined ? [] : [{ e, pause }]
    })
    const inside = (e: Exchange) => pauses.insidePause(e, all, pauses.guaranteed, pauses.CLOCK_RESOLUTION_MS)
    const bans418 = all.filter((p) => p.kind === "418")
    const answered418 = exchanges.filter((e) => e.status === 418)
    const clients = Object.fromEntries(CLIENTS.map((name) => {
      const tally = tallies[name]
      const mine = exchanges.filter((e) => clientOf.get(e.apiKey ?? "") === name)
      return [name, {
        calls: tally.calls,
        successes: tally.successes,
        failures: tally.failures,
        defects: tally.defects,
        requests: mine.length,
        sentInPause: mine.filter((e) => inside(e) !== undefined).length
      }]
    })) as Record<ClientName, ClientReport>
    const afterFirst418 = answered418.filter((e) => bans418.some((p) => e.sentSeq > p.fromSeq && e.sentAt < p.to))
      .length
    const t0 = exchanges[0]?.sentAt ?? 0
    return {
      options,
      durationMs: Date.now() - started,
      clients,
      pauses: count(kinds, (k) => all.filter((p) => p.kind === k).length),
      backoffLengths: { "429 bare": lengths("429 bare"), "403": lengths("403") },
      sentInPause: count(kinds, (k) => violations.filter((v) => v.pause.kind === k).length),
      sentInLastMs: exchanges.filter((e) => inside(e) === undefined && pauses.insidePause(e, all, pauses.guaranteed))
        .length,
      sentInDoubling: exchanges.filter((e) =>
        inside(e) === undefined &&
        pauses.insidePause(e, all, (p) => p.ms, pauses.CLOCK_RESOLUTION_MS) !== undefined
      ).length,
      examples: violations.slice(0, 5).map(({ e, pause }) =>
        `${clientOf.get(e.apiKey ?? "") ?? "?"} sent at ${(e.sentAt - t0).toFixed(1)} ms, ` +
        `${(e.sentAt - pause.from).toFixed(1)} ms into a ${pause.ms} ms ${pause.kind} pause read at ` +
        `${(pause.from - t0).toFixed(1)} ms by ${clientOf.get(pause.cause.apiKey ?? "") ?? "?"}; answered ${e.status}`
      ),
      bans418AfterFirst: afterFirst418,
      bans418InFlight: Math.max(
        0,
        answered418.length - afterFirst418 - log.filter((l) => l.fault === "Banned").length
      ),
      fake429: log.filter((l) => l.status === 429 && l.fault === undefined).length,
      fake418: log.filter((l) => l.status === 418 && l.fault === undefined).length,
      overLimit429: log.filter((l) => l.status === 429 && l.fault === undefined && l.usedWeight > weightLimit).length,
      requests: log.length,
      wireRequests: exchanges.length,
      unhandledRejections: watched.unhandled(),
      leaks: scanner.finish(signatures),
      scannedTexts: scanner.scanned,
      logLines: program.logLines.length + printed.length,
      socketsAfterClose,
      verdicts,
      userAgents
    }
  } finally {
    stopped = true
    uninstallWire()
    for (const timer of timers) clearInterval(timer)
    await run(Scope.close(scope, Exit.void))
    watched.restore()
  }
}
