/**
 * The exchange's decision for one request, in fapi's order:
 * ban → route → weight → API key → parameters → timestamp → signature → account → asset.
 */
import type * as api from "./model.js"
import * as params from "./params.js"
import type { Verifier } from "./signature.js"
import type { WeightGate } from "./weight.js"

export interface AccountState {
  readonly verifier: Verifier
  readonly assets: Map<string, api.AssetAmounts>
  portfolioMargin: boolean
}

export interface Settings {
  readonly ip: string
  readonly unknownAsset: api.ErrorReply
  readonly notPortfolioMargin: api.ErrorReply
}

export interface Input {
  readonly method: string
  readonly path: string
  readonly rawQuery: string
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>
}

interface Route {
  readonly weight: number
  readonly run: (input: Input, now: number, context: Context) => params.Outcome
}

interface Context {
  readonly accounts: ReadonlyMap<string, AccountState>
  readonly settings: Settings
}

const PM_PARAMS = new Set(["asset", "recvWindow", "timestamp", "signature"])
const DIGITS = /^[0-9]{1,20}$/
const MAX_RECV_WINDOW = 60_000
const DEFAULT_RECV_WINDOW = 5_000

const pmAccountInfo = (input: Input, now: number, { accounts, settings }: Context): params.Outcome => {
  const apiKey = input.headers["x-mbx-apikey"]
  if (apiKey === undefined || apiKey === "") return params.error(params.Replies.apiKeyFormat, "api-key-missing")
  const account = accounts.get(apiKey)
  if (account === undefined) return params.error(params.Replies.rejectedKey, "api-key-unknown")

  const parsed = params.parseQuery(input.rawQuery)
  if (parsed === undefined) return params.error(params.Replies.illegalChars, "illegal-chars")
  const byName = new Map<string, string>()
  for (const p of parsed) {
    if (byName.has(p.name)) return params.error(params.Replies.duplicate, `duplicate ${p.name}`)
    byName.set(p.name, p.value)
  }
  const read = parsed.filter((p) => PM_PARAMS.has(p.name)).length
  if (read !== parsed.length) return params.error(params.Replies.unread(read, parsed.length), "unread-parameter")
  const asset = byName.get("asset")
  if (asset === undefined || asset === "") return params.error(params.Replies.mandatory("asset"), "asset")
  const timestampText = byName.get("timestamp")
  if (timestampText === undefined || !DIGITS.test(timestampText)) {
    return params.error(params.Replies.mandatory("timestamp"), "timestamp")
  }
  const recvWindowText = byName.get("recvWindow")
  let recvWindow = DEFAULT_RECV_WINDOW
  if (recvWindowText !== undefined) {
    recvWindow = DIGITS.test(recvWindowText) ? Number(recvWindowText) : Number.NaN
    if (!(recvWindow <= MAX_RECV_WINDOW)) return params.error(params.Replies.invalidData("recvWindow"), "recvWindow")
  }

  // fapi's rule, verbatim: timestamp < serverTime + 1000 && serverTime - timestamp <= recvWindow
  const timestamp = Number(timestampText)
  if (!(timestamp < now + 1000)) return params.error(params.Replies.ahead, "timestamp-ahead")
  if (!(now - timestamp <= recvWindow)) return params.error(params.Replies.behind, "timestamp-behind")

  const segments = input.rawQuery.split("&")
  const last = segments[segments.length - 1]!
  const signature = parsed.find((p) => p.name === "signature")
  if (signature === undefined) return params.error(params.Replies.signature, "signature-missing")
  if (!last.startsWith("signature=")) return params.error(params.Replies.signature, "signature-not-last")
  const payload = segments.slice(0, -1).join("&")
  if (!account.verifier.verify(payload, signature.value)) {
    return params.error(params.Replies.signature, `signature-${account.verifier.kind}`)
  }

  if (!account.portfolioMargin) return params.error(settings.notPortfolioMargin, "not-portfolio-margin")
  const amounts = account.assets.get(asset)
  if (amounts === undefined) return params.error(settings.unknownAsset, "unknown-asset")
  // Field order and exact strings as fapi sends them.
  return params.ok(JSON.stringify({
    maxWithdrawAmountUSD: amounts.maxWithdrawAmountUSD,
    asset,
    maxWithdrawAmount: amounts.maxWithdrawAmount
  }))
}

export const routes: ReadonlyMap<string, { readonly method: string } & Route> = new Map([
  ["/fapi/v1/time", { method: "GET", weight: 1, run: (_, now) => params.ok(JSON.stringify({ serverTime: now })) }],
  ["/fapi/v1/pmAccountInfo", { method: "GET", weight: 5, run: pmAccountInfo }],
  // COIN-M's twins: same rules, weights and answers (one fake serves both markets, on one weight budget).
  ["/dapi/v1/time", { method: "GET", weight: 1, run: (_, now) => params.ok(JSON.stringify({ serverTime: now })) }],
  ["/dapi/v1/pmAccountInfo", { method: "GET", weight: 5, run: pmAccountInfo }]
])

const weightHeaders = (gate: WeightGate, now: number, extra: Record<string, string> = {}) => ({
  ...extra,
  "x-mbx-used-weight-1m": String(gate.usedAt(now))
})

/**
 * Decides one request at server time `now`. Mutates the weight gate; nothing else.
 */
export const decide = (
  input: Input,
  now: number,
  gate: WeightGate,
  context: Context
): params.Outcome => {
  const outcome = decideInner(input, now, gate, context)
  return { ...outcome, headers: weightHeaders(gate, now, { ...outcome.headers }) }
}

const banned = (ip: string, ban: { readonly until: number; readonly retryAfterSeconds: number }) =>
  params.error(params.Replies.banned(ip, ban.until), "banned", { "retry-after": String(ban.retryAfterSeconds) })

const decideInner = (input: Input, now: number, gate: WeightGate, context: Context): params.Outcome => {
  const ban = gate.ban(now)
  if (ban?._tag === "Banned") return banned(context.settings.ip, ban)
  const route = routes.get(input.path)
  if (route === undefined) {
    return params.error(params.Replies.invalidPath(404, input.path, input.method), "route")
  }
  if (route.method !== input.method) {
    return params.error(params.Replies.invalidPath(405, input.path, input.method), "method")
  }
  const admission = gate.admit(now, route.weight)
  switch (admission._tag) {
    case "Banned":
      return banned(context.settings.ip, admission)
    case "TooMany":
      return params.error(params.Replies.tooMany(gate.limit), "too-many-requests", {
        "retry-after": String(admission.retryAfterSeconds)
      })
    case "Admitted":
      return route.run(input, now, context)
  }
}
