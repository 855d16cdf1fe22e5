/**
 * One `POST`/`PUT`/`DELETE /fapi/v1/listenKey` (or COIN-M's `/dapi/v1`) as plain rules: the request (API key header
 * only, weight 1) and what its end tells the stream's life cycle (./stream.ts) and the gate. No Effect here: each
 * edition's `internal/watch/listenKey.ts` runs it through its gate and HTTP client, and never fails.
 */
import type { Outcome } from "../gate.js"
import * as Responses from "../responses.js"
import * as StreamRules from "./stream.js"

export const API_KEY_HEADER = "x-mbx-apikey"

export const pathOf = (market: string | undefined): string =>
  market === "coin-m" ? StreamRules.COINM_LISTEN_KEY_PATH : StreamRules.LISTEN_KEY_PATH

/** The request's URL and headers. */
export const requestOf = (
  config: { readonly baseUrl: string; readonly market?: string | undefined; readonly userAgent: string },
  apiKey: string
): { readonly url: string; readonly headers: Readonly<Record<string, string>> } => ({
  url: `${config.baseUrl}${pathOf(config.market)}`,
  headers: { accept: "application/json", "user-agent": config.userAgent, [API_KEY_HEADER]: apiKey }
})

/** No answer: the gate refused, the transport failed (`cause`) or the request timed out. */
export const unanswered = (reason: string): StreamRules.Answer => ({
  _tag: "Failed",
  reason: `listenKey: ${reason}`,
  code: undefined
})

/** What `error` (a transport failure, or the timeout's message) tells the stream. */
export const failedWith = (error: unknown): StreamRules.Answer =>
  unanswered(typeof error === "string" ? error : Responses.describeCause(error))

export const timedOut = (timeoutMs: number): string => `timed out after ${timeoutMs} ms`

const describe = (classified: Responses.Classified): string => {
  const code = "code" in classified && classified.code !== undefined ? ` ${classified.code}` : ""
  const msg = "msg" in classified && classified.msg !== undefined ? ` ${classified.msg}` : ""
  return `listenKey: ${classified._tag} (HTTP ${classified.status}${code})${msg}`
}

/** An answer at Binance's time `now`: what the stream is told, and what the gate is. */
export const answered = (
  raw: Responses.RawResponse,
  now: number
): { readonly answer: StreamRules.Answer; readonly outcome: Outcome } => {
  const judged = Responses.judge(Responses.answerOf(raw), now)
  const classified = judged.classified
  return {
    outcome: judged.outcome,
    answer: classified === undefined
      ? { _tag: "Ok", body: raw.text }
      : { _tag: "Failed", reason: describe(classified), code: "code" in classified ? classified.code : undefined }
  }
}
