/**
 * What the soak runs against: two fake exchanges (one per API, as if two IPs, since each client has its own
 * gate), their accounts and keys, and the faults they inject.
 */
import * as Effect from "effect/Effect"
import * as Crypto from "node:crypto"
import * as FakeBinance from "../../src/FakeBinance.js"
import { mulberry32 } from "../../src/internal/core/fake/faults.js"
import type { Outcome } from "./program.js"
import type { LeakScanner } from "./secrets.js"
import * as sockets from "./sockets.js"

/** Counts outcomes for one client. */
export class Tally {
  calls = 0
  successes = 0
  defects = 0
  readonly failures: Record<string, number> = {}
  fail(tag: string) {
    this.failures[tag] = (this.failures[tag] ?? 0) + 1
  }
  /** Counts an Effect program's call, scanning what it left for secrets; returns its typed error, if any. */
  count(outcome: Outcome, scanner: LeakScanner) {
    this.calls++
    if (outcome._tag === "Success") return void this.successes++
    scanner.scan(outcome.pretty)
    if (outcome._tag === "Defect") return void this.defects++
    scanner.scanError(outcome.error)
    this.fail(outcome.error._tag)
    return outcome.error
  }
}

const Fault = FakeBinance.Fault

/** mulberry32 (the fake's own), so a seed replays the same run of choices. */
export const prng = mulberry32

const token = (random: () => number, length: number) =>
  Array.from(
    { length },
    () => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[Math.floor(random() * 62)]
  ).join("")

export interface Keys {
  readonly effect: { readonly apiKey: string; readonly secretKey: string }
  readonly promise: {
    readonly apiKey: string
    /** Encrypted PKCS#8 Ed25519 PEM. */
    readonly privateKey: string
    readonly passphrase: string
    readonly publicKey: Crypto.KeyObject
  }
}

export const makeKeys = (seed: number): Keys => {
  const random = prng(seed)
  const passphrase = `soak ${token(random, 24)}`
  const pair = Crypto.generateKeyPairSync("ed25519")
  return {
    effect: { apiKey: token(random, 64), secretKey: token(random, 64) },
    promise: {
      apiKey: token(random, 64),
      privateKey: pair.privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase })
        .toString(),
      passphrase,
      publicKey: pair.publicKey
    }
  }
}

export const ASSETS = {
  BTC: { maxWithdrawAmount: "27.43689636", maxWithdrawAmountUSD: "1627523.32459208" },
  ETH: { maxWithdrawAmount: "0.00000001", maxWithdrawAmountUSD: "0.00003112" }
} as const

/** Most calls ask for BTC; some for ETH; a few for an asset the account does not hold (a 400 -1108). */
export const pickAsset = (random: () => number): string => {
  const r = random()
  return r < 0.95 ? "BTC" : r < 0.98 ? "ETH" : "DOGE"
}

export const TOO_MANY = {
  code: -1003,
  msg: "Too many requests; current limit of IP is 2400 requests per minute. Please use WebSocket Streams."
}

/** The 429 the soak injects, with `Retry-After: 1`. */
export const rateLimitedFault = (strict: boolean): FakeBinance.Fault =>
  strict
    // The fake's own: it starts a server back-off and bans (418) any request that arrives during it,
    // including requests that were already on the wire when the 429 left.
    ? Fault.rateLimited(1)
    // The same answer without the fake's back-off: whether the client honours it is measured instead.
    : Fault.respond({ status: 429, body: TOO_MANY, headers: { "retry-after": "1" } })

/** Fault rates per request; about one request in ten misbehaves. */
export const faultRates = (timeoutMs: number, strict: boolean): ReadonlyArray<readonly [FakeBinance.Fault, number]> => [
  [
    Fault.respond({
      status: 500,
      body: { code: -1000, msg: "An unknown error occurred while processing the request." }
    }),
    0.01
  ],
  [Fault.html502, 0.01],
  [Fault.serviceUnavailable("unknown"), 0.015],
  [Fault.reset, 0.01],
  [Fault.truncate, 0.01],
  // Past the client's per-attempt timeout: the client gives up and retries.
  [Fault.delay(timeoutMs * 4), 0.01],
  [Fault.nonJson200, 0.005],
  [Fault.wrongSchema200, 0.005],
  [rateLimitedFault(strict), 0.002]
]

export const VARIANTS = ["unknown", "unavailable", "internal"] as const

export const serviceUnavailable = (variant: typeof VARIANTS[number]): FakeBinance.Fault =>
  Fault.serviceUnavailable(variant)

export const serveFakes = (keys: Keys, weightLimit: number) =>
  Effect.all({
    effect: FakeBinance.serve({
      weightLimit,
      accounts: [{ apiKey: keys.effect.apiKey, hmacSecret: keys.effect.secretKey, assets: ASSETS }]
    }),
    promise: FakeBinance.serve({
      weightLimit,
      accounts: [{ apiKey: keys.promise.apiKey, publicKey: keys.promise.publicKey, assets: ASSETS }]
    })
  })

export const injectFaults = (fake: FakeBinance.Service, seed: number, timeoutMs: number, strict: boolean) =>
  Effect.forEach(
    faultRates(timeoutMs, strict),
    ([fault, rate], i) =>
      // The fake keeps one rate per fault kind and path: the 429 (a Respond, like the 500) gets its own path.
      fake.setFaultRate(fault, rate, {
        seed: seed + i,
        path: i === faultRates(timeoutMs, strict).length - 1 ? "/fapi/v1/pmAccountInfo" : undefined
      }),
    { discard: true }
  )

/**
 * What a soak watches in its own process while it runs: rejections nobody handled, every line anything prints
 * (kept, to be scanned for secrets, instead of reaching the terminal) and the sockets it opens. `restore` puts
 * the console and the rejection handler back.
 */
export const watchProcess = () => {
  let unhandled = 0
  const onRejection = () => void unhandled++
  process.on("unhandledRejection", onRejection)
  const printed: Array<string> = []
  const consoleMethods = ["log", "info", "warn", "error", "debug", "trace"] as const
  const originals = consoleMethods.map((m) => [m, console[m]] as const)
  for (const m of consoleMethods) {
    console[m] = (...args: Array<unknown>) => void printed.push(args.map(String).join(" "))
  }
  const tracker = sockets.track()
  return {
    printed,
    tracker,
    unhandled: () => unhandled,
    restore: () => {
      tracker.stop()
      for (const [m, original] of originals) console[m] = original
      process.off("unhandledRejection", onRejection)
    }
  }
}
