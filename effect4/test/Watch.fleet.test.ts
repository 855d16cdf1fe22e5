// A fleet's watchers pace their routine reads together through Redis (Effect 4 edition): the shared budget,
// slots, bounds and warning (test/cases/watchFleet.ts) against this edition's gate and watchers. Redis is REDIS_URL,
// else a redis-server of our own, else visibly skipped. The watchers run on the real clock (Redis answers in real
// time) at a high share, so the pace is 125 ms; the specs bound what the pace allows, never how fast this machine is.
import { afterAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Scope from "effect/Scope"
import {
  assets,
  claimedSlots,
  fleetAssets,
  freshKeyPrefix,
  type Gates,
  INTERVAL_MS,
  PACE_KEY_TTL_MAX,
  paceBound,
  redisUnavailable,
  sharedSlots,
  spacedApart,
  stalledSlots
} from "../../test/cases/watchFleet.js"
import { redisTitle, startRedis, tcpProxy } from "../../test/utils/redis.js"
import * as FakeBinance from "../src/FakeBinance.js"
import { BinanceClock, Credentials, RateLimit } from "../src/index.js"
import { RateLimitRedis } from "../src/redis.js"
import * as Watch from "../src/Watch.js"
import { BTC, hmacAccount, KEY, PM, SECRET } from "./helpers.js"

const server = await startRedis()
afterAll(() => server?.stop())

const account: FakeBinance.Account = { ...hmacAccount, assets: fleetAssets(BTC) }
const WARNING = redisUnavailable("Warn")

const env = Layer.mergeAll(
  FakeBinance.layer({ accounts: [account] }),
  Credentials.layerHmac({ apiKey: KEY, secretKey: SECRET }),
  BinanceClock.layer
)

const reads = Effect.map(
  Effect.flatMap(Effect.service(FakeBinance.FakeBinance), (fake) => fake.requests),
  (log) => log.filter((entry) => entry.path === PM)
)

/** Waits (real time, bounded) until the fake has seen `count` reads. */
const readsReach = (count: number) =>
  Effect.gen(function*() {
    for (let i = 0; i < 500 && (yield* reads).length < count; i++) yield* Effect.sleep("10 millis")
    return yield* reads
  })

/** At most one read per interval since `startedAt`: each went at or after a slot, the slots an interval apart. */
const withinPace = (times: ReadonlyArray<number>, startedAt: number, until: number) => {
  const { allowed, reads } = paceBound(times, startedAt, until)
  expect(reads).toBeLessThanOrEqual(allowed)
}

/** This edition's Redis gates, run to Promises, all in one scope that `close` ends; their warnings to `logs`. */
const gates = (logs: Array<string>): Gates => {
  const scope = Effect.runSync(Scope.make())
  return {
    make: (options) =>
      Effect.runPromise(Scope.provide(scope)(RateLimitRedis.make(options)).pipe(Effect.provide(capture(logs)))).then(
        (gate) => ({
          pace: (key, intervalMs, now) =>
            Effect.runPromise(gate.pace!(key, intervalMs, now).pipe(Effect.provide(capture(logs))))
        })
      ),
    close: () => Effect.runPromise(Scope.close(scope, Exit.void))
  }
}

const capture = (logs: Array<string>) =>
  Logger.layer([
    Logger.make(({ logLevel, message }) => {
      logs.push(`${logLevel} ${String(Array.isArray(message) ? message[0] : message)}`)
    })
  ])

describe.skipIf(server === undefined)(
  redisTitle("Watch: a fleet's watchers pace together through Redis", server),
  () => {
    it.live("the gate hands out the budget's slots an interval apart to every process, and the key expires", () =>
      Effect.gen(function*() {
        const { claims, late, otherBudget, ttl } = yield* Effect.promise(() =>
          sharedSlots(gates([]), server!.url, "test4")
        )
        expect(claims).toEqual(claimedSlots)
        expect(late).toBe(5_000)
        expect(otherBudget).toBe(1_000)
        expect(ttl).toBeGreaterThan(0)
        expect(ttl).toBeLessThanOrEqual(PACE_KEY_TTL_MAX)
      }))

    it.live("Redis stalled: each claim falls back after the command timeout, at the process's own pace, never hangs", () =>
      Effect.gen(function*() {
        const logs: Array<string> = []
        const { elapsed, first, slots } = yield* Effect.promise(() => stalledSlots(gates(logs), server!.port, "test4"))
        expect(first).toBe(1_000)
        expect(slots).toEqual([1_100, 1_200])
        expect(elapsed).toBeGreaterThanOrEqual(2 * 200)
        expect(elapsed).toBeLessThan(5_000)
        expect(logs).toEqual([WARNING])
      }))

    it.live("two watchers on two gates sharing one Redis spend the share between them, on slots an interval apart", () =>
      Effect.scoped(Effect.gen(function*() {
        const keyPrefix = freshKeyPrefix("test4")
        const slots: Array<readonly [string, number]> = []
        const watcher = (name: string) =>
          Effect.gen(function*() {
            const gate = yield* RateLimitRedis.make({ url: server!.url, keyPrefix })
            const spied: RateLimit.Service = {
              ...gate,
              pace: (key, intervalMs, now) =>
                Effect.tap(gate.pace!(key, intervalMs, now), (at) => Effect.sync(() => slots.push([name, at])))
            }
            return yield* Watch.make({ assets: assets(name), maxAgeMs: 1000, weightShare: 1, stream: false }).pipe(
              Effect.provideService(RateLimit.RateLimit, spied)
            )
          })
        const startedAt = Date.now()
        const [first, second] = [yield* watcher("A"), yield* watcher("B")]
        expect(first.plan.intervalMs).toBe(INTERVAL_MS)
        expect(second.plan.intervalMs).toBe(INTERVAL_MS)
        yield* readsReach(8)
        yield* Effect.sleep("300 millis")
        const until = Date.now()
        withinPace((yield* reads).map((entry) => entry.time), startedAt, until)
        // Both processes claimed, and no two slots of the fleet are closer than the interval.
        expect(new Set(slots.map(([name]) => name))).toEqual(new Set(["A", "B"]))
        expect(spacedApart(slots.map(([, at]) => at))).toBe(true)
      })).pipe(Effect.provide(env)))

    it.live("Redis gone before the watcher starts: it paces on its own at once, with one warning", () => {
      const logs: Array<string> = []
      return Effect.scoped(Effect.gen(function*() {
        const relay = yield* Effect.acquireRelease(
          Effect.promise(() => tcpProxy(server!.port)),
          (p) => Effect.promise(() => p.down())
        )
        const gate = yield* RateLimitRedis.make({
          url: `redis://127.0.0.1:${relay.port}`,
          keyPrefix: freshKeyPrefix("test4"),
          commandTimeout: "300 millis"
        })
        yield* Effect.promise(() => relay.down())
        const startedAt = Date.now()
        yield* Watch.make({ assets: assets("A"), maxAgeMs: 1000, weightShare: 1, stream: false }).pipe(
          Effect.provideService(RateLimit.RateLimit, gate)
        )
        const sent = yield* readsReach(4)
        expect(sent.length).toBeGreaterThanOrEqual(4)
        withinPace(sent.map((entry) => entry.time), startedAt, Date.now())
        expect(logs.filter((line) => line.includes("Redis unavailable"))).toEqual([WARNING])
      })).pipe(Effect.provide(env), Effect.provide(capture(logs)))
    })
  }
)
