/**
 * Proxies, over real HTTP on loopback: a forward proxy (test/utils/proxy.ts) between the client and the fake
 * exchange, for an `http:` target (forwarded) and an `https:` one (a CONNECT tunnel, TLS inside). The proxy's
 * log proves that every request went through it, with the credentials as Proxy-Authorization; no error, string
 * or inspection of the client shows them.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Util from "node:util"
import { exported } from "../scripts/editions.js"
import * as BinanceHttpClient from "../src/BinanceHttpClient.js"
import * as FakeBinance from "../src/FakeBinance.js"
import { BinanceClock, BinanceConfig, Credentials, PortfolioMargin, RateLimit } from "../src/index.js"
import * as PlainOptions from "../src/internal/core/options.js"
import { createClient } from "../src/promise.js"
import { BTC, hmacAccount, KEY, PM, SECRET } from "./FakeBinance.helpers.js"
import { byName, type Edition } from "./utils/editions.js"
import { serveProxy, serveTlsRelay } from "./utils/proxy.js"
import { TLS_CERT, TLS_KEY } from "./utils/tls.js"

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

describe("proxy", () => {
  it.scopedLive("http: target: the Promise client's requests are forwarded by the proxy, with Proxy-Authorization", () =>
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
      expect(
        (yield* Effect.flatMap(
          RateLimit.RateLimit,
          (gate) => gate.snapshot(`proxy 127.0.0.1:${proxy.port} ${baseUrl}`)
        )).usedWeight
      ).toBe(5)
      expect(leaks(client)).toBe(false)
    }))

  it.scopedLive("https: target: a CONNECT tunnel through the proxy, TLS end to end (Effect API)", () =>
    Effect.gen(function*() {
      const { fake, baseUrl: upstream } = yield* FakeBinance.serve({ accounts: [hmacAccount] })
      const { baseUrl } = yield* serveTlsRelay(upstream, { cert: TLS_CERT, key: TLS_KEY })
      const proxy = yield* serveProxy({ authorization: BASIC })
      const layer = Layer.mergeAll(
        BinanceHttpClient.layer({ proxy: Redacted.make(withCredentials(proxy.url)), agentOptions: { ca: TLS_CERT } }),
        Credentials.layerHmac({ apiKey: KEY, secretKey: SECRET }),
        BinanceConfig.layer({ baseUrl }),
        BinanceClock.layer,
        RateLimit.layer
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

  it.scopedLive("wrong proxy credentials: a typed error that never shows them, for both target schemes", () =>
    Effect.gen(function*() {
      const { baseUrl: httpBase } = yield* FakeBinance.serve({ accounts: [hmacAccount] })
      const { baseUrl: httpsBase } = yield* serveTlsRelay(httpBase, { cert: TLS_CERT, key: TLS_KEY })
      const proxy = yield* serveProxy({ authorization: "Basic something-else" })
      for (const baseUrl of [httpBase, httpsBase]) {
        const error = yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(
          Effect.provide(Layer.mergeAll(
            BinanceHttpClient.layer({ proxy: withCredentials(proxy.url), agentOptions: { ca: TLS_CERT } }),
            Credentials.layerHmac({ apiKey: KEY, secretKey: SECRET }),
            BinanceConfig.layer({ baseUrl, maxRetries: 0 }),
            BinanceClock.layer,
            RateLimit.layer
          )),
          Effect.flip
        )
        expect(error._tag).toBe(baseUrl === httpBase ? "BinanceApiError" : "TransportError")
        expect(leaks(error)).toBe(false)
        expect(error.message).not.toContain(USER + ":")
      }
      expect(proxy.seen.map((s) => s.authorization)).toEqual([BASIC, BASIC])
    }))

  it("an invalid proxy URL is refused without quoting it", () => {
    const attempt = () =>
      createClient({ apiKey: KEY, secretKey: SECRET, proxy: `socks5://${USER}:${encodeURIComponent(PASSWORD)}@h:1` })
    expect(attempt).toThrow(expect.objectContaining({ _tag: "InvalidConfiguration", field: "proxy" }))
    try {
      attempt()
    } catch (error) {
      expect(leaks(error)).toBe(false)
    }
    const layerError = Effect.runSync(
      Effect.flip(Layer.build(BinanceHttpClient.layer({ proxy: "http://user:pw@:nope" })).pipe(Effect.scoped))
    )
    expect(layerError._tag).toBe("InvalidConfiguration")
    expect(String(layerError)).not.toContain("pw")
  })

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

interface ChildOutcome {
  readonly result?: unknown
  readonly tag?: string
  readonly texts?: ReadonlyArray<string>
  /** The child's whole output, both streams. */
  readonly output: string
}

/** One call of `edition`'s packed Promise API, in a child that trusts the specs' certificate (test/utils/tls.ts). */
const callInChild = (edition: Edition, options: Record<string, unknown>) =>
  Effect.gen(function*() {
    const dir = yield* Effect.acquireRelease(
      Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "proxy-ca-"))),
      (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
    )
    const ca = Path.join(dir, "ca.pem")
    Fs.writeFileSync(ca, TLS_CERT)
    const entry = exported(edition.folder, "effect-binance-pm", "./promise")
    const child = new URL("./utils/promiseCall.mjs", import.meta.url).pathname
    // Asynchronous: the fake, the relay and the proxy answer from this process's event loop.
    const { stderr, stdout } = yield* Effect.promise(() =>
      Util.promisify(ChildProcess.execFile)(process.execPath, [child, entry, JSON.stringify(options)], {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: ca },
        timeout: 60_000
      })
    )
    return { ...JSON.parse(stdout), output: stdout + stderr } as ChildOutcome
  })

describe.each(byName)("proxy, Promise API of the %s, https: target", (_name, edition: Edition) => {
  it.scopedLive("createClient({ proxy }): a CONNECT tunnel with Proxy-Authorization, TLS end to end", () =>
    Effect.gen(function*() {
      const { fake, baseUrl: upstream } = yield* FakeBinance.serve({ accounts: [hmacAccount] })
      const { baseUrl } = yield* serveTlsRelay(upstream, { cert: TLS_CERT, key: TLS_KEY })
      const proxy = yield* serveProxy({ authorization: BASIC })
      const outcome = yield* callInChild(edition, {
        apiKey: KEY,
        secretKey: SECRET,
        baseUrl,
        proxy: withCredentials(proxy.url)
      })
      expect(outcome.result).toEqual({ asset: "BTC", ...BTC })
      // The one request went through the tunnel: the proxy saw only the CONNECT, the fake only the request.
      expect(proxy.seen).toEqual([{
        method: "CONNECT",
        target: baseUrl.slice("https://".length),
        authorization: BASIC
      }])
      expect(yield* fake.requestCount).toBe(1)
      expect(leaks(outcome.output)).toBe(false)
    }))

  it.scopedLive("wrong proxy credentials: a TransportError that never shows them", () =>
    Effect.gen(function*() {
      const { fake, baseUrl: upstream } = yield* FakeBinance.serve({ accounts: [hmacAccount] })
      const { baseUrl } = yield* serveTlsRelay(upstream, { cert: TLS_CERT, key: TLS_KEY })
      const proxy = yield* serveProxy({ authorization: "Basic something-else" })
      const outcome = yield* callInChild(edition, {
        apiKey: KEY,
        secretKey: SECRET,
        baseUrl,
        maxRetries: 0,
        proxy: withCredentials(proxy.url)
      })
      expect(outcome.tag).toBe("TransportError")
      expect(outcome.texts!.length).toBeGreaterThanOrEqual(4)
      for (const text of [...outcome.texts!, outcome.output]) {
        expect(leaks(text)).toBe(false)
        expect(text).not.toContain(`${USER}:`)
      }
      expect(proxy.seen.map((s) => [s.method, s.authorization])).toEqual([["CONNECT", BASIC]])
      expect(yield* fake.requestCount).toBe(0)
    }))
})
