// The watcher's stream through the client's proxy (Effect 3 edition): the shared credentials, refusing proxy,
// expectations and Promise API case (test/cases/watchProxy.ts) against this edition's served fake and watcher.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Queue from "effect/Queue"
import * as Redacted from "effect/Redacted"
import * as BinanceHttpClient from "../src/BinanceHttpClient.js"
import * as FakeBinance from "../src/FakeBinance.js"
import { BinanceClock, BinanceConfig, Credentials, RateLimit } from "../src/index.js"
import { createClient } from "../src/promise.js"
import * as Watch from "../src/Watch.js"
import {
  BASIC,
  forwardedReads,
  leaks,
  oneTunnel,
  promiseWatch,
  promiseWatchExpected,
  refusedReason,
  refuseTunnels,
  tunnels,
  withCredentials,
  wsUrl
} from "./cases/watchProxy.js"
import { BTC, hmacAccount, KEY, SECRET } from "./FakeBinance.helpers.js"
import * as Loopback from "./utils/loopback.js"
import { serveProxy } from "./utils/proxy.js"
import { TLS_CERT, TLS_KEY } from "./utils/tls.js"

const next = <T extends Watch.WatchEvent["type"]>(events: Queue.Dequeue<Watch.WatchEvent>, type: T) =>
  Effect.gen(function*() {
    for (;;) {
      const event = yield* Queue.take(events)
      if (event.type === type) return event as Extract<Watch.WatchEvent, { type: T }>
    }
  }).pipe(Effect.timeoutFail({ duration: "5 seconds", onTimeout: () => new Error(`no ${type} event within 5 s`) }))

const until = (check: Effect.Effect<boolean>) =>
  Effect.gen(function*() {
    for (let i = 0; i < 200 && !(yield* check); i++) yield* Effect.sleep("10 millis")
    expect(yield* check).toBe(true)
  })

const layerFor = (baseUrl: string, proxy: string, options: BinanceHttpClient.Options = {}) =>
  Layer.mergeAll(
    BinanceHttpClient.layer({ ...options, proxy: Redacted.make(proxy) }),
    Credentials.layerHmac({ apiKey: KEY, secretKey: SECRET }),
    Layer.effect(BinanceClock.BinanceClock, BinanceClock.make),
    RateLimit.layer,
    BinanceConfig.layer({ baseUrl })
  )

/** A `wss:` origin in front of the fake's stream, for the scope of the spec. */
const serveTlsTerminator = (port: number) =>
  Effect.acquireRelease(
    Effect.promise(() => Loopback.startTlsTerminator(port, { cert: TLS_CERT, key: TLS_KEY })),
    (served) => Effect.promise(served.close)
  )

describe("Watch through a proxy", () => {
  it.scopedLive(
    "ws: the stream comes up through the client's proxy, a CONNECT with its credentials",
    () =>
      Effect.gen(function*() {
        const { baseUrl, fake } = yield* FakeBinance.serve({ accounts: [{ ...hmacAccount, assets: { BTC } }] })
        const proxy = yield* serveProxy({ authorization: BASIC })
        yield* Effect.gen(function*() {
          const watcher = yield* Watch.make({ assets: ["BTC"], wsBaseUrl: wsUrl(baseUrl) })
          const events = yield* watcher.subscribe
          expect(yield* next(events, "stream")).toEqual({ type: "stream", state: "up" })
          expect(yield* fake.streamConnections).toBe(1)
          expect(tunnels(proxy.seen)).toEqual(oneTunnel(new URL(baseUrl).host, BASIC))
          // The reads went through the same proxy.
          expect(forwardedReads(proxy.seen, baseUrl)).toBe(true)
          yield* fake.pushStreamEvent({ e: "RISK_LEVEL_CHANGE", E: Date.now(), s: "REDUCE_ONLY" })
          expect(yield* next(events, "risk")).toMatchObject({ type: "risk", level: "REDUCE_ONLY" })
        }).pipe(Effect.scoped, Effect.provide(layerFor(baseUrl, withCredentials(proxy.url))))
      }),
    20_000
  )

  it.scopedLive(
    "wss: a CONNECT tunnel, TLS inside with the client's agent options (its ca)",
    () =>
      Effect.gen(function*() {
        const { baseUrl, fake } = yield* FakeBinance.serve({ accounts: [{ ...hmacAccount, assets: { BTC } }] })
        const tls = yield* serveTlsTerminator(Number(new URL(baseUrl).port))
        const proxy = yield* serveProxy()
        yield* Effect.gen(function*() {
          const watcher = yield* Watch.make({ assets: ["BTC"], wsBaseUrl: `wss://127.0.0.1:${tls.port}` })
          const events = yield* watcher.subscribe
          expect(yield* next(events, "stream")).toEqual({ type: "stream", state: "up" })
          expect(yield* fake.streamConnections).toBe(1)
          expect(tunnels(proxy.seen)).toEqual(oneTunnel(`127.0.0.1:${tls.port}`, undefined))
        }).pipe(Effect.scoped, Effect.provide(layerFor(baseUrl, proxy.url, { agentOptions: { ca: TLS_CERT } })))
        // Closed: the stream's connection is gone at the fake's end, and with it the tunnel.
        yield* until(Effect.map(fake.streamConnections, (n) => n === 0))
      }),
    20_000
  )

  it.scopedLive(
    "a proxy that refuses the tunnel: stream down, reads still served, no credentials anywhere",
    () =>
      Effect.gen(function*() {
        const { baseUrl, fake } = yield* FakeBinance.serve({ accounts: [{ ...hmacAccount, assets: { BTC } }] })
        const proxy = yield* serveProxy({ authorization: BASIC })
        refuseTunnels(proxy.server)
        yield* Effect.gen(function*() {
          const watcher = yield* Watch.make({ assets: ["BTC"], wsBaseUrl: wsUrl(baseUrl) })
          const events = yield* watcher.subscribe
          const down = yield* next(events, "stream")
          expect(down).toMatchObject({ type: "stream", state: "down" })
          expect(down.reason).toContain(refusedReason(proxy.port, baseUrl))
          expect(leaks(down)).toBe(false)
          // The reads went through the proxy all the same.
          expect(yield* watcher.fresh("BTC")).toMatchObject({ asset: "BTC", ...BTC })
          expect(yield* fake.streamConnections).toBe(0)
          expect(leaks(yield* watcher.snapshot.get)).toBe(false)
        }).pipe(Effect.scoped, Effect.provide(layerFor(baseUrl, withCredentials(proxy.url))))
      }),
    20_000
  )

  it.scopedLive(
    "createClient({ proxy }).watch: the stream goes through the client's proxy",
    () =>
      Effect.gen(function*() {
        const { baseUrl } = yield* FakeBinance.serve({ accounts: [{ ...hmacAccount, assets: { BTC } }] })
        const proxy = yield* serveProxy({ authorization: BASIC })
        expect(
          yield* Effect.promise(() => promiseWatch(createClient, { apiKey: KEY, secretKey: SECRET }, baseUrl, proxy))
        ).toEqual(promiseWatchExpected(baseUrl))
      }),
    20_000
  )
})
