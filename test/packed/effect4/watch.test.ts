// The Effect 4 edition's watcher (`Watch.make` of the main entry) from its packed tarball, against the tarball's
// FakeBinance.serve over real loopback HTTP and WebSocket. Node 20 has no global WebSocket: the stream's socket is
// the consumer's `ws`. Runs on Effect 4 and vitest 5 (./vitest.config.mjs: `npm run test:packed4`). The Promise
// API's watcher of both tarballs, and the 0.x `Watch.make`, are test/e2e.watch.test.ts.
import type * as Library from "effect-binance-pm"
import type * as Testing from "effect-binance-pm/testing"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as PubSub from "effect/PubSub"
import * as Stream from "effect/Stream"
import { describe, expect, it } from "vitest"

const library: typeof Library = await import("effect-binance-pm")
const { BinanceClock, BinanceConfig, BinanceHttpClient, BinanceMetrics, Credentials, RateLimit, Watch } = library
const { FakeBinance }: typeof Testing = await import("effect-binance-pm/testing")

const KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
const SECRET = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9"
const LISTEN_KEY = "/fapi/v1/listenKey"
const BTC = { maxWithdrawAmount: "27.43689636", maxWithdrawAmountUSD: "1627523.32459208" }
const FIGURES = {
  uniMMR: "5.167",
  accountEquity: "122607.35",
  actualEquity: "73.47",
  initialMargin: "23.72",
  maintenanceMargin: "23.72",
  availableBalance: "103.12",
  virtualMaxWithdrawUSD: "1627523.32"
}

type Event = Library.Watch.WatchEvent

const next = <T extends Event["type"]>(events: PubSub.Subscription<Event>, type: T) =>
  PubSub.take(events).pipe(
    Effect.repeat({ until: (event) => event.type === type }),
    Effect.map((event) => event as Extract<Event, { type: T }>),
    // The fake's account update comes 5 s after the connection opens.
    Effect.timeoutOrElse({ duration: "10 seconds", orElse: () => Effect.fail(new Error(`no ${type} event in 10 s`)) })
  )

const until = (check: Effect.Effect<boolean>) =>
  Effect.gen(function*() {
    for (let i = 0; i < 500 && !(yield* check); i++) yield* Effect.sleep("10 millis")
    return yield* check
  })

/** A served fake and everything a watcher needs pointed at it; the HTTP client is the library's node:http one. */
const withServer = <A, E>(
  body: (served: { readonly fake: Testing.FakeBinance.Service; readonly wsBaseUrl: string }) => Effect.Effect<
    A,
    E,
    Library.Watch.Requirements
  >
) =>
  Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const { baseUrl, fake } = yield* FakeBinance.serve({
      accounts: [{ apiKey: KEY, hmacSecret: SECRET, assets: { BTC } }]
    })
    return yield* body({ fake, wsBaseUrl: baseUrl.replace("http:", "ws:") }).pipe(Effect.provide(Layer.mergeAll(
      BinanceHttpClient.layer(),
      Credentials.layerHmac({ apiKey: KEY, secretKey: SECRET }),
      BinanceClock.layer,
      RateLimit.layer,
      BinanceConfig.layer({ baseUrl })
    )))
  })))

describe("Effect 4 tarball: Watch over loopback HTTP and WebSocket", () => {
  it("reads, streams the account and a risk change, re-reads, records its metrics, and closes with its scope", () =>
    withServer(({ fake, wsBaseUrl }) =>
      Effect.gen(function*() {
        expect(typeof (globalThis as { WebSocket?: unknown }).WebSocket).toBe("undefined")
        const freshReads = Metric.withAttributes(Watch.reads, { reason: "fresh", outcome: "ok" })
        const freshBefore = (yield* Metric.value(freshReads)).count
        yield* Effect.scoped(Effect.gen(function*() {
          const watcher = yield* Watch.make({ assets: ["BTC"], wsBaseUrl })
          const events = yield* watcher.subscribe
          expect(yield* next(events, "stream")).toEqual({ type: "stream", state: "up" })
          expect((yield* watcher.snapshot.get).stream).toBe("up")
          expect((yield* Metric.value(Watch.streamUp)).value).toBe(1)
          // BinanceMetrics holds the watcher's metrics with the others.
          expect(BinanceMetrics.watchReads).toBe(Watch.reads)
          expect(BinanceMetrics.watchAssetAge).toBe(Watch.assetAge)
          expect(BinanceMetrics.watchStreamUp).toBe(Watch.streamUp)

          const btc = yield* watcher.fresh("BTC")
          expect(btc).toMatchObject({ type: "asset", asset: "BTC", ...BTC })
          expect((yield* watcher.snapshot.get).assets["BTC"]?.at).toBeGreaterThanOrEqual(btc.at)
          expect((yield* Metric.value(freshReads)).count).toBe(freshBefore + 1)
          const failed = yield* Effect.flip(watcher.fresh("DOGE"))
          expect(failed).toMatchObject({ _tag: "InvalidConfiguration" })

          yield* fake.setStreamAccount(KEY, FIGURES)
          expect(yield* next(events, "account")).toEqual({ type: "account", at: expect.any(Number), ...FIGURES })
          expect((yield* watcher.snapshot.get).account).toMatchObject(FIGURES)

          yield* fake.pushStreamEvent({ e: "RISK_LEVEL_CHANGE", E: Date.now(), s: "MARGIN_CALL" })
          expect(yield* next(events, "risk")).toMatchObject({ type: "risk", level: "MARGIN_CALL" })
          // A risk change re-reads every asset at the next slot.
          expect(yield* next(events, "asset")).toMatchObject({ asset: "BTC", ...BTC })
          expect(yield* fake.streamConnections).toBe(1)
        }))
        // Closed: the listenKey deleted, no connection left, the gauge down.
        const keys = (yield* fake.requests).filter((entry) => entry.path === LISTEN_KEY)
        expect(keys.map((entry) => `${entry.method} ${entry.status}`)).toEqual(["POST 200", "DELETE 200"])
        expect(yield* until(Effect.map(fake.streamConnections, (n) => n === 0))).toBe(true)
      })
    ))

  it("Watch.stream tells the first events and closes the watcher when it ends", () =>
    withServer(({ fake, wsBaseUrl }) =>
      Effect.gen(function*() {
        const first = yield* Watch.stream({ assets: ["BTC"], wsBaseUrl }).pipe(
          Stream.takeUntil((event) => event.type === "asset"),
          Stream.runCollect
        )
        expect(first.at(-1)).toMatchObject({ type: "asset", asset: "BTC", ...BTC })
        const keys = (yield* fake.requests).filter((entry) => entry.path === LISTEN_KEY)
        expect(keys.map((entry) => entry.method)).toEqual(["POST", "DELETE"])
        expect(yield* until(Effect.map(fake.streamConnections, (n) => n === 0))).toBe(true)
      })
    ))
})
