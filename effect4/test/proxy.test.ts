/**
 * Proxies, over real HTTP on loopback (ported from the root's test/proxy.test.ts): a forward proxy
 * (test/utils/proxy.ts) between the client and the fake exchange, for an `http:` target (forwarded) and an
 * `https:` one (a CONNECT tunnel, TLS inside). The proxy's log proves that every request went through it, with
 * the credentials as Proxy-Authorization; no error, string or inspection of the client shows them.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Util from "node:util"
import { TLS_CERT, TLS_KEY } from "../../test/utils/tls.js"
import * as BinanceClock from "../src/BinanceClock.js"
import * as BinanceConfig from "../src/BinanceConfig.js"
import * as BinanceHttpClient from "../src/BinanceHttpClient.js"
import * as Credentials from "../src/Credentials.js"
import * as FakeBinance from "../src/FakeBinance.js"
import * as PlainOptions from "../src/internal/core/options.js"
import * as PortfolioMargin from "../src/PortfolioMargin.js"
import { createClient } from "../src/promise.js"
import * as RateLimit from "../src/RateLimit.js"
import { BTC, hmacAccount, KEY, PM, SECRET } from "./helpers.js"
import { serveProxy, serveTlsRelay } from "./utils/proxy.js"

const USER = "desk-user"
const PASSWORD = "pr0xy-p@ss-w0rd"
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`
const withCredentials = (url: string) => url.replace("http://", `http://${USER}:${encodeURIComponent(PASSWORD)}@`)

const leaks = (value: unknown): boolean => {
  const texts = [String(value), Util.inspect(value, { depth: 10, showHidden: true })]
  try {
    texts.push(JSON.stringify(value))
  } catch {
    // not serialisable: the other two forms are checked
  }
  return texts.some((text) =>
    text.includes(PASSWORD) || text.includes(encodeURIComponent(PASSWORD)) || text.includes(BASIC.slice(6))
  )
}

const layerThrough = (
  options: BinanceHttpClient.Options,
  baseUrl: string,
  config: BinanceConfig.Options = {},
  gate: Layer.Layer<never> = RateLimit.layer
) =>
  Layer.mergeAll(
    BinanceHttpClient.layer(options),
    Credentials.layerHmac({ apiKey: KEY, secretKey: SECRET }),
    BinanceConfig.layer({ baseUrl, ...config }),
    BinanceClock.layer,
    gate
  )

describe("proxy", () => {
  it.live("http: target: the Promise client's requests are forwarded by the proxy, with Proxy-Authorization", () =>
    Effect.gen(function*() {
      const { baseUrl, fake } = yield* FakeBinance.serve({ accounts: [hmacAccount] })
      const proxy = yield* serveProxy({ authorization: BASIC })
      const client = createClient({ apiKey: KEY, secretKey: SECRET, baseUrl, proxy: withCredentials(proxy.url) })
      yield* Effect.addFinalizer(() => Effect.promise(() => client.close()))
      const result = yield* Effect.promise(() => client.pmAccountInfoResult({ asset: "BTC" }))
      expect(result).toEqual({ info: { asset: "BTC", ...BTC }, usedWeight: 5, attempts: 1 })
      expect(proxy.seen).toHaveLength(1)
      expect(proxy.seen[0]!.method).toBe("GET")
      expect(proxy.seen[0]!.target.startsWith(`${baseUrl}${PM}?asset=BTC&`)).toBe(true)
      expect(proxy.seen[0]!.authorization).toBe(BASIC)
      expect(yield* fake.requestCount).toBe(1)
      // Its budget is the proxy's: it leaves from the proxy's IP.
      const gate = yield* RateLimit.RateLimit
      expect((yield* gate.snapshot(`proxy 127.0.0.1:${proxy.port} ${baseUrl}`)).usedWeight).toBe(5)
      expect(leaks(client)).toBe(false)
    }))

  it.live("https: target: a CONNECT tunnel through the proxy, TLS end to end (Effect API)", () =>
    Effect.gen(function*() {
      const { fake, baseUrl: upstream } = yield* FakeBinance.serve({ accounts: [hmacAccount] })
      const { baseUrl } = yield* serveTlsRelay(upstream, { cert: TLS_CERT, key: TLS_KEY })
      const proxy = yield* serveProxy({ authorization: BASIC })
      const layer = layerThrough(
        { proxy: Redacted.make(withCredentials(proxy.url)), agentOptions: { ca: TLS_CERT } },
        baseUrl
      )
      const first = yield* PortfolioMargin.pmAccountInfoResult({ asset: "BTC" }).pipe(Effect.provide(layer))
      expect(first.response).toEqual({ asset: "BTC", ...BTC })
      expect(proxy.seen).toEqual([{
        method: "CONNECT",
        target: baseUrl.slice("https://".length),
        authorization: BASIC
      }])
      expect(yield* fake.requestCount).toBe(1)
    }))

  it.live("the Effect API's budget through a proxy is the proxy's, unless BinanceConfig.egress names one", () =>
    Effect.gen(function*() {
      const { baseUrl } = yield* FakeBinance.serve({ accounts: [hmacAccount] })
      const proxy = yield* serveProxy()
      const gate = RateLimit.makeUnsafe()
      const run = (config: BinanceConfig.Options) =>
        PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(
          Effect.provide(layerThrough({ proxy: proxy.url }, baseUrl, config, Layer.succeed(RateLimit.RateLimit, gate)))
        )
      yield* run({})
      yield* run({ egress: "desk-nat" })
      expect((yield* gate.snapshot(`proxy 127.0.0.1:${proxy.port} ${baseUrl}`)).usedWeight).toBe(5)
      // Its own budget, which learned the weight Binance (the fake: one IP) reported for both requests.
      expect((yield* gate.snapshot(`desk-nat ${baseUrl}`)).usedWeight).toBe(10)
      expect((yield* gate.snapshot(baseUrl)).usedWeight).toBe(0)
      expect(proxy.seen).toHaveLength(2)
    }))

  it.live("wrong proxy credentials: a typed error that never shows them, for both target schemes", () =>
    Effect.gen(function*() {
      const { baseUrl: httpBase } = yield* FakeBinance.serve({ accounts: [hmacAccount] })
      const { baseUrl: httpsBase } = yield* serveTlsRelay(httpBase, { cert: TLS_CERT, key: TLS_KEY })
      const proxy = yield* serveProxy({ authorization: "Basic something-else" })
      for (const baseUrl of [httpBase, httpsBase]) {
        const error = yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(
          Effect.provide(
            layerThrough({ proxy: withCredentials(proxy.url), agentOptions: { ca: TLS_CERT } }, baseUrl, {
              maxRetries: 0
            })
          ),
          Effect.flip
        )
        expect(error._tag).toBe(baseUrl === httpBase ? "BinanceApiError" : "TransportError")
        expect(leaks(error)).toBe(false)
        expect(error.message).not.toContain(USER + ":")
      }
      expect(proxy.seen.map((s) => s.authorization)).toEqual([BASIC, BASIC])
    }))

  it.live("an unreachable proxy is a TransportError naming its host and port only", () =>
    Effect.gen(function*() {
      const proxy = yield* serveProxy()
      const dead = withCredentials(proxy.url)
      yield* Effect.promise(() => new Promise<void>((resolve) => proxy.server.close(() => resolve())))
      for (const baseUrl of ["http://127.0.0.1:1", "https://127.0.0.1:1"]) {
        const error = yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(
          Effect.provide(layerThrough({ proxy: dead }, baseUrl, { maxRetries: 0 })),
          Effect.flip
        )
        expect(error._tag).toBe("TransportError")
        expect(leaks(error)).toBe(false)
      }
    }))

  it.effect("an invalid proxy URL is refused without quoting it", () =>
    Effect.gen(function*() {
      const attempt = () =>
        createClient({ apiKey: KEY, secretKey: SECRET, proxy: `socks5://${USER}:${encodeURIComponent(PASSWORD)}@h:1` })
      expect(attempt).toThrow(expect.objectContaining({ _tag: "InvalidConfiguration", field: "proxy" }))
      try {
        attempt()
      } catch (error) {
        expect(leaks(error)).toBe(false)
      }
      expect(() => createClient({ apiKey: KEY, secretKey: SECRET, proxy: 42 as never })).toThrow(
        expect.objectContaining({ _tag: "InvalidConfiguration", field: "proxy" })
      )
      const layerError = yield* Effect.flip(Layer.build(BinanceHttpClient.layer({ proxy: "http://user:pw@:nope" })))
      expect(layerError._tag).toBe("InvalidConfiguration")
      expect(String(layerError)).not.toContain("pw")
      const checked = BinanceHttpClient.validateProxy(Redacted.make(withCredentials("http://127.0.0.1:3128")))
      expect(Result.isSuccess(checked) && checked.success.host).toBe("127.0.0.1:3128")
      expect(leaks(checked)).toBe(false)
    }))

  it("NO_PROXY rules (core)", () => {
    expect(PlainOptions.bypassesProxy("localhost,.internal", "api.internal", "443")).toBe(true)
    expect(PlainOptions.bypassesProxy("localhost,.internal", "internal", "443")).toBe(true)
    expect(PlainOptions.bypassesProxy("binance.com:8443", "fapi.binance.com", "443")).toBe(false)
    expect(PlainOptions.bypassesProxy("binance.com", "fapi.binance.com", "443")).toBe(true)
    expect(PlainOptions.bypassesProxy("*", "fapi.binance.com", "443")).toBe(true)
    expect(PlainOptions.bypassesProxy("", "fapi.binance.com", "443")).toBe(false)
    expect(PlainOptions.bypassesProxy("notbinance.com", "fapi.binance.com", "443")).toBe(false)
  })
})
