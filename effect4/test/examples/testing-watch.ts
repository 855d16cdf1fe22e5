import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, PubSub } from "effect"
import { BinanceClock, Credentials, Watch } from "effect-binance-pm"
import { FakeBinance } from "effect-binance-pm/testing"
import { TestClock } from "effect/testing"

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

// The in-memory fake also provides a WebSocket constructor that reaches its user-data stream.
const TestEnv = Layer.mergeAll(
  FakeBinance.layer({ accounts: [{ apiKey: "test-key", hmacSecret: "test-secret", assets: { BTC } }] }),
  Credentials.layerHmac({ apiKey: "test-key", secretKey: "test-secret" }),
  BinanceClock.layer
)

/** The next event of this type (the others are skipped). */
const next = <T extends Watch.WatchEvent["type"]>(events: PubSub.Subscription<Watch.WatchEvent>, type: T) =>
  PubSub.take(events).pipe(
    Effect.repeat({ until: (event) => event.type === type }),
    Effect.map((event) => event as Extract<Watch.WatchEvent, { type: T }>)
  )

describe("a desk's watcher", () => {
  it.effect("reads at once, hears the account every 5 s, and re-reads on a risk level change", () =>
    Effect.gen(function*() {
      const fake = yield* FakeBinance.FakeBinance
      const watcher = yield* Watch.make({ assets: ["BTC"] })
      const events = yield* watcher.subscribe
      expect(yield* next(events, "stream")).toEqual({ type: "stream", state: "up" })
      expect(yield* watcher.fresh("BTC")).toMatchObject({ asset: "BTC", ...BTC })

      // The stream pushes the account's figures every 5 s of virtual time once they are set.
      yield* fake.setStreamAccount("test-key", FIGURES)
      yield* TestClock.adjust("5 seconds")
      expect(yield* next(events, "account")).toEqual({ type: "account", at: 5000, ...FIGURES })

      // A risk level change re-reads every asset at the next slot of the watcher's pace: at once here, the last
      // read being 5 s old (the slots are `watcher.plan.intervalMs` apart).
      const before = yield* fake.requestCount
      yield* fake.pushStreamEvent({ e: "RISK_LEVEL_CHANGE", E: 5000, s: "MARGIN_CALL" })
      expect(yield* next(events, "risk")).toMatchObject({ level: "MARGIN_CALL" })
      expect(yield* next(events, "asset")).toMatchObject({ asset: "BTC", at: 5000 })
      expect(yield* fake.requestCount).toBe(before + 1)
    }).pipe(Effect.provide(TestEnv)))
})
