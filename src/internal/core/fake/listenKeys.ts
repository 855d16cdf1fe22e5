/**
 * The fake exchange's listenKey endpoints (`POST`/`PUT`/`DELETE /fapi/v1/listenKey`, and `/dapi/v1`), as rules over
 * a book of keys: one key per API key, alive 60 minutes from its creation or last keep-alive; a POST while a key
 * is live returns it and extends it; `-1125` for a key that is unknown or expired. Weight 1, API key header only
 * (no signature, no timestamp). Time is passed in; keys are derived, not drawn, so runs replay exactly.
 */
import * as Crypto from "node:crypto"
import * as params from "./params.js"
import type { AccountState, Input } from "./rules.js"
import type { WeightGate } from "./weight.js"

export const PATHS: ReadonlySet<string> = new Set(["/fapi/v1/listenKey", "/dapi/v1/listenKey"])
export const WEIGHT = 1
export const LIFETIME_MS = 60 * 60_000

export const Replies = {
  unknownKey: { status: 400, code: -1125, msg: "This listenKey does not exist." }
} as const

interface Entry {
  readonly key: string
  expiresAt: number
}

/** One key per API key. */
export class ListenKeys {
  private readonly byApiKey = new Map<string, Entry>()
  private created = 0

  /** The live key of this API key, extended; or a new one. */
  create(apiKey: string, now: number): string {
    const live = this.liveEntry(apiKey, now)
    if (live !== undefined) {
      live.expiresAt = now + LIFETIME_MS
      return live.key
    }
    this.created += 1
    // 64 characters of letters and digits, as Binance's keys are; derived from a counter, never a secret.
    const key = Crypto.createHash("sha256").update(`listenKey ${this.created}`).digest("hex")
    this.byApiKey.set(apiKey, { key, expiresAt: now + LIFETIME_MS })
    return key
  }

  /** Extends the live key; undefined (-1125) when there is none. */
  keepAlive(apiKey: string, now: number): string | undefined {
    const live = this.liveEntry(apiKey, now)
    if (live === undefined) return undefined
    live.expiresAt = now + LIFETIME_MS
    return live.key
  }

  /** Closes the live key; false (-1125) when there is none. */
  remove(apiKey: string, now: number): boolean {
    const live = this.liveEntry(apiKey, now) !== undefined
    this.byApiKey.delete(apiKey)
    return live
  }

  /** The API key a live listenKey belongs to, for a connection to it. */
  ownerOf(key: string, now: number): string | undefined {
    for (const [apiKey, entry] of this.byApiKey) if (entry.key === key && now < entry.expiresAt) return apiKey
    return undefined
  }

  /** Ends a key now, as its 60 minutes running out would (scripted expiry). */
  expire(apiKey: string, now: number): string | undefined {
    const live = this.liveEntry(apiKey, now)
    if (live === undefined) return undefined
    live.expiresAt = now
    return live.key
  }

  /** Keys alive until some instant: `[apiKey, key, expiresAt]`, for the stream to push their expiry. */
  entries(): ReadonlyArray<readonly [string, string, number]> {
    return [...this.byApiKey].map(([apiKey, entry]) => [apiKey, entry.key, entry.expiresAt] as const)
  }

  reset(): void {
    this.byApiKey.clear()
  }

  private liveEntry(apiKey: string, now: number): Entry | undefined {
    const entry = this.byApiKey.get(apiKey)
    return entry !== undefined && now < entry.expiresAt ? entry : undefined
  }
}

export interface Context {
  readonly accounts: ReadonlyMap<string, AccountState>
  readonly keys: ListenKeys
  /** The IP quoted in a 418's message. */
  readonly ip: string
}

const METHODS = new Set(["POST", "PUT", "DELETE"])

/**
 * Decides one listenKey request at server time `now`, in fapi's order: ban → method → weight → API key → key.
 * Mutates the weight gate and the book; the caller adds the used-weight header as for any route.
 */
export const decide = (input: Input, now: number, gate: WeightGate, context: Context): params.Outcome => {
  const banned = (ban: { readonly until: number; readonly retryAfterSeconds: number }) =>
    params.error(params.Replies.banned(context.ip, ban.until), "banned", {
      "retry-after": String(ban.retryAfterSeconds)
    })
  const ban = gate.ban(now)
  if (ban?._tag === "Banned") return banned(ban)
  if (!METHODS.has(input.method)) {
    return params.error(params.Replies.invalidPath(405, input.path, input.method), "method")
  }
  const admission = gate.admit(now, WEIGHT)
  if (admission._tag === "Banned") return banned(admission)
  if (admission._tag === "TooMany") {
    return params.error(params.Replies.tooMany(gate.limit), "too-many-requests", {
      "retry-after": String(admission.retryAfterSeconds)
    })
  }
  const apiKey = input.headers["x-mbx-apikey"]
  if (apiKey === undefined || apiKey === "") return params.error(params.Replies.apiKeyFormat, "api-key-missing")
  if (!context.accounts.has(apiKey)) return params.error(params.Replies.rejectedKey, "api-key-unknown")
  switch (input.method) {
    case "POST":
      return params.ok(JSON.stringify({ listenKey: context.keys.create(apiKey, now) }))
    case "PUT": {
      const key = context.keys.keepAlive(apiKey, now)
      return key === undefined
        ? params.error(Replies.unknownKey, "listen-key-unknown")
        : params.ok(JSON.stringify({ listenKey: key }))
    }
    default:
      return context.keys.remove(apiKey, now) ? params.ok("{}") : params.error(Replies.unknownKey, "listen-key-unknown")
  }
}
