import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

export interface Recorded {
  readonly url: URL
  readonly rawUrl: string
  readonly headers: Record<string, string>
  readonly time: number
  readonly signal: AbortSignal
}

export interface Reply {
  readonly status: number
  readonly body?: string
  readonly headers?: Record<string, string>
}

export type Handler = (request: Recorded, index: number) => Effect.Effect<Reply | "reset">

export const ok = (asset = "BTC", amount = "27.43689636", usd = "1627523.32459208", weight?: number): Reply => ({
  status: 200,
  body: JSON.stringify({ maxWithdrawAmountUSD: usd, asset, maxWithdrawAmount: amount }),
  headers: weight === undefined ? {} : { "x-mbx-used-weight-1m": String(weight) }
})

export const binance = (status: number, code: number, msg: string, headers: Record<string, string> = {}): Reply => ({
  status,
  body: JSON.stringify({ code, msg }),
  headers
})

/** An in-memory HttpClient that records every request (with the Effect Clock's time) and replies by script. */
export const mockHttp = (handler: Handler) => {
  const requests: Array<Recorded> = []
  const client = HttpClient.make((request, url, signal) =>
    Effect.gen(function*() {
      const recorded: Recorded = {
        url,
        rawUrl: url.toString(),
        headers: { ...request.headers },
        time: yield* Clock.currentTimeMillis,
        signal
      }
      requests.push(recorded)
      const reply = yield* handler(recorded, requests.length - 1)
      if (reply === "reset") {
        return yield* new HttpClientError.RequestError({
          request,
          reason: "Transport",
          cause: Object.assign(new Error(`socket hang up while fetching ${url.toString()}`), { code: "ECONNRESET" })
        })
      }
      return HttpClientResponse.fromWeb(
        request,
        new Response(reply.body ?? "", { status: reply.status, headers: reply.headers ?? {} })
      )
    })
  )
  return { requests, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

/** Replies from a list, one per request, repeating the last. */
export const script = (...replies: ReadonlyArray<Reply | "reset">): Handler => (_, index) =>
  Effect.succeed(replies[Math.min(index, replies.length - 1)]!)
