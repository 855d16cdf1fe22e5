// The Effect 4 watcher against a served FakeBinance: real HTTP and WebSocket over loopback (Node 20: the `ws` package),
// real clock. test/Watch.loopback.test.ts at the root is the same spec on the Effect 3 edition.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import * as PubSub from "effect/PubSub"
import { LISTEN_KEY } from "../../test/cases/watchWatcher.js"
import * as FakeBinance from "../src/FakeBinance.js"
import { BinanceClock, BinanceConfig, Credentials, RateLimit } from "../src/index.js"
import * as Watch from "../src/Watch.js"
import { BTC, hmacAccount, KEY, SECRET } from "./helpers.js"

const next = <T extends Watch.WatchEvent["type"]>(events: PubSub.Subscription<Watch.WatchEvent>, type: T) =>
  Effect.gen(function*() {
    for (;;) {
      const event = yield* PubSub.take(events)
      if (event.type === type) return event as Extract<Watch.WatchEvent, { type: T }>
    }
  }).pipe(Effect.timeoutOrElse({
    duration: "5 seconds",
    orElse: () => Effect.fail(new Error(`no ${type} event within 5 s`))
  }))

const until = (check: Effect.Effect<boolean>) =>
  Effect.gen(function*() {
    for (let i = 0; i < 200 && !(yield* check); i++) yield* Effect.sleep("10 millis")
    expect(yield* check).toBe(true)
  })

describe("Watch over loopback", () => {
  it.live(
    "reads, streams, re-reads on a risk change, reconnects after a drop, and leaves nothing behind",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const { baseUrl, fake } = yield* FakeBinance.serve({ accounts: [{ ...hmacAccount, assets: { BTC } }] })
        const layer = Layer.mergeAll(
          FetchHttpClient.layer,
          Credentials.layerHmac({ apiKey: KEY, secretKey: SECRET }),
          BinanceClock.layer,
          RateLimit.layer,
          BinanceConfig.layer({ baseUrl })
        )
        const wsBaseUrl = baseUrl.replace("http:", "ws:")
        yield* Effect.scoped(Effect.gen(function*() {
          const watcher = yield* Watch.make({ assets: ["BTC"], wsBaseUrl })
          const events = yield* watcher.subscribe
          expect(yield* next(events, "stream")).toEqual({ type: "stream", state: "up" })
          yield* until(Effect.map(watcher.snapshot.get, (s) => s.assets.BTC !== undefined))
          expect((yield* watcher.snapshot.get).assets.BTC).toMatchObject({ type: "asset", asset: "BTC", ...BTC })

          const before = (yield* fake.requests).length
          yield* fake.pushStreamEvent({ e: "RISK_LEVEL_CHANGE", E: Date.now(), s: "REDUCE_ONLY" })
          expect(yield* next(events, "risk")).toMatchObject({ type: "risk", level: "REDUCE_ONLY" })
          // Re-read at the next slot (1250 ms at the default share), long before the 54 s routine refresh.
          expect((yield* next(events, "asset")).asset).toBe("BTC")
          expect((yield* fake.requests).length).toBe(before + 1)

          const fresh = yield* watcher.fresh("BTC")
          expect(fresh).toMatchObject({ asset: "BTC", ...BTC })

          yield* fake.dropStream()
          expect(yield* next(events, "stream")).toEqual({ type: "stream", state: "down", reason: "closed (code 1006)" })
          expect(yield* next(events, "stream")).toEqual({ type: "stream", state: "up" })
        })).pipe(Effect.provide(layer))

        // Closed: the listenKey deleted, no connection left.
        const log = (yield* fake.requests).filter((entry) => entry.path === LISTEN_KEY)
        expect(log.map((entry) => `${entry.method} ${entry.status}`)).toEqual(["POST 200", "POST 200", "DELETE 200"])
        yield* until(Effect.map(fake.streamConnections, (n) => n === 0))
      })),
    20_000
  )
})
