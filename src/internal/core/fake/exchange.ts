/**
 * The fake exchange: its state (accounts, settings, weight gate, faults, request log), the scripting calls and
 * `handle`, the one code path both transports and both editions use. Time is passed in and randomness asked for,
 * so each edition's wrapper reads them from its own `Clock` and `Random` (and `TestClock`/`TestRandom` replay).
 */
import { DECIMAL } from "../endpoint.js"
import * as checks from "./checks.js"
import * as faults from "./faults.js"
import * as listenKeys from "./listenKeys.js"
import type * as api from "./model.js"
import * as params from "./params.js"
import * as rules from "./rules.js"
import { type AccountFigures, UserStream } from "./userStream.js"
import * as weight from "./weight.js"

const DEFAULTS = {
  weightLimit: 2400,
  ip: "127.0.0.1",
  unknownAsset: params.Replies.invalidAsset,
  notPortfolioMargin: params.Replies.rejectedKey
} as const

const NO_ACCOUNT = "no account has this API key"

const ACCOUNT_FIGURES: ReadonlyArray<keyof AccountFigures> = [
  "uniMMR",
  "accountEquity",
  "actualEquity",
  "initialMargin",
  "maintenanceMargin",
  "availableBalance",
  "virtualMaxWithdrawUSD"
]

const SECRET_HEADERS = new Set(["x-mbx-apikey", "authorization", "cookie"])

const redactQuery = (rawQuery: string) =>
  rawQuery.split("&").map((s) => (s.startsWith("signature=") ? "signature=<redacted>" : s)).join("&")

const redactHeaders = (headers: Readonly<Record<string, string>>) => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) out[name] = SECRET_HEADERS.has(name) ? "<redacted>" : value
  return out
}

const rawSignature = (rawQuery: string): string | undefined => {
  const segment = rawQuery.split("&").find((s) => s.startsWith("signature="))
  return segment === undefined ? undefined : segment.slice("signature=".length)
}

/**
 * What `handle` yields when it needs a random number in [0, 1) (an unseeded fault rate): resume it with one.
 * A generator rather than a callback because an edition's `Random` is an effect, not a function.
 */
export type Draw = "draw"

/** The answer, and for a `delay` fault how long to wait before giving it. */
export interface Handled {
  readonly response: api.FakeResponse
  readonly delayMillis: number | undefined
}

/** Builds an exchange, or says what is wrong with the options. `secret` wraps the secrets kept in the log. */
export const make = <Secret>(options: api.Options, secret: (value: string) => Secret): Exchange<Secret> | string => {
  const weightLimit = options.weightLimit ?? DEFAULTS.weightLimit
  if (!checks.isLimit(weightLimit)) return "weightLimit must be a positive integer"
  const skew = options.serverSkewMillis ?? 0
  if (!Number.isFinite(skew)) return "serverSkewMillis must be a finite number"
  const ip = options.ip ?? DEFAULTS.ip
  if (typeof ip !== "string" || ip === "") return "ip must be a non-empty string"
  const unknownAsset = checks.errorReply("unknownAsset", options.errors?.unknownAsset, DEFAULTS.unknownAsset)
  if (typeof unknownAsset === "string") return unknownAsset
  const notPm = checks.errorReply("notPortfolioMargin", options.errors?.notPortfolioMargin, DEFAULTS.notPortfolioMargin)
  if (typeof notPm === "string") return notPm

  const accounts = new Map<string, rules.AccountState>()
  for (const account of options.accounts ?? []) {
    const state = checks.account(account)
    if (typeof state === "string") return state
    accounts.set(account.apiKey, state)
  }
  return new Exchange(accounts, { ip, unknownAsset, notPortfolioMargin: notPm }, skew, weightLimit, secret)
}

/** The scripting calls return a problem message, or `undefined` when done. */
export class Exchange<Secret> {
  private readonly gate: weight.WeightGate
  private readonly faults = new faults.FaultBook()
  private log: Array<api.LogEntry<Secret>> = []
  /** The listenKeys of `/fapi/v1/listenKey` (and `/dapi/v1`), which the user-data stream's connections use. */
  readonly listenKeys = new listenKeys.ListenKeys()
  /** The user-data stream's rules; each edition's served fake carries its frames over WebSocket. */
  readonly userStream = new UserStream(this.listenKeys)

  constructor(
    private readonly accounts: Map<string, rules.AccountState>,
    private readonly settings: rules.Settings,
    private skew: number,
    weightLimit: number,
    private readonly secret: (value: string) => Secret
  ) {
    this.gate = new weight.WeightGate(weightLimit)
  }

  /** Server time at this reading of the edition's clock. */
  serverTime(clockMillis: number): number {
    return clockMillis + this.skew
  }

  /** Decides one request at server time `now`; see {@link Draw} for what it yields. */
  *handle(request: api.FakeRequest, now: number): Generator<Draw, Handled, number> {
    const { path, rawQuery } = params.splitUrl(request.url)
    const headers = params.normalizeHeaders(request.headers)
    const fault = yield* this.takeFault(path)
    const record = (outcome: Pick<params.Outcome, "status" | "code" | "verdict">) => {
      const signatureValue = rawSignature(rawQuery)
      const apiKey = headers["x-mbx-apikey"]
      this.log.push({
        method: request.method,
        path,
        query: redactQuery(rawQuery),
        signature: signatureValue === undefined ? undefined : this.secret(signatureValue),
        headers: redactHeaders(headers),
        apiKey: apiKey === undefined ? undefined : this.secret(apiKey),
        time: now,
        status: outcome.status,
        code: outcome.code,
        verdict: outcome.verdict,
        fault: fault?._tag,
        usedWeight: this.gate.usedAt(now)
      })
    }
    if (fault?._tag === "Reset") {
      record({ status: 0, code: undefined, verdict: faults.faultVerdict(fault) })
      return { response: { _tag: "Reset" }, delayMillis: undefined }
    }
    let outcome: params.Outcome
    if (fault !== undefined && fault._tag !== "Delay" && fault._tag !== "Truncate") {
      if (fault._tag === "RateLimited") this.gate.backOff(now, fault.retryAfterSeconds)
      const banUntil = fault._tag === "Banned" ? this.gate.banFor(now, fault.retryAfterSeconds) : now
      const edge = faults.edgeOutcome(fault, path, { limit: this.gate.limit, ip: this.settings.ip, now, banUntil })
      outcome = { ...edge, headers: { "x-mbx-used-weight-1m": String(this.gate.usedAt(now)), ...edge.headers } }
    } else if (listenKeys.PATHS.has(path)) {
      const decided = listenKeys.decide({ method: request.method, path, rawQuery, headers }, now, this.gate, {
        accounts: this.accounts,
        keys: this.listenKeys,
        ip: this.settings.ip
      })
      outcome = { ...decided, headers: { ...decided.headers, "x-mbx-used-weight-1m": String(this.gate.usedAt(now)) } }
    } else {
      outcome = rules.decide({ method: request.method, path, rawQuery, headers }, now, this.gate, {
        accounts: this.accounts,
        settings: this.settings
      })
    }
    record(outcome)
    if (fault?._tag === "Truncate") {
      const length = Buffer.byteLength(outcome.body)
      return {
        response: {
          _tag: "Truncate",
          status: outcome.status,
          headers: { ...outcome.headers, "content-length": String(length) },
          body: outcome.body,
          cutAt: Math.floor(length / 2)
        },
        delayMillis: undefined
      }
    }
    return {
      response: { _tag: "Reply", status: outcome.status, headers: outcome.headers, body: outcome.body },
      delayMillis: fault?._tag === "Delay" ? fault.millis : undefined
    }
  }

  /** Queued faults first (oldest matching entry); then each matching rate draws once, in order. */
  private *takeFault(path: string): Generator<Draw, api.Fault | undefined, number> {
    const queued = this.faults.takeQueued(path)
    if (queued !== undefined) return queued
    for (const rated of this.faults.rated(path)) {
      const draw = rated.next ? rated.next() : yield "draw"
      if (draw < rated.rate) return rated.fault
    }
    return undefined
  }

  addAccount(account: api.Account): string | undefined {
    const checked = checks.account(account)
    if (typeof checked === "string") return checked
    this.accounts.set(account.apiKey, checked)
  }

  setAsset(apiKey: string, asset: string, amounts: api.AssetAmounts): string | undefined {
    const account = this.accounts.get(apiKey)
    if (account === undefined) return NO_ACCOUNT
    const problem = checks.amounts(asset, amounts)
    if (problem) return problem
    account.assets.set(asset, {
      maxWithdrawAmount: amounts.maxWithdrawAmount,
      maxWithdrawAmountUSD: amounts.maxWithdrawAmountUSD
    })
  }

  setPortfolioMargin(apiKey: string, enabled: boolean): string | undefined {
    const account = this.accounts.get(apiKey)
    if (account === undefined) return NO_ACCOUNT
    account.portfolioMargin = enabled
  }

  setServerSkew(millis: number): string | undefined {
    if (!Number.isFinite(millis)) return "skew must be a finite number"
    this.skew = millis
  }

  setWeightLimit(limit: number): string | undefined {
    if (!checks.isLimit(limit)) return "weight limit must be a positive integer"
    this.gate.limit = limit
  }

  enqueueFault(
    fault: api.Fault,
    options?: { readonly path?: string | undefined; readonly count?: number | undefined }
  ): string | undefined {
    const problem = checks.fault(fault)
    if (problem) return problem
    const count = options?.count ?? 1
    if (!checks.isLimit(count)) return "fault count must be a positive integer"
    this.faults.enqueue(fault, options?.path, count)
  }

  setFaultRate(
    fault: api.Fault,
    rate: number,
    options?: { readonly path?: string | undefined; readonly seed?: number | undefined }
  ): string | undefined {
    const problem = checks.fault(fault)
    if (problem) return problem
    if (!(rate >= 0 && rate <= 1)) return "fault rate must be between 0 and 1"
    const seed = options?.seed
    if (seed !== undefined && !Number.isInteger(seed)) return "seed must be an integer"
    this.faults.setRate(fault, rate, options?.path, seed)
  }

  /**
   * The figures the user-data stream pushes to this account every 5 s from `now` on (`undefined` stops them):
   * seven decimal strings, sent as written.
   */
  setStreamAccount(apiKey: string, figures: AccountFigures | undefined, now: number): string | undefined {
    if (!this.accounts.has(apiKey)) return NO_ACCOUNT
    if (figures !== undefined) {
      if (typeof figures !== "object" || figures === null) return "account figures must be an object or undefined"
      const bad = ACCOUNT_FIGURES.filter((field) => {
        const value = (figures as unknown as Record<string, unknown>)[field]
        return typeof value !== "string" || !DECIMAL.test(value)
      })
      if (bad.length > 0) return `account figures: ${bad.join(", ")} must be decimal strings such as "3.98972738"`
    }
    this.userStream.setAccount(apiKey, figures, now)
  }

  /** Pushes a frame on the stream now (an object as JSON, a string as is), to one account's connections or all. */
  pushStreamEvent(frame: unknown, apiKey: string | undefined, now: number): string | undefined {
    if (typeof frame !== "string" && (typeof frame !== "object" || frame === null)) {
      return "a stream frame must be an object (sent as JSON) or a string (sent as is)"
    }
    return this.userStream.addScript([{ _tag: "Push", at: now, frame, apiKey }])
  }

  /** Cuts the stream's connections now (1006, no close frame), of one account or all. */
  dropStream(apiKey: string | undefined, now: number): string | undefined {
    return this.userStream.addScript([{ _tag: "Drop", at: now, apiKey }])
  }

  /** Ends the listenKeys now, of one account or all: `listenKeyExpired`, the close, and -1125 for a PUT. */
  expireListenKeys(apiKey: string | undefined, now: number): string | undefined {
    // In the book at once (the in-memory fake has no stream to advance); a served stream then pushes the expiry.
    for (const [owner] of this.listenKeys.entries()) {
      if (apiKey === undefined || apiKey === owner) this.listenKeys.expire(owner, now)
    }
    return undefined
  }

  clearFaults(): void {
    this.faults.clear()
  }

  requests(): ReadonlyArray<api.LogEntry<Secret>> {
    return this.log.slice()
  }

  requestCount(): number {
    return this.log.length
  }

  clearRequests(): void {
    this.log = []
  }

  usedWeight(now: number): number {
    return this.gate.usedAt(now)
  }

  /** Forgets weight, back-off, bans, faults and the log; accounts and settings stay. */
  reset(): void {
    this.gate.reset()
    this.faults.clear()
    this.log = []
  }
}
