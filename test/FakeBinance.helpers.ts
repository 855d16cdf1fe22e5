// Hand-built requests for the FakeBinance specs: signed with node:crypto here, never with the client.
import * as Effect from "effect/Effect"
import * as Crypto from "node:crypto"
import * as FakeBinance from "../src/FakeBinance.js"

export const SECRET = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9"
export const KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
export const PM = "/fapi/v1/pmAccountInfo"
export const TIME = "/fapi/v1/time"
export const BTC = { maxWithdrawAmount: "27.43689636", maxWithdrawAmountUSD: "1627523.32459208" } as const

export const hmacAccount: FakeBinance.Account = { apiKey: KEY, hmacSecret: SECRET, assets: { BTC } }

export const hmac = (payload: string, secret = SECRET) =>
  Crypto.createHmac("sha256", secret).update(payload).digest("hex")

/** `path?query&signature=<hmac(query)>` */
export const signed = (query: string, sign: (payload: string) => string = hmac) =>
  `${PM}?${query}&signature=${sign(query)}`

export const call = (
  url: string,
  headers: Record<string, string> = { "X-MBX-APIKEY": KEY },
  method = "GET"
) => Effect.flatMap(FakeBinance.FakeBinance, (fake) => fake.handle({ method, url, headers }))

/** Status, Binance code (if any) and the parsed body of a plain reply. */
export const outcome = (url: string, headers?: Record<string, string>, method?: string) =>
  Effect.map(call(url, headers, method), (response) => {
    if (response._tag !== "Reply") throw new Error(`expected a reply, got ${response._tag}`)
    const body = response.body.startsWith("{") ? JSON.parse(response.body) : response.body
    return { status: response.status, code: body?.code as number | undefined, body, headers: response.headers }
  })

export const withFake =
  (options: FakeBinance.Options = { accounts: [hmacAccount] }) => <A, E, R>(self: Effect.Effect<A, E, R>) =>
    Effect.provide(self, FakeBinance.layer(options))
