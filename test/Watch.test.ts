// The Effect 3 watcher under TestClock, against the in-memory FakeBinance: paced reads within the share, fresh
// reads joined, the stream's life cycle over a scripted WebSocket double, the vmw trigger, pauses, closing.
import * as Socket from "@effect/platform/Socket"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as FakeBinance from "../src/FakeBinance.js"
import { BinanceClock, Credentials } from "../src/index.js"
import * as Watch from "../src/Watch.js"
import {
  accountFrame as account5s,
  badWatchOptions,
  ETH,
  LISTEN_KEY,
  SOL,
  streamFigures
} from "./cases/watchWatcher.js"
import { BTC, hmacAccount, KEY, PM, SECRET } from "./FakeBinance.helpers.js"

const account: FakeBinance.Account = { ...hmacAccount, assets: { BTC, ETH, SOL } }

/** A WebSocket the spec opens, feeds and drops by hand. */
class ScriptedSocket extends EventTarget {
  readyState = 0
  closedWith: number | undefined
  constructor(readonly url: string) {
    super()
  }
  send(_: string) {}
  close(code = 1000) {
    if (this.readyState === 3) return
    this.readyState = 3
    this.closedWith = code
    this.dispatchEvent(Object.assign(new Event("close"), { code, reason: "" }))
  }
  open() {
    this.readyState = 1
    this.dispatchEvent(new Event("open"))
  }
  message(frame: unknown) {
    this.dispatchEvent(Object.assign(new Event("message"), { data: JSON.stringify(frame) }))
  }
  drop() {
    this.readyState = 3
    this.dispatchEvent(Object.assign(new Event("close"), { code: 1006, reason: "" }))
  }
}

const env = (sockets?: Queue.Queue<ScriptedSocket>) =>
  Layer.mergeAll(
    FakeBinance.layer({ accounts: [account] }),
    Credentials.layerHmac({ apiKey: KEY, secretKey: SECRET }),
    Layer.effect(BinanceClock.BinanceClock, BinanceClock.make),
    Layer.succeed(Socket.WebSocketConstructor, (url) => {
      const socket = new ScriptedSocket(url)
      if (sockets !== undefined) Queue.unsafeOffer(sockets, socket)
      return socket as unknown as globalThis.WebSocket
    })
  )

const requests = Effect.flatMap(FakeBinance.FakeBinance, (fake) => fake.requests)
const reads = Effect.map(requests, (log) => log.filter((entry) => entry.path === PM))

/** Lets the watcher's fibers run until `check` holds (no clock moves; a bounded number of yields). */
const settled = (check: () => boolean) =>
  Effect.gen(function*() {
    for (let i = 0; i < 1000 && !check(); i++) yield* Effect.yieldNow()
    expect(check()).toBe(true)
  })

/** The next event of this type (others are skipped). */
const next = <T extends Watch.WatchEvent["type"]>(events: Queue.Dequeue<Watch.WatchEvent>, type: T) =>
  Effect.gen(function*() {
    for (;;) {
      const event = yield* Queue.take(events)
      if (event.type === type) return event as Extract<Watch.WatchEvent, { type: T }>
    }
  })

describe("Watch: options", () => {
  it.effect("bad options fail at once with InvalidConfiguration, before anything is sent", () =>
    Effect.gen(function*() {
      for (const [options, field] of badWatchOptions) {
        const error = yield* Effect.flip(Effect.scoped(Watch.make(options as unknown as Watch.Options)))
        expect([error._tag, error.field]).toEqual(["InvalidConfiguration", field])
      }
      expect(yield* requests).toEqual([])
    }).pipe(Effect.provide(env())))
})

describe("Watch: paced reads (stream: false)", () => {
  it.effect("spreads reads 1250 ms apart at the default share, re-reads each asset before maxAgeMs", () =>
    Effect.scoped(Effect.gen(function*() {
      const watcher = yield* Watch.make({ assets: ["BTC", "ETH", "SOL"], maxAgeMs: 5000, stream: false })
      expect(watcher.plan).toMatchObject({ intervalMs: 1250, refreshAfterMs: 4500, capacity: 3, keepsUp: true })
      const events = yield* watcher.subscribe
      yield* TestClock.adjust(0)
      const first = yield* next(events, "asset")
      expect(first).toEqual({ type: "asset", asset: "BTC", ...BTC, at: 0 })
      yield* TestClock.adjust(1250)
      expect(yield* next(events, "asset")).toMatchObject({ asset: "ETH", at: 1250 })
      yield* TestClock.adjust(1250)
      expect(yield* next(events, "asset")).toMatchObject({ asset: "SOL", at: 2500 })
      // BTC is due again at 4500 (90 % of 5000).
      yield* TestClock.adjust(1999)
      expect((yield* reads).length).toBe(3)
      yield* TestClock.adjust(1)
      expect(yield* next(events, "asset")).toMatchObject({ asset: "BTC", at: 4500 })
      const snapshot = yield* watcher.snapshot.get
      expect(Object.keys(snapshot.assets).sort()).toEqual(["BTC", "ETH", "SOL"])
      expect(snapshot.stream).toBe("off")
      expect((yield* watcher.ages).map((age) => [age.asset, age.ageMs, age.overdue])).toEqual([
        ["BTC", 0, false],
        ["ETH", 3250, false],
        ["SOL", 2000, false]
      ])
    })).pipe(Effect.provide(env())))

  it.effect("Watch.stream: every event from the first, the watcher closed with the stream", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(
        Watch.stream({ assets: ["BTC", "ETH"], stream: false }).pipe(Stream.take(2), Stream.runCollect)
      )
      yield* TestClock.adjust(1250)
      const events = [...yield* fiber.await.pipe(Effect.flatten)]
      expect(events.map((e) => e.type === "asset" && [e.asset, e.at])).toEqual([["BTC", 0], ["ETH", 1250]])
      // Closed with the stream: nothing more is read.
      yield* TestClock.adjust(60_000)
      expect((yield* reads).length).toBe(2)
    }).pipe(Effect.provide(env())))

  it.effect("never spends more than the share: 5 s maxAgeMs for 10 assets is 48 reads, 240 weight, a minute", () =>
    Effect.scoped(Effect.gen(function*() {
      const assets = ["BTC", "ETH", "SOL", "A1", "A2", "A3", "A4", "A5", "A6", "A7"]
      const fake = yield* FakeBinance.FakeBinance
      for (const asset of assets.slice(3)) yield* fake.setAsset(KEY, asset, SOL)
      const watcher = yield* Watch.make({ assets, maxAgeMs: 5000, stream: false })
      expect(watcher.plan.keepsUp).toBe(false)
      yield* TestClock.adjust(59_999)
      const sent = yield* reads
      expect(sent.length).toBe(48)
      expect(sent.every((entry, i) => entry.time === i * 1250)).toBe(true)
      expect((yield* watcher.ages).some((age) => age.overdue)).toBe(true)
    })).pipe(Effect.provide(env())))

  it.effect("five concurrent fresh reads of an asset send one request; an unwatched asset is refused", () =>
    Effect.scoped(Effect.gen(function*() {
      const fake = yield* FakeBinance.FakeBinance
      const watcher = yield* Watch.make({ assets: ["ETH", "BTC"], stream: false })
      yield* TestClock.adjust(0)
      yield* fake.enqueueFault(FakeBinance.Fault.delay("100 millis"), { path: PM })
      const fiber = yield* Effect.fork(Effect.all(Array.from({ length: 5 }, () => watcher.fresh("BTC")), {
        concurrency: "unbounded"
      }))
      yield* TestClock.adjust(100)
      const answers = yield* fiber.await.pipe(Effect.flatten)
      expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1)
      expect(answers[0]).toEqual({ type: "asset", asset: "BTC", ...BTC, at: 100 })
      expect((yield* reads).map((entry) => entry.query.split("&")[0])).toEqual(["asset=ETH", "asset=BTC"])
      const refused = yield* Effect.flip(watcher.fresh("DOGE"))
      expect([refused._tag, refused.message]).toEqual(["InvalidConfiguration", expect.stringContaining("DOGE")])
    })).pipe(Effect.provide(env())))

  it.effect("a failed read is reported and retried; a 429 pauses the paced reads until the gate's end", () =>
    Effect.scoped(Effect.gen(function*() {
      const fake = yield* FakeBinance.FakeBinance
      yield* fake.enqueueFault(FakeBinance.Fault.rateLimited(30), { path: PM })
      const watcher = yield* Watch.make({ assets: ["BTC", "ETH"], stream: false })
      const events = yield* watcher.subscribe
      yield* TestClock.adjust(0)
      const failed = yield* next(events, "read-failed")
      expect(failed).toMatchObject({ asset: "BTC", reason: "routine", failures: 1, retryAt: 1000 })
      expect(failed.error._tag).toBe("RateLimited")
      // Nothing paced is sent during the 30 s pause.
      yield* TestClock.adjust(29_000)
      expect((yield* reads).length).toBe(1)
      yield* TestClock.adjust(1_100)
      const resumed = yield* next(events, "asset")
      expect(resumed.at).toBeGreaterThanOrEqual(30_000)
      expect(resumed.at).toBeLessThanOrEqual(30_100)
    })).pipe(Effect.provide(env())))
})

describe("Watch: closing", () => {
  it.effect("a fresh read asked while the watcher closes is refused, not left waiting", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const watcher = yield* Scope.extend(Watch.make({ assets: ["BTC"], stream: false }), scope)
      yield* TestClock.adjust(0)
      // The close is asked first; the fresh read comes in behind it, before the watcher has taken either.
      const closing = yield* Effect.fork(Scope.close(scope, Exit.void))
      const refused = yield* Effect.fork(Effect.flip(watcher.fresh("BTC")).pipe(Effect.timeoutOption(1000)))
      yield* TestClock.adjust(2000)
      const error = Option.getOrThrow(yield* Fiber.join(refused))
      expect([error._tag, error.message]).toEqual(["InvalidConfiguration", expect.stringContaining("closed")])
      yield* Fiber.join(closing)
      expect((yield* reads).length).toBe(1)
    }).pipe(Effect.provide(env())))
})

describe("Watch: the user-data stream", () => {
  it.effect("listenKey, connect, up; vmw trigger; drop and reconnect; listenKeyExpired; close deletes the key", () =>
    Effect.gen(function*() {
      const sockets = yield* Queue.unbounded<ScriptedSocket>()
      yield* Effect.gen(function*() {
        const closed: Array<ScriptedSocket> = []
        yield* Effect.scoped(Effect.gen(function*() {
          const watcher = yield* Watch.make({ assets: ["BTC"], wsBaseUrl: "ws://127.0.0.1:9" })
          const events = yield* watcher.subscribe
          yield* TestClock.adjust(0)
          const first = yield* Queue.take(sockets)
          expect(first.url).toMatch(/^ws:\/\/127\.0\.0\.1:9\/pm-classic\/ws\/[0-9a-f]{64}$/)
          first.open()
          expect(yield* next(events, "stream")).toEqual({ type: "stream", state: "up" })
          expect((yield* watcher.snapshot.get).assets.BTC?.at).toBe(0)

          // The first vmw is the reference; a move of more than 1 % re-reads every asset at the next slot.
          first.message(account5s("100", 1))
          expect(yield* next(events, "account")).toMatchObject({ virtualMaxWithdrawUSD: "100", at: 1 })
          first.message(account5s("100.5", 2))
          yield* next(events, "account")
          first.message(account5s("102", 3))
          yield* next(events, "account")
          yield* TestClock.adjust(1250)
          expect((yield* next(events, "asset")).at).toBe(1250)
          first.message({ e: "RISK_LEVEL_CHANGE", E: 4, s: "MARGIN_CALL" })
          expect(yield* next(events, "risk")).toEqual({ type: "risk", at: 4, level: "MARGIN_CALL" })
          yield* TestClock.adjust(1250)
          expect((yield* next(events, "asset")).at).toBe(2500)

          // A drop: down once, a new POST and connection after 1 s.
          first.drop()
          expect(yield* next(events, "stream")).toEqual({ type: "stream", state: "down", reason: "closed (code 1006)" })
          yield* TestClock.adjust(1000)
          const second = yield* Queue.take(sockets)
          second.open()
          expect(yield* next(events, "stream")).toEqual({ type: "stream", state: "up" })

          // listenKeyExpired: the connection is replaced on a new key at once.
          second.message({ e: "listenKeyExpired", E: 5 })
          expect(yield* next(events, "stream")).toEqual({ type: "stream", state: "down", reason: "listenKey expired" })
          yield* settled(() => second.closedWith === 1000)
          const third = yield* Queue.take(sockets)
          third.open()
          expect(yield* next(events, "stream")).toEqual({ type: "stream", state: "up" })
          expect((yield* watcher.snapshot.get).stream).toBe("up")
          expect((yield* Metric.value(Watch.streamUp)).value).toBe(1)
          closed.push(third)
        }))
        expect(closed[0]!.closedWith).toBe(1000)
        expect((yield* Metric.value(Watch.streamUp)).value).toBe(0)
        const keyRequests = (yield* requests).filter((entry) => entry.path === LISTEN_KEY).map((entry) => entry.method)
        expect(keyRequests).toEqual(["POST", "POST", "POST", "DELETE"])
      }).pipe(Effect.provide(env(sockets)))
    }))

  it.effect("-1125 on a keep-alive makes a new key; the gate counts the listenKey requests", () =>
    Effect.gen(function*() {
      const sockets = yield* Queue.unbounded<ScriptedSocket>()
      yield* Effect.scoped(Effect.gen(function*() {
        const fake = yield* FakeBinance.FakeBinance
        const watcher = yield* Watch.make({ assets: ["BTC"], wsBaseUrl: "ws://127.0.0.1:9", maxAgeMs: 86_400_000 })
        yield* TestClock.adjust(0)
        const first = yield* Queue.take(sockets)
        first.open()
        // Keep the connection heard from; expire the key on the fake, then the 30 min keep-alive gets -1125.
        yield* fake.expireListenKeys()
        for (let step = 0; step < 91; step++) {
          first.message(account5s("100", step))
          yield* TestClock.adjust(20_000)
        }
        const second = yield* Queue.take(sockets)
        expect(second.url).not.toBe(first.url)
        // The connection on the dead key is closed once its replacement is up.
        expect(first.closedWith).toBe(undefined)
        second.open()
        yield* settled(() => first.closedWith === 1000)
        const log = (yield* requests).filter((entry) => entry.path === LISTEN_KEY)
        expect(log.map((entry) => `${entry.method} ${entry.status}`)).toEqual(["POST 200", "PUT 400", "POST 200"])
        expect(watcher.plan.intervalMs).toBe(1250)
      })).pipe(Effect.provide(env(sockets)))
    }))
})

describe("Watch: metrics", () => {
  it.effect("reads by reason and outcome, each asset's age", () =>
    Effect.scoped(Effect.gen(function*() {
      const fake = yield* FakeBinance.FakeBinance
      yield* fake.setAsset(KEY, "MTRC", SOL)
      const fresh = Watch.reads.pipe(Metric.tagged("reason", "fresh"), Metric.tagged("outcome", "ok"))
      const before = (yield* Metric.value(fresh)).count
      const watcher = yield* Watch.make({ assets: ["MTRC"], stream: false, maxAgeMs: 10_000 })
      yield* TestClock.adjust(0)
      yield* watcher.fresh("MTRC")
      expect((yield* Metric.value(fresh)).count).toBeGreaterThanOrEqual(before + 1)
      yield* TestClock.adjust(5000)
      yield* settled(() => Effect.runSync(Metric.value(Metric.tagged(Watch.assetAge, "asset", "MTRC"))).value === 5000)
    })).pipe(Effect.provide(env())))
})

describe("Watch against the in-memory FakeBinance stream (TestClock)", () => {
  const memory = Layer.mergeAll(
    FakeBinance.layer({ accounts: [account] }),
    Credentials.layerHmac({ apiKey: KEY, secretKey: SECRET }),
    Layer.effect(BinanceClock.BinanceClock, BinanceClock.make)
  )

  it.effect("a ban holds the listenKey requests too: nothing is sent until it ends, then the stream comes up", () =>
    Effect.scoped(Effect.gen(function*() {
      const fake = yield* FakeBinance.FakeBinance
      yield* fake.setStreamAccount(KEY, streamFigures("100"))
      yield* fake.enqueueFault(FakeBinance.Fault.banned(60), { path: PM })
      const watcher = yield* Watch.make({ assets: ["BTC"] })
      const events = yield* watcher.subscribe
      yield* TestClock.adjust(0)
      const failed = yield* next(events, "read-failed")
      expect(failed.error._tag).toBe("IpBanned")
      // The first POST may have gone before the 418 came back; none goes during the ban.
      const during = (yield* requests).filter((entry) => entry.path === LISTEN_KEY).length
      yield* TestClock.adjust(59_000)
      expect((yield* requests).filter((entry) => entry.path === LISTEN_KEY).length).toBe(during)
      expect((yield* requests).filter((entry) => entry.path === PM).length).toBe(1)
      // After the ban (and the listenKey request's back-off), the stream comes up and BTC is read.
      yield* TestClock.adjust(300_000)
      expect((yield* watcher.snapshot.get).stream).toBe("up")
      expect((yield* watcher.snapshot.get).assets.BTC).toBeDefined()
    })).pipe(Effect.provide(memory)))

  it.effect("account updates every 5 s, the vmw trigger, expiry and a drop, all on virtual time", () =>
    Effect.scoped(Effect.gen(function*() {
      const fake = yield* FakeBinance.FakeBinance
      yield* fake.setStreamAccount(KEY, streamFigures("100"))
      const watcher = yield* Watch.make({ assets: ["BTC"] })
      const events = yield* watcher.subscribe
      yield* TestClock.adjust(0)
      expect(yield* next(events, "stream")).toEqual({ type: "stream", state: "up" })
      expect(yield* fake.streamConnections).toBe(1)
      yield* TestClock.adjust(5000)
      expect(yield* next(events, "account")).toMatchObject({ at: 5000, virtualMaxWithdrawUSD: "100" })

      // vmw moves 10 %: BTC is re-read at the update, not 54 s after its first read.
      yield* fake.setStreamAccount(KEY, streamFigures("110"))
      yield* TestClock.adjust(5000)
      expect(yield* next(events, "account")).toMatchObject({ at: 10_000, virtualMaxWithdrawUSD: "110" })
      expect((yield* next(events, "asset")).at).toBe(10_000)

      yield* fake.expireListenKeys()
      yield* TestClock.adjust(0)
      expect(yield* next(events, "stream")).toEqual({ type: "stream", state: "down", reason: "listenKey expired" })
      expect(yield* next(events, "stream")).toEqual({ type: "stream", state: "up" })

      yield* fake.dropStream()
      yield* TestClock.adjust(0)
      expect(yield* next(events, "stream")).toEqual({ type: "stream", state: "down", reason: "closed (code 1006)" })
      // The second short-lived connection in a row: the back-off has doubled to 2 s.
      yield* TestClock.adjust(1999)
      expect((yield* watcher.snapshot.get).stream).toBe("down")
      yield* TestClock.adjust(1)
      expect(yield* next(events, "stream")).toEqual({ type: "stream", state: "up" })
      const keys = (yield* requests).filter((entry) => entry.path === LISTEN_KEY).map((entry) => entry.method)
      expect(keys).toEqual(["POST", "POST", "POST"])
    })).pipe(Effect.provide(memory)))
})

describe("Watch: watchers of one process", () => {
  it.effect("share one pace on one budget, and join each other's reads of the same asset", () =>
    Effect.scoped(Effect.gen(function*() {
      const fake = yield* FakeBinance.FakeBinance
      const first = yield* Watch.make({ assets: ["BTC", "ETH"], maxAgeMs: 5000, stream: false })
      const second = yield* Watch.make({ assets: ["SOL", "BTC"], maxAgeMs: 5000, stream: false })
      yield* TestClock.adjust(0)
      yield* TestClock.adjust(10_000)
      const times = (yield* reads).map((entry) => entry.time)
      // One read every 1250 ms between them (the default share), not one each.
      expect(times.every((time, i) => i === 0 || time - times[i - 1]! >= 1250)).toBe(true)
      expect(times.length).toBeLessThanOrEqual(9)

      // A fresh read of BTC by one watcher while the other's read of BTC is in flight: one request.
      yield* fake.clearRequests
      yield* fake.enqueueFault(FakeBinance.Fault.delay("200 millis"), { path: PM })
      const a = yield* Effect.fork(first.fresh("BTC"))
      yield* TestClock.adjust(50)
      const b = yield* Effect.fork(second.fresh("BTC"))
      yield* TestClock.adjust(150)
      const [fromFirst, fromSecond] = [yield* a.await.pipe(Effect.flatten), yield* b.await.pipe(Effect.flatten)]
      expect(fromSecond).toEqual(fromFirst)
      expect((yield* reads).filter((entry) => entry.query.startsWith("asset=BTC")).length).toBe(1)
    })).pipe(Effect.provide(env())))
})
