/**
 * The fake exchange's state and its service: accounts, settings, weight gate, faults and the
 * request log, plus `handle`, the one code path both transports use.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import * as Redacted from "effect/Redacted"
import type * as api from "../../FakeBinance.js"
import * as faults from "../core/fake/faults.js"
import * as params from "../core/fake/params.js"
import * as rules from "../core/fake/rules.js"
import * as signature from "../core/fake/signature.js"
import * as weight from "../core/fake/weight.js"
import { FakeBinanceError } from "./error.js"

const fail = (message: string) => Effect.fail(new FakeBinanceError({ message }))

const DEFAULTS = {
  weightLimit: 2400,
  ip: "127.0.0.1",
  unknownAsset: params.Replies.invalidAsset,
  notPortfolioMargin: params.Replies.rejectedKey
} as const

const isStatus = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 200 && (n as number) <= 599

const checkErrorReply = (name: string, reply: api.ErrorReply | undefined, fallback: api.ErrorReply) => {
  if (reply === undefined) return fallback
  if (!isStatus(reply.status) || !Number.isInteger(reply.code) || typeof reply.msg !== "string") {
    return `errors.${name} must be { status: 200..599, code: integer, msg: string }`
  }
  return { status: reply.status, code: reply.code, msg: reply.msg }
}

const checkAmounts = (asset: string, amounts: api.AssetAmounts): string | undefined =>
  asset === "" || typeof amounts?.maxWithdrawAmount !== "string" || typeof amounts.maxWithdrawAmountUSD !== "string"
    ? `asset '${asset}' needs a non-empty name and string maxWithdrawAmount / maxWithdrawAmountUSD`
    : undefined

const checkAccount = (account: api.Account): rules.AccountState | string => {
  if (typeof account?.apiKey !== "string" || account.apiKey === "") return "account.apiKey must be a non-empty string"
  const hasSecret = account.hmacSecret !== undefined
  if (hasSecret === (account.publicKey !== undefined)) {
    return `account ${account.apiKey.slice(0, 6)}…: give exactly one of hmacSecret or publicKey`
  }
  let verifier: signature.Verifier
  if (hasSecret) {
    if (typeof account.hmacSecret !== "string" || account.hmacSecret === "") {
      return "hmacSecret must be a non-empty string"
    }
    verifier = signature.hmac(account.hmacSecret)
  } else {
    const result = signature.fromPublicKey(account.publicKey!)
    if (typeof result === "string") return result
    verifier = result
  }
  const assets = new Map<string, api.AssetAmounts>()
  for (const [asset, amounts] of Object.entries(account.assets ?? {})) {
    const problem = checkAmounts(asset, amounts)
    if (problem) return problem
    assets.set(asset, {
      maxWithdrawAmount: amounts.maxWithdrawAmount,
      maxWithdrawAmountUSD: amounts.maxWithdrawAmountUSD
    })
  }
  return { verifier, assets, portfolioMargin: account.portfolioMargin ?? true }
}

const checkFault = (fault: api.Fault): string | undefined => {
  switch (fault?._tag) {
    case "Respond":
      return isStatus(fault.status) ? undefined : "Fault.respond status must be an integer in 200..599"
    case "Delay":
      return Number.isFinite(fault.millis) && fault.millis >= 0 ? undefined : "Fault.delay needs a finite duration"
    case "RateLimited":
      return Number.isInteger(fault.retryAfterSeconds) && fault.retryAfterSeconds > 0
        ? undefined
        : "Fault.rateLimited needs a positive whole number of seconds"
    case "Banned":
      return Number.isInteger(fault.retryAfterSeconds) && fault.retryAfterSeconds > 0
        ? undefined
        : "Fault.banned needs a positive whole number of seconds"
    case "RateLimitedBare":
      return ["json", "empty", "html"].includes(fault.body)
        ? undefined
        : "Fault.rateLimitedBare body must be json, empty or html"
    case "ServiceUnavailable":
      return ["unknown", "unavailable", "internal"].includes(fault.variant) ? undefined : "unknown 503 variant"
    case "Html502":
    case "Reset":
    case "Truncate":
    case "NonJson200":
    case "WrongSchema200":
    case "WafBlocked":
      return undefined
    default:
      return "not a Fault; build one with FakeBinance.Fault"
  }
}

const checkLimit = (limit: unknown): limit is number => Number.isInteger(limit) && (limit as number) > 0

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

/** Queued faults first (oldest matching entry); then each matching rate draws once, in order (unseeded rates from
 * Effect's `Random`, so `TestRandom` replays them). */
const takeFault = (book: faults.FaultBook, path: string): Effect.Effect<api.Fault | undefined> => {
  const queued = book.takeQueued(path)
  if (queued !== undefined) return Effect.succeed(queued)
  const candidates = book.rated(path)
  if (candidates.length === 0) return Effect.succeed(undefined)
  return Effect.gen(function*() {
    for (const rated of candidates) {
      const draw = rated.next ? rated.next() : yield* Random.next
      if (draw < rated.rate) return rated.fault
    }
    return undefined
  })
}

/** @internal */
export const make = (
  options: api.Options,
  transport: { readonly baseUrl: string | undefined; readonly clock: Clock.Clock | undefined }
): Effect.Effect<api.Service, FakeBinanceError> =>
  Effect.suspend(() => {
    const weightLimit = options.weightLimit ?? DEFAULTS.weightLimit
    if (!checkLimit(weightLimit)) return fail("weightLimit must be a positive integer")
    const skew = options.serverSkewMillis ?? 0
    if (!Number.isFinite(skew)) return fail("serverSkewMillis must be a finite number")
    const ip = options.ip ?? DEFAULTS.ip
    if (typeof ip !== "string" || ip === "") return fail("ip must be a non-empty string")
    const unknownAsset = checkErrorReply("unknownAsset", options.errors?.unknownAsset, DEFAULTS.unknownAsset)
    if (typeof unknownAsset === "string") return fail(unknownAsset)
    const notPm = checkErrorReply("notPortfolioMargin", options.errors?.notPortfolioMargin, DEFAULTS.notPortfolioMargin)
    if (typeof notPm === "string") return fail(notPm)

    const accounts = new Map<string, rules.AccountState>()
    for (const account of options.accounts ?? []) {
      const state = checkAccount(account)
      if (typeof state === "string") return fail(state)
      accounts.set(account.apiKey, state)
    }
    return Effect.succeed(service({
      accounts,
      settings: { ip, unknownAsset, notPortfolioMargin: notPm },
      skew,
      gate: new weight.WeightGate(weightLimit),
      faults: new faults.FaultBook(),
      log: []
    }, transport))
  })

interface State {
  readonly accounts: Map<string, rules.AccountState>
  readonly settings: rules.Settings
  skew: number
  readonly gate: weight.WeightGate
  readonly faults: faults.FaultBook
  log: Array<api.LogEntry>
}

const service = (
  state: State,
  transport: { readonly baseUrl: string | undefined; readonly clock: Clock.Clock | undefined }
): api.Service => {
  // A served fake runs on the real clock whoever calls it; an in-memory one on the caller's clock.
  const timed = transport.clock === undefined
    ? <A, E>(self: Effect.Effect<A, E>) => self
    : <A, E>(self: Effect.Effect<A, E>) => Effect.provideService(self, Clock.Clock, transport.clock!)
  const serverTime = timed(Effect.map(Clock.currentTimeMillis, (now) => now + state.skew))
  const withAccount = <A>(apiKey: string, f: (account: rules.AccountState) => A) =>
    Effect.suspend(() => {
      const account = state.accounts.get(apiKey)
      return account === undefined ? fail("no account has this API key") : Effect.sync(() => f(account))
    })

  const handle = (request: api.FakeRequest): Effect.Effect<api.FakeResponse> =>
    timed(Effect.gen(function*() {
      const now = yield* serverTime
      const { path, rawQuery } = params.splitUrl(request.url)
      const headers = params.normalizeHeaders(request.headers)
      const input: rules.Input = { method: request.method, path, rawQuery, headers }
      const fault = yield* takeFault(state.faults, path)
      const record = (outcome: Pick<params.Outcome, "status" | "code" | "verdict">) => {
        const signatureValue = rawSignature(rawQuery)
        const apiKey = headers["x-mbx-apikey"]
        state.log.push({
          method: request.method,
          path,
          query: redactQuery(rawQuery),
          signature: signatureValue === undefined ? undefined : Redacted.make(signatureValue),
          headers: redactHeaders(headers),
          apiKey: apiKey === undefined ? undefined : Redacted.make(apiKey),
          time: now,
          status: outcome.status,
          code: outcome.code,
          verdict: outcome.verdict,
          fault: fault?._tag,
          usedWeight: state.gate.usedAt(now)
        })
      }
      if (fault?._tag === "Reset") {
        record({ status: 0, code: undefined, verdict: faults.faultVerdict(fault) })
        return { _tag: "Reset" } as const
      }
      let outcome: params.Outcome
      if (fault !== undefined && fault._tag !== "Delay" && fault._tag !== "Truncate") {
        if (fault._tag === "RateLimited") state.gate.backOff(now, fault.retryAfterSeconds)
        const banUntil = fault._tag === "Banned" ? state.gate.banFor(now, fault.retryAfterSeconds) : now
        const edge = faults.edgeOutcome(fault, path, { limit: state.gate.limit, ip: state.settings.ip, now, banUntil })
        outcome = {
          ...edge,
          headers: { "x-mbx-used-weight-1m": String(state.gate.usedAt(now)), ...edge.headers }
        }
      } else {
        outcome = rules.decide(input, now, state.gate, state)
      }
      record(outcome)
      if (fault?._tag === "Delay") yield* Effect.sleep(fault.millis)
      if (fault?._tag === "Truncate") {
        const length = Buffer.byteLength(outcome.body)
        return {
          _tag: "Truncate",
          status: outcome.status,
          headers: { ...outcome.headers, "content-length": String(length) },
          body: outcome.body,
          cutAt: Math.floor(length / 2)
        } as const
      }
      return { _tag: "Reply", status: outcome.status, headers: outcome.headers, body: outcome.body } as const
    }))

  return {
    baseUrl: transport.baseUrl,
    handle,
    addAccount: (account) =>
      Effect.suspend(() => {
        const checked = checkAccount(account)
        return typeof checked === "string"
          ? fail(checked)
          : Effect.sync(() => void state.accounts.set(account.apiKey, checked))
      }),
    setAsset: (apiKey, asset, amounts) =>
      Effect.flatten(withAccount(apiKey, (account) => {
        const problem = checkAmounts(asset, amounts)
        if (problem) return fail(problem)
        account.assets.set(asset, {
          maxWithdrawAmount: amounts.maxWithdrawAmount,
          maxWithdrawAmountUSD: amounts.maxWithdrawAmountUSD
        })
        return Effect.void
      })),
    setPortfolioMargin: (apiKey, enabled) => withAccount(apiKey, (account) => void (account.portfolioMargin = enabled)),
    setServerSkew: (millis) =>
      Number.isFinite(millis) ? Effect.sync(() => void (state.skew = millis)) : fail("skew must be a finite number"),
    setWeightLimit: (limit) =>
      checkLimit(limit)
        ? Effect.sync(() => void (state.gate.limit = limit))
        : fail("weight limit must be a positive integer"),
    enqueueFault: (fault, options) =>
      Effect.suspend(() => {
        const problem = checkFault(fault)
        if (problem) return fail(problem)
        const count = options?.count ?? 1
        if (!checkLimit(count)) return fail("fault count must be a positive integer")
        return Effect.sync(() => state.faults.enqueue(fault, options?.path, count))
      }),
    setFaultRate: (fault, rate, options) =>
      Effect.suspend(() => {
        const problem = checkFault(fault)
        if (problem) return fail(problem)
        if (!(rate >= 0 && rate <= 1)) return fail("fault rate must be between 0 and 1")
        const seed = options?.seed
        if (seed !== undefined && !Number.isInteger(seed)) return fail("seed must be an integer")
        return Effect.sync(() => state.faults.setRate(fault, rate, options?.path, seed))
      }),
    clearFaults: Effect.sync(() => state.faults.clear()),
    requests: Effect.sync(() => state.log.slice()),
    requestCount: Effect.sync(() => state.log.length),
    clearRequests: Effect.sync(() => void (state.log = [])),
    usedWeight: Effect.map(serverTime, (now) => state.gate.usedAt(now)),
    serverTime,
    reset: Effect.sync(() => {
      state.gate.reset()
      state.faults.clear()
      state.log = []
    })
  }
}
