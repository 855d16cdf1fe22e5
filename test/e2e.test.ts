// End to end over real loopback HTTP: the library, a real HttpClient (fetch or undici) and FakeBinance.serve. The
// library is the packed Effect 3 tarball (test/utils/editions.ts), as a user installs it; this file's own Effect
// is the repo's, the same version (Effect 3 shares its runtime state between copies of one version).
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as Net from "node:net"
import { exported } from "../scripts/editions.js"
import type * as FakeBinanceTypes from "../src/FakeBinance.js"
import type * as Library from "../src/index.js"
import type { BinanceError, Credentials } from "../src/index.js"
import type * as Testing from "../src/testing.js"
import { editions } from "./utils/editions.js"
import { API_KEY, HMAC_SECRET } from "./utils/keys.js"

const { folder } = editions.find((edition) => edition.edition === 3)!
const { BinanceClock, BinanceConfig, Credentials: Keys, PortfolioMargin, RateLimit }: typeof Library = await import(
  exported(folder, "effect-binance-pm")
)
const { FakeBinance }: typeof Testing = await import(exported(folder, "effect-binance-pm", "./testing"))
const hmacCredentials = Keys.layerHmac({ apiKey: API_KEY, secretKey: HMAC_SECRET })

const Fault = FakeBinance.Fault
const PM = "/fapi/v1/pmAccountInfo"
const BTC = { maxWithdrawAmount: "27.43689636", maxWithdrawAmountUSD: "1627523.32459208" }
const account: FakeBinanceTypes.Account = { apiKey: API_KEY, hmacSecret: HMAC_SECRET, assets: { BTC } }

interface Served {
  readonly baseUrl: string
  readonly fake: FakeBinanceTypes.Service
  readonly clock: Library.BinanceClock.Service
}

type Env = HttpClient.HttpClient | Library.BinanceClock.BinanceClock | Credentials.Credentials

const call = (asset = "BTC") => PortfolioMargin.pmAccountInfoResult({ asset })

const elapsed = <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const start = yield* Clock.currentTimeMillis
    const result = yield* self
    return [result, (yield* Clock.currentTimeMillis) - start] as const
  })

/** Polls until the fake has logged `count` requests (it logs before a delayed answer). */
const awaitRequests = (fake: FakeBinanceTypes.Service, count: number) =>
  fake.requestCount.pipe(
    Effect.repeat({ until: (n) => n >= count, schedule: Schedule.spaced("5 millis") }),
    Effect.timeoutFail({ duration: "20 seconds", onTimeout: () => new Error(`the fake never saw ${count} requests`) })
  )

/**
 * A TCP relay in front of the fake, so a test can see the client side of a connection close. Resolves
 * `closed` when any client connection ends.
 */
const relay = (target: string) =>
  Effect.gen(function*() {
    const closed = yield* Deferred.make<void>()
    const { port } = new URL(target)
    const sockets = new Set<Net.Socket>()
    const server = Net.createServer((client) => {
      const upstream = Net.connect(Number(port), "127.0.0.1")
      sockets.add(client).add(upstream)
      client.pipe(upstream).pipe(client)
      client.on("error", () => {})
      upstream.on("error", () => {})
      client.on("close", () => {
        Deferred.unsafeDone(closed, Effect.void)
        upstream.destroy()
      })
      upstream.on("close", () => client.destroy())
    })
    const address = yield* Effect.acquireRelease(
      Effect.async<Net.AddressInfo>((resume) => {
        server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server.address() as Net.AddressInfo)))
      }),
      () =>
        Effect.async<void>((resume) => {
          for (const socket of sockets) socket.destroy()
          server.close(() => resume(Effect.void))
        })
    )
    return { baseUrl: `http://127.0.0.1:${address.port}`, closed }
  })

const transports: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["FetchHttpClient.layer", FetchHttpClient.layer],
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici]
]

for (const [transportName, transport] of transports) {
  /**
   * Serves a fresh fake and runs `body` with everything pmAccountInfo needs pointed at it: this transport,
   * HMAC credentials, a fresh clock and gate, and fast retries (20 ms apart) unless `options` say otherwise.
   */
  const withServer = <A, E>(
    body: (served: Served) => Effect.Effect<A, E, Env | Scope.Scope>,
    options: Library.BinanceConfig.Options = {},
    fakeOptions: FakeBinanceTypes.Options = {}
  ) =>
    Effect.scoped(Effect.gen(function*() {
      const { baseUrl, fake } = yield* FakeBinance.serve({ accounts: [account], ...fakeOptions })
      const clock = yield* BinanceClock.make
      const config = BinanceConfig.layer({ baseUrl, retrySchedule: Schedule.spaced("20 millis"), ...options })
      return yield* body({ baseUrl, fake, clock }).pipe(
        Effect.provide(Layer.mergeAll(
          transport,
          hmacCredentials,
          Layer.succeed(BinanceClock.BinanceClock, clock),
          RateLimit.layer,
          config
        ))
      )
    }))

  describe(`end to end over loopback HTTP with ${transportName}`, () => {
    it.live("reads the account: one signed request, accepted, decoded with the used weight", () =>
      withServer(({ fake }) =>
        Effect.gen(function*() {
          const result = yield* call()
          expect(result.response).toEqual({ asset: "BTC", ...BTC })
          expect(result.usedWeight).toBe(5)
          expect(result.attempts).toBe(1)
          const [entry] = yield* fake.requests
          expect(entry).toMatchObject({ method: "GET", path: PM, status: 200, verdict: "ok" })
          expect(entry!.query).toMatch(/^asset=BTC&recvWindow=5000&timestamp=\d+&signature=<redacted>$/)
          expect(entry!.headers["user-agent"]).toMatch(/^effect-binance-pm\//)
        })
      ))

    it.live("retries a JSON 503 and an HTML 502, then answers", () =>
      withServer(({ fake }) =>
        Effect.gen(function*() {
          yield* fake.enqueueFault(Fault.serviceUnavailable("unavailable"), { path: PM })
          yield* fake.enqueueFault(Fault.html502, { path: PM })
          const result = yield* call()
          expect(result.response.maxWithdrawAmount).toBe(BTC.maxWithdrawAmount)
          expect(result.attempts).toBe(3)
          const log = yield* fake.requests
          expect(log.map((e) => [e.status, e.verdict])).toEqual([
            [503, "fault:serviceUnavailable"],
            [502, "fault:html502"],
            [200, "ok"]
          ])
          // Every attempt is stamped and signed afresh.
          expect(new Set(log.map((e) => e.query)).size).toBe(3)
        })
      ))

    it.live("a 429 with Retry-After: waits that long (the fake bans early comers), then answers", () =>
      withServer(({ fake }) =>
        Effect.gen(function*() {
          yield* fake.enqueueFault(Fault.rateLimited(1), { path: PM })
          const [result, ms] = yield* elapsed(call())
          expect(result.attempts).toBe(2)
          expect(ms).toBeGreaterThanOrEqual(1000)
          // Retry-After, not a minute's window or the 2-minute default ban (generous for a loaded 2-core machine)
          expect(ms).toBeLessThan(15_000)
          const log = yield* fake.requests
          expect(log.map((e) => e.status)).toEqual([429, 200])
          expect(log[1]!.time - log[0]!.time).toBeGreaterThanOrEqual(1000)
        })
      ))

    it.live("a 418 ban fails fast, and the next call sends nothing while the ban runs", () =>
      withServer(({ fake }) =>
        Effect.gen(function*() {
          const until = Date.now() + 120_000
          yield* fake.enqueueFault(
            Fault.respond({
              status: 418,
              body: { code: -1003, msg: `Way too many requests; IP(127.0.0.1) banned until ${until}.` },
              headers: { "retry-after": "120" }
            }),
            { path: PM }
          )
          const first = yield* Effect.flip(call())
          expect(first).toMatchObject({ _tag: "IpBanned", status: 418, code: -1003, retryAfterMs: 120_000 })
          const [second, ms] = yield* elapsed(Effect.flip(call()))
          expect(second._tag).toBe("IpBanned")
          expect((second as BinanceError.IpBanned).msg).toBe("IP ban in force; no request sent")
          // at once, not after the 120 s ban (nothing was sent: the request count below)
          expect(ms).toBeLessThan(10_000)
          expect(yield* fake.requestCount).toBe(1)
        })
      ))

    it.live("-1021 against a skewed server: re-syncs once, and the learned offset serves the next call", () =>
      withServer(({ clock, fake }) =>
        Effect.gen(function*() {
          yield* call()
          yield* fake.setServerSkew(30_000)
          const healed = yield* call()
          expect(healed.attempts).toBe(2)
          const offset = yield* clock.offset
          // half a loopback round trip of error at most; 30 s learned, not 0 (generous for a loaded machine)
          expect(Math.abs(offset - 30_000)).toBeLessThan(5_000)
          const next = yield* call()
          expect(next.attempts).toBe(1)
          expect((yield* fake.requests).map((e) => `${e.path} ${e.verdict}`)).toEqual([
            `${PM} ok`,
            `${PM} -1021 timestamp-behind`,
            "/fapi/v1/time ok",
            `${PM} ok`,
            `${PM} ok`
          ])
        })
      ))

    it.live("a slow answer times out the attempt; the retry gets through", () =>
      withServer(({ fake }) =>
        Effect.gen(function*() {
          // the server holds the first attempt for a minute: only the timeout and a retry get an answer sooner
          yield* fake.enqueueFault(Fault.delay("60 seconds"), { path: PM })
          const [result, ms] = yield* elapsed(call())
          expect(result.attempts).toBe(2)
          expect(ms).toBeGreaterThanOrEqual(1000)
          expect(ms).toBeLessThan(20_000)
        }), { timeout: "1 second" }))

    it.live("every attempt too slow: Timeout, promptly", () =>
      withServer(({ fake }) =>
        Effect.gen(function*() {
          yield* fake.enqueueFault(Fault.delay("60 seconds"), { path: PM, count: 2 })
          const [error, ms] = yield* elapsed(Effect.flip(call()))
          expect(error).toMatchObject({ _tag: "Timeout", timeoutMs: 1000 })
          // two timeouts and a backoff, well before the minute the server holds each attempt
          expect(ms).toBeGreaterThanOrEqual(2000)
          expect(ms).toBeLessThan(20_000)
          expect(yield* fake.requestCount).toBe(2)
        }), { timeout: "1 second", maxRetries: 1 }))

    it.live("a connection reset is a TransportError without the signed URL; retried, it heals", () =>
      withServer(({ baseUrl, fake }) =>
        Effect.gen(function*() {
          yield* fake.enqueueFault(Fault.reset, { path: PM })
          const error = yield* Effect.flip(call().pipe(Effect.provide(BinanceConfig.layer({ baseUrl, maxRetries: 0 }))))
          expect(error._tag).toBe("TransportError")
          expect(error.message).not.toMatch(/signature|timestamp=|127\.0\.0\.1/)
          expect(JSON.stringify(error)).not.toContain(HMAC_SECRET)
          yield* fake.enqueueFault(Fault.reset, { path: PM })
          expect((yield* call()).attempts).toBe(2)
          expect((yield* fake.requests).map((e) => e.verdict)).toEqual(["fault:reset", "fault:reset", "ok"])
        })
      ))

    it.live("a body cut off half-way is a TransportError; retried, it heals", () =>
      withServer(({ baseUrl, fake }) =>
        Effect.gen(function*() {
          yield* fake.enqueueFault(Fault.truncate, { path: PM })
          const error = yield* Effect.flip(call().pipe(Effect.provide(BinanceConfig.layer({ baseUrl, maxRetries: 0 }))))
          expect(error._tag).toBe("TransportError")
          yield* fake.enqueueFault(Fault.truncate, { path: PM })
          const result = yield* call()
          expect(result.attempts).toBe(2)
          expect(result.response).toEqual({ asset: "BTC", ...BTC })
        })
      ))

    it.live("interrupting a call in flight returns promptly and closes its connection", () =>
      withServer(({ baseUrl, fake }) =>
        Effect.gen(function*() {
          const front = yield* relay(baseUrl)
          yield* fake.enqueueFault(Fault.delay("60 seconds"), { path: PM })
          const fiber = yield* Effect.fork(call().pipe(Effect.provide(BinanceConfig.layer({ baseUrl: front.baseUrl }))))
          yield* awaitRequests(fake, 1)
          const [, ms] = yield* elapsed(Fiber.interrupt(fiber))
          // well before the minute the server holds the request
          expect(ms).toBeLessThan(10_000)
          // The client hung up: the relay sees its side of the connection close.
          yield* Deferred.await(front.closed).pipe(Effect.timeoutFail({
            duration: "10 seconds",
            onTimeout: () => new Error("the client kept the connection open")
          }))
          expect(yield* fake.requestCount).toBe(1)
        })
      ))
  })
}
