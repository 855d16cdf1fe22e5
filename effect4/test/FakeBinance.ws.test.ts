// The fake's listenKey endpoints, and the served fake's user-data stream: real HTTP and WebSocket over loopback,
// real clock. test/FakeBinance.ws.test.ts is the same spec on the Effect 3 edition.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import { WebSocket } from "ws"
import * as FakeBinance from "../src/FakeBinance.js"
import { hmacAccount, KEY } from "./helpers.js"

const withFake = () => <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Effect.provide(self, FakeBinance.layer({ accounts: [hmacAccount] }))

/** Status, Binance code (if any), parsed body and headers of a reply of the in-memory fake. */
const outcome = (url: string, headers: Record<string, string> = { "X-MBX-APIKEY": KEY }, method = "GET") =>
  Effect.map(
    Effect.flatMap(Effect.service(FakeBinance.FakeBinance), (fake) => fake.handle({ method, url, headers })),
    (response) => {
      if (response._tag !== "Reply") throw new Error(`expected a reply, got ${response._tag}`)
      const body = response.body.startsWith("{") ? JSON.parse(response.body) : response.body
      return { status: response.status, code: body?.code as number | undefined, body, headers: response.headers }
    }
  )

const LISTEN_KEY = "/fapi/v1/listenKey"

const request = (baseUrl: string, method: string, apiKey: string | undefined = KEY) =>
  Effect.promise(async () => {
    const response = await fetch(`${baseUrl}${LISTEN_KEY}`, {
      method,
      headers: apiKey === undefined ? {} : { "X-MBX-APIKEY": apiKey }
    })
    return {
      status: response.status,
      weight: response.headers.get("x-mbx-used-weight-1m"),
      body: await response.json() as { listenKey?: string; code?: number }
    }
  })

interface Seen {
  readonly socket: WebSocket
  readonly texts: Array<string>
  readonly closed: Promise<{ readonly code: number; readonly reason: string }>
}

/** Opens the stream for `key`; resolves once open, or rejects with the refused upgrade's status. */
const connect = (baseUrl: string, key: string) =>
  Effect.promise(() =>
    new Promise<Seen>((resolve, reject) => {
      const socket = new WebSocket(`${baseUrl.replace("http:", "ws:")}/pm-classic/ws/${key}`)
      const texts: Array<string> = []
      const closed = new Promise<{ code: number; reason: string }>((done) =>
        socket.on("close", (code, reason) => done({ code, reason: reason.toString() }))
      )
      socket.on("message", (data) => texts.push(String(data)))
      socket.on("open", () => resolve({ socket, texts, closed }))
      socket.on("unexpected-response", (_, response) => reject(new Error(`status ${response.statusCode}`)))
      socket.on("error", () => {})
    })
  )

const until = (check: () => boolean) =>
  Effect.promise(async () => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10))
    expect(check()).toBe(true)
  })

const FIGURES: FakeBinance.StreamAccountFigures = {
  uniMMR: "1.99999999",
  accountEquity: "30.23416728",
  actualEquity: "30.23416728",
  initialMargin: "20.6783833",
  maintenanceMargin: "15.11708371",
  availableBalance: "3.98972738",
  virtualMaxWithdrawUSD: "3.98972738"
}

describe("FakeBinance listenKey", () => {
  it.effect("POST, PUT and DELETE /fapi/v1/listenKey: API key only, weight 1, -1125 for a key that is gone", () =>
    Effect.gen(function*() {
      const created = yield* outcome(LISTEN_KEY, undefined, "POST")
      expect(created.status).toBe(200)
      expect(created.body.listenKey).toMatch(/^[0-9a-f]{64}$/)
      expect(created.headers["x-mbx-used-weight-1m"]).toBe("1")
      // A POST while the key is live returns it.
      expect((yield* outcome(LISTEN_KEY, undefined, "POST")).body.listenKey).toBe(created.body.listenKey)
      expect((yield* outcome(LISTEN_KEY, undefined, "PUT")).status).toBe(200)
      expect((yield* outcome(LISTEN_KEY, undefined, "DELETE")).body).toEqual({})
      const gone = yield* outcome(LISTEN_KEY, undefined, "PUT")
      expect([gone.status, gone.code]).toEqual([400, -1125])
      expect((yield* outcome(LISTEN_KEY, {}, "POST")).code).toBe(-2014)
      expect((yield* outcome(LISTEN_KEY, { "X-MBX-APIKEY": "unknown" }, "POST")).code).toBe(-2015)
      expect((yield* outcome(LISTEN_KEY, undefined, "GET")).status).toBe(405)
    }).pipe(withFake()))

  it.effect("bad stream figures are refused with the field", () =>
    Effect.gen(function*() {
      const fake = yield* Effect.service(FakeBinance.FakeBinance)
      const error = yield* Effect.flip(fake.setStreamAccount(KEY, { ...FIGURES, virtualMaxWithdrawUSD: "lots" }))
      expect(error.message).toContain("virtualMaxWithdrawUSD")
      expect((yield* Effect.flip(fake.setStreamAccount("nobody", FIGURES))).message).toContain("no account")
      expect((yield* Effect.flip(fake.pushStreamEvent(42))).message).toContain("frame")
    }).pipe(withFake()))
})

describe("FakeBinance.serve user-data stream", () => {
  it.live("serves /pm-classic/ws/<listenKey>: pushes, expiry, drops; refuses an unknown key", () =>
    Effect.scoped(Effect.gen(function*() {
      const { baseUrl, fake } = yield* FakeBinance.serve({ accounts: [hmacAccount] })
      const created = yield* request(baseUrl, "POST")
      expect([created.status, created.weight]).toEqual([200, "1"])
      const key = created.body.listenKey!

      const refused = yield* Effect.promise(() =>
        Effect.runPromise(connect(baseUrl, "0".repeat(64))).then(() => "open", (e: Error) => e.message)
      )
      expect(refused).toBe("status 400")

      const first = yield* connect(baseUrl, key)
      yield* until(() => Effect.runSync(fake.streamConnections) === 1)
      yield* fake.pushStreamEvent({ e: "RISK_LEVEL_CHANGE", E: 1, s: "MARGIN_CALL" })
      yield* fake.pushStreamEvent("not json")
      yield* until(() => first.texts.length === 2)
      expect(JSON.parse(first.texts[0]!)).toEqual({ e: "RISK_LEVEL_CHANGE", E: 1, s: "MARGIN_CALL" })
      expect(first.texts[1]).toBe("not json")

      yield* fake.expireListenKeys()
      const expired = yield* Effect.promise(() => first.closed)
      expect(expired).toEqual({ code: 1000, reason: "listenKey expired" })
      expect(JSON.parse(first.texts[2]!)).toMatchObject({ e: "listenKeyExpired", listenKey: key })
      expect((yield* request(baseUrl, "PUT")).body.code).toBe(-1125)

      const renewed = (yield* request(baseUrl, "POST")).body.listenKey!
      expect(renewed).not.toBe(key)
      const second = yield* connect(baseUrl, renewed)
      yield* until(() => Effect.runSync(fake.streamConnections) === 1)
      yield* fake.dropStream()
      // Cut without a close frame: the client sees 1006.
      expect((yield* Effect.promise(() => second.closed)).code).toBe(1006)
      yield* until(() => Effect.runSync(fake.streamConnections) === 0)
    })))

  it.live("pushes the account figures every 5 s once set", () =>
    Effect.scoped(Effect.gen(function*() {
      const { baseUrl, fake } = yield* FakeBinance.serve({ accounts: [hmacAccount] })
      const seen = yield* connect(baseUrl, (yield* request(baseUrl, "POST")).body.listenKey!)
      yield* fake.setStreamAccount(KEY, FIGURES)
      yield* Effect.promise(() => new Promise((r) => setTimeout(r, 5_300)))
      expect(seen.texts.map((t) => JSON.parse(t))).toEqual([
        expect.objectContaining({ e: "PM_PRO_ACCOUNT_UPDATE", u: "1.99999999", vmw: "3.98972738" })
      ])
    })), 10_000)

  it.live("closing the scope cuts every stream connection", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const { baseUrl } = yield* Scope.provide(FakeBinance.serve({ accounts: [hmacAccount] }), scope)
      const seen = yield* connect(baseUrl, (yield* request(baseUrl, "POST")).body.listenKey!)
      yield* Scope.close(scope, Exit.void)
      expect((yield* Effect.promise(() => seen.closed)).code).toBe(1006)
    }))
})
