// The watcher end to end, as its users get it: each edition's packed tarball (test/utils/editions.ts) against its
// own served FakeBinance, over real loopback HTTP and WebSocket. `client.watch` of `effect-binance-pm/promise` is
// loaded both ways a user loads it (the ESM bundle, and the CommonJS one through `require`); this runs on Node 20,
// which has no global WebSocket, so a stream that comes up proves the bundle found the consumer's `ws`. The 0.x
// Effect API (`Watch.make`) is driven from the Effect 3 tarball's main entry here; the 1.x one runs on Effect 4's
// vitest (test/packed/effect4/watch.test.ts).
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as Queue from "effect/Queue"
import * as Module from "node:module"
import * as Path from "node:path"
import { exported } from "../scripts/editions.js"
import type * as FakeBinance from "../src/FakeBinance.js"
import type * as Library from "../src/index.js"
import type * as PromiseApi from "../src/promise.js"
import type * as Testing from "../src/testing.js"
import { byName, type Edition, editions } from "./utils/editions.js"
import { API_KEY, HMAC_SECRET } from "./utils/keys.js"

const PM = "/fapi/v1/pmAccountInfo"
const LISTEN_KEY = "/fapi/v1/listenKey"
const BTC = { maxWithdrawAmount: "27.43689636", maxWithdrawAmountUSD: "1627523.32459208" }
const ETH = { maxWithdrawAmount: "412.5", maxWithdrawAmountUSD: "1500000.25" }
const accounts = [{ apiKey: API_KEY, hmacSecret: HMAC_SECRET, assets: { BTC, ETH } }]
const FIGURES = {
  uniMMR: "5.167",
  accountEquity: "122607.35",
  actualEquity: "73.47",
  initialMargin: "23.72",
  maintenanceMargin: "23.72",
  availableBalance: "103.12",
  virtualMaxWithdrawUSD: "1627523.32"
}

type WatchEvent = PromiseApi.WatchEvent

/** Open TCP connections of this process (the served fake's and the clients' ends alike). */
const tcpSockets = () => process.getActiveResourcesInfo().filter((resource) => resource === "TCPSocketWrap").length

/** Events of the iteration, in order, until one matches (a deadline: the fake's account update is every 5 s). */
const until = async (iterator: AsyncIterator<WatchEvent>, match: (event: WatchEvent) => boolean, ms = 10_000) => {
  const seen: Array<WatchEvent> = []
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    const timer = new Promise<"late">((resolve) => setTimeout(resolve, deadline - Date.now(), "late").unref())
    const next = await Promise.race([iterator.next(), timer])
    if (next === "late") break
    if (next.done === true) throw new Error(`the iteration ended after ${JSON.stringify(seen)}`)
    seen.push(next.value)
    if (match(next.value)) return seen
  }
  throw new Error(`no matching event within ${ms} ms, after ${JSON.stringify(seen)}`)
}

const poll = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 500 && !(await check()); i++) await new Promise((resolve) => setTimeout(resolve, 10))
  return check()
}

/** The Promise entry as `require` gets it: the CommonJS bundle. */
const required = (edition: Edition): { readonly api: typeof PromiseApi; readonly file: string } => {
  const require = Module.createRequire(Path.join(edition.folder, "package.json"))
  return { api: require("effect-binance-pm/promise"), file: require.resolve("effect-binance-pm/promise") }
}

/**
 * One watcher's life against the served fake: the stream comes up and BTC is read (in either order), the fake's
 * stream tells the account, `latest` and `fresh` answer, and `close()` ends the iteration, deletes the listenKey and
 * leaves no connection.
 */
const life = (edition: Edition, api: typeof PromiseApi, account: (fake: FakeBinance.Service) => Promise<void>) =>
  edition.withFake({ accounts }, async ({ baseUrl, fake }) => {
    const socketsBefore = tcpSockets()
    const client = api.createClient({
      apiKey: API_KEY,
      secretKey: HMAC_SECRET,
      baseUrl,
      wsBaseUrl: baseUrl.replace("http:", "ws:")
    })
    try {
      const watcher = client.watch({ assets: ["BTC", "ETH"] })
      const iterator = watcher[Symbol.asyncIterator]()
      const kinds = new Set<string>()
      const first = await until(iterator, (e) => {
        kinds.add(e.type === "asset" ? `asset ${e.asset}` : e.type)
        return kinds.has("stream") && kinds.has("asset BTC") && kinds.has("asset ETH")
      })
      expect(first).toContainEqual({ type: "stream", state: "up" })
      expect(first).toContainEqual({ type: "asset", asset: "BTC", at: expect.any(Number), ...BTC })
      expect(watcher.latest("BTC")).toEqual(first.find((e) => e.type === "asset" && e.asset === "BTC"))
      expect(watcher.latest("ETH")).toMatchObject(ETH)
      expect(watcher.latest("DOGE")).toBeUndefined()
      expect(await edition.run(fake.streamConnections)).toBe(1)
      expect(tcpSockets()).toBeGreaterThan(socketsBefore)

      await account(fake)
      const told = await until(iterator, (e) => e.type === "account")
      expect(told.at(-1)).toEqual({ type: "account", at: expect.any(Number), ...FIGURES })

      const reads = async () => (await edition.run(fake.requests)).filter((entry) => entry.path === PM).length
      const before = await reads()
      const fresh = await Promise.all([watcher.fresh("BTC"), watcher.fresh("BTC"), watcher.fresh("BTC")])
      expect(fresh[0]).toMatchObject({ type: "asset", asset: "BTC", ...BTC })
      expect(fresh.every((event) => event.at === fresh[0]!.at)).toBe(true)
      expect(await reads()).toBe(before + 1)
      expect(watcher.latest("BTC")?.at).toBeGreaterThanOrEqual(fresh[0]!.at)

      await watcher.close()
      // The iteration ends, the listenKey is deleted and the server sees the connection closed.
      for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) continue
      const keys = (await edition.run(fake.requests)).filter((entry) => entry.path === LISTEN_KEY)
      expect(keys.map((entry) => `${entry.method} ${entry.status}`)).toEqual(["POST 200", "DELETE 200"])
      expect(await poll(async () => (await edition.run(fake.streamConnections)) === 0)).toBe(true)
      await expect(watcher.fresh("BTC")).rejects.toMatchObject({ _tag: "ClientClosed", during: false })
    } finally {
      await client.close()
    }
    // No socket of the client's is left: both ends of its HTTP and WebSocket connections live in this process.
    expect(await poll(async () => tcpSockets() <= socketsBefore)).toBe(true)
  })

describe.each(byName)("client.watch end to end: %s", (_name, edition) => {
  it(
    "ESM: iterates the stream's and the reads' events, latest, fresh; close() leaves no socket",
    () => life(edition, edition.promise, (fake) => edition.run(fake.setStreamAccount(API_KEY, FIGURES))),
    30_000
  )

  it("CommonJS: the require()d bundle loads the consumer's ws on Node 20 and watches the same way", () => {
    // Node 20: no global WebSocket, so the stream's socket can only be the `ws` package's.
    expect(typeof (globalThis as { WebSocket?: unknown }).WebSocket).toBe("undefined")
    const { api, file } = required(edition)
    expect(file).toBe(Path.join(edition.folder, "node_modules/effect-binance-pm/dist/cjs/promise.js"))
    expect(api.createClient).not.toBe(edition.promise.createClient)
    const frame = { e: "PM_PRO_ACCOUNT_UPDATE", E: Date.now(), u: "5.167", eq: "122607.35", ae: "73.47" }
    return life(edition, api, (fake) =>
      edition.run(fake.pushStreamEvent({
        ...frame,
        im: "23.72",
        mm: "23.72",
        avb: "103.12",
        vmw: "1627523.32"
      })))
  }, 30_000)

  it("stream: false watches by polling alone, with no WebSocket server in sight", () =>
    edition.withFake({ accounts }, async ({ baseUrl, fake }) => {
      const client = edition.promise.createClient({ apiKey: API_KEY, secretKey: HMAC_SECRET, baseUrl })
      try {
        const watcher = client.watch({ assets: ["BTC"], stream: false })
        const [event] = await until(watcher[Symbol.asyncIterator](), (e) => e.type === "asset")
        expect(event).toMatchObject({ type: "asset", asset: "BTC", ...BTC })
        expect((await edition.run(fake.requests)).map((entry) => entry.path)).not.toContain(LISTEN_KEY)
      } finally {
        await client.close()
      }
    }))
})

describe("Watch.make from the Effect 3 tarball's main entry", () => {
  const { folder } = editions.find((edition) => edition.edition === 3)!
  type Event = Library.Watch.WatchEvent

  const next = <T extends Event["type"]>(events: Queue.Dequeue<Event>, type: T) =>
    Queue.take(events).pipe(
      Effect.repeat({ until: (event) => event.type === type }),
      Effect.map((event) => event as Extract<Event, { type: T }>),
      // The fake's account update comes 5 s after the connection opens.
      Effect.timeoutFail({ duration: "10 seconds", onTimeout: () => new Error(`no ${type} event in 10 s`) })
    )

  const until = (check: Effect.Effect<boolean>) =>
    Effect.gen(function*() {
      for (let i = 0; i < 500 && !(yield* check); i++) yield* Effect.sleep("10 millis")
      return yield* check
    })

  it.live(
    "reads, streams the account and a risk change, re-reads, and closes with its scope",
    () =>
      Effect.gen(function*() {
        const library: typeof Library = yield* Effect.promise(() => import(exported(folder, "effect-binance-pm")))
        const { BinanceClock, BinanceConfig, BinanceMetrics, Credentials, RateLimit, Watch } = library
        const { FakeBinance }: typeof Testing = yield* Effect.promise(() =>
          import(exported(folder, "effect-binance-pm", "./testing"))
        )
        // BinanceMetrics holds the watcher's metrics with the others.
        expect(BinanceMetrics.watchReads).toBe(Watch.reads)
        expect(BinanceMetrics.watchAssetAge).toBe(Watch.assetAge)
        expect(BinanceMetrics.watchStreamUp).toBe(Watch.streamUp)

        const { baseUrl, fake } = yield* FakeBinance.serve({ accounts })
        const layer = Layer.mergeAll(
          FetchHttpClient.layer,
          Credentials.layerHmac({ apiKey: API_KEY, secretKey: HMAC_SECRET }),
          BinanceClock.layer,
          RateLimit.layer,
          BinanceConfig.layer({ baseUrl })
        )
        yield* Effect.scoped(Effect.gen(function*() {
          const watcher = yield* Watch.make({ assets: ["BTC"], wsBaseUrl: baseUrl.replace("http:", "ws:") })
          const events = yield* watcher.subscribe
          expect(yield* next(events, "stream")).toEqual({ type: "stream", state: "up" })
          expect((yield* Metric.value(BinanceMetrics.watchStreamUp)).value).toBe(1)
          const btc = yield* watcher.fresh("BTC")
          expect(btc).toMatchObject({ type: "asset", asset: "BTC", ...BTC })
          expect((yield* watcher.snapshot.get).assets.BTC?.at).toBeGreaterThanOrEqual(btc.at)

          yield* fake.setStreamAccount(API_KEY, FIGURES)
          expect(yield* next(events, "account")).toEqual({ type: "account", at: expect.any(Number), ...FIGURES })
          expect((yield* watcher.snapshot.get).account).toMatchObject(FIGURES)

          yield* fake.pushStreamEvent({ e: "RISK_LEVEL_CHANGE", E: Date.now(), s: "MARGIN_CALL" })
          expect(yield* next(events, "risk")).toMatchObject({ type: "risk", level: "MARGIN_CALL" })
          // A risk change re-reads every asset at the next slot.
          expect(yield* next(events, "asset")).toMatchObject({ asset: "BTC", ...BTC })
          expect(yield* fake.streamConnections).toBe(1)
        })).pipe(Effect.provide(layer))

        // Closed with its scope: the listenKey deleted, no connection left.
        const keys = (yield* fake.requests).filter((entry) => entry.path === LISTEN_KEY)
        expect(keys.map((entry) => `${entry.method} ${entry.status}`)).toEqual(["POST 200", "DELETE 200"])
        expect(yield* until(Effect.map(fake.streamConnections, (n) => n === 0))).toBe(true)
      }).pipe(Effect.scoped),
    30_000
  )
})
