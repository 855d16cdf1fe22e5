// A 10-minute soak on virtual time: 10 assets at the default share against the in-memory FakeBinance, with the
// account moving, stream drops every 2 minutes and 2 % of reads answered 429. What it spends and how old the
// figures get. test/Watch.soak.test.ts at the root is the same soak on the Effect 3 edition.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { TestClock } from "effect/testing"
import * as FakeBinance from "../src/FakeBinance.js"
import { BinanceClock, Credentials } from "../src/index.js"
import * as Watch from "../src/Watch.js"
import { hmacAccount, KEY, PM, SECRET } from "./helpers.js"

const ASSETS = ["BTC", "ETH", "BNB", "SOL", "XRP", "ADA", "DOGE", "TRX", "LINK", "DOT"]
const amounts = { maxWithdrawAmount: "1.5", maxWithdrawAmountUSD: "100.25" }
const account: FakeBinance.Account = {
  ...hmacAccount,
  assets: Object.fromEntries(ASSETS.map((asset) => [asset, amounts]))
}

const figures = (vmw: number): FakeBinance.StreamAccountFigures => ({
  uniMMR: "1.9",
  accountEquity: "30000",
  actualEquity: "30000",
  initialMargin: "20000",
  maintenanceMargin: "15000",
  availableBalance: "3900",
  virtualMaxWithdrawUSD: vmw.toFixed(2)
})

const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!

/** Runs the soak; returns the ages sampled each second (ms) and the pmAccountInfo weight of each minute. */
const soak = Effect.gen(function*() {
  const fake = yield* Effect.service(FakeBinance.FakeBinance)
  yield* fake.setStreamAccount(KEY, figures(10_000))
  yield* fake.setFaultRate(FakeBinance.Fault.rateLimited(2), 0.02, { path: PM, seed: 3 })
  const watcher = yield* Watch.make({ assets: ASSETS })
  const ages: Array<number> = []
  let vmw = 10_000
  for (let second = 1; second <= 600; second++) {
    yield* TestClock.adjust(1000)
    if (second % 120 === 0) yield* fake.dropStream()
    // The account drifts 0.4 % every 30 s: a re-read of every asset each time it has moved more than 1 %.
    if (second % 30 === 0) yield* fake.setStreamAccount(KEY, figures(vmw *= 1.004))
    for (const age of yield* watcher.ages) if (age.ageMs !== undefined) ages.push(age.ageMs)
  }
  const weightPerMinute = Array.from({ length: 10 }, () => 0)
  for (const entry of yield* fake.requests) {
    if (entry.path === PM && entry.time < 600_000) weightPerMinute[Math.floor(entry.time / 60_000)]! += 5
  }
  return { ages: ages.sort((a, b) => a - b), weightPerMinute }
})

describe("Watch soak (virtual time)", () => {
  it.effect(
    "10 assets, default share, drops and 429s: within the share, figures under a minute old",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const { ages, weightPerMinute } = yield* soak
        // Never more than the share (240 of 2400 a minute), and the default maxAgeMs held.
        expect(Math.max(...weightPerMinute)).toBeLessThanOrEqual(240)
        expect(percentile(ages, 0.5)).toBeLessThan(54_000)
        expect(percentile(ages, 0.99)).toBeLessThan(60_000)
      })).pipe(Effect.provide(Layer.mergeAll(
        FakeBinance.layer({ accounts: [account] }),
        Credentials.layerHmac({ apiKey: KEY, secretKey: SECRET }),
        BinanceClock.layer
      ))),
    60_000
  )
})
