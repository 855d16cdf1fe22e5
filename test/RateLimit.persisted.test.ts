// Bans and pauses that outlive the process (RateLimit.layerPersisted, RateLimit.layerConfig, createClient's
// stateDir), and a host clock that jumps. A restart is the process-wide budgets emptied and a new layer or client
// on the same directory: all a new process would have.
import { afterAll, describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as ConfigProvider from "effect/ConfigProvider"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as TestClock from "effect/TestClock"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { PortfolioMargin, RateLimit } from "../src/index.js"
import * as Budgets from "../src/internal/core/budgets.js"
import { createClient } from "../src/promise.js"
import { FakeBinance } from "../src/testing.js"
import { testEnv } from "./utils/env.js"
import { API_KEY, HMAC_SECRET } from "./utils/keys.js"
import { binance, ok } from "./utils/mockHttp.js"

const call = PortfolioMargin.pmAccountInfo({ asset: "BTC" })
const made: Array<string> = []
const tempDir = () => {
  const directory = Fs.mkdtempSync(Path.join(Os.tmpdir(), "gate-persisted-"))
  made.push(directory)
  return directory
}
afterAll(() => {
  for (const directory of made) Fs.rmSync(directory, { recursive: true, force: true })
})
/** What a new process starts with: no budgets in memory. */
const restart = Effect.sync(() => Budgets.processBudgets().clear())

const banned = (index: number) =>
  Effect.succeed(
    index === 0 ? binance(418, -1003, "Way too many requests; IP banned.", { "retry-after": "120" }) : ok()
  )

describe("RateLimit.layerPersisted", () => {
  it.effect("a process started inside a ban fails at once with IpBanned and the time left, sending nothing", () =>
    Effect.gen(function*() {
      yield* restart
      const directory = tempDir()
      const env = testEnv((_, index) => banned(index))
      const first = yield* Effect.flip(
        call.pipe(Effect.provide(RateLimit.layerPersisted({ directory })), Effect.provide(env.layer))
      )
      expect(first).toMatchObject({ _tag: "IpBanned", retryAfterMs: 120_000 })
      yield* restart
      const next = yield* Effect.flip(
        call.pipe(Effect.provide(RateLimit.layerPersisted({ directory })), Effect.provide(env.layer))
      )
      expect(next._tag).toBe("IpBanned")
      expect(next).toMatchObject({ status: 418 })
      expect((next as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(100_000)
      expect((next as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(120_000)
      expect(env.requests).toHaveLength(1)
    }))

  it.effect("a 429 pause longer than the caller waits fails the next process with RateLimited", () =>
    Effect.gen(function*() {
      yield* restart
      const directory = tempDir()
      const env = testEnv((_, index) =>
        Effect.succeed(index === 0 ? binance(429, -1003, "Too many requests.", { "retry-after": "60" }) : ok())
      )
      yield* Effect.flip(call.pipe(Effect.provide(RateLimit.layerPersisted({ directory })), Effect.provide(env.layer)))
      yield* restart
      const next = yield* Effect.flip(
        call.pipe(Effect.provide(RateLimit.layerPersisted({ directory })), Effect.provide(env.layer))
      )
      expect(next).toMatchObject({ _tag: "RateLimited", status: 429 })
      expect(env.requests).toHaveLength(1)
    }))

  it.effect("a corrupt state file: the call goes through, one warning is logged", () =>
    Effect.gen(function*() {
      yield* restart
      const directory = tempDir()
      Fs.writeFileSync(Path.join(directory, "gate-state.json"), "garbage")
      const env = testEnv(() => Effect.succeed(ok()))
      const logs: Array<string> = []
      const logger = Logger.make(({ logLevel, message }) => logs.push(`${logLevel.label} ${String(message)}`))
      const layer = RateLimit.layerPersisted({ directory })
      const twice = Effect.zipRight(call, call).pipe(Effect.provide(layer), Effect.provide(env.layer))
      yield* twice.pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
      expect(env.requests).toHaveLength(2)
      expect(logs.filter((line) => line.startsWith("WARN"))).toHaveLength(1)
      expect(logs[0]).toMatch(/gate-state\.json: is ignored/)
    }))

  it.effect("an invalid directory is InvalidConfiguration", () =>
    Effect.gen(function*() {
      const env = testEnv(() => Effect.succeed(ok()))
      const layer = RateLimit.layerPersisted({ directory: "" })
      const error = yield* Effect.flip(call.pipe(Effect.provide(layer), Effect.provide(env.layer)))
      expect(error).toMatchObject({ _tag: "InvalidConfiguration", field: "directory" })
      expect(env.requests).toHaveLength(0)
    }))

  it.effect("RateLimit.layerConfig reads BINANCE_STATE_DIR", () =>
    Effect.gen(function*() {
      yield* restart
      const directory = tempDir()
      const env = testEnv((_, index) => banned(index))
      const provider = ConfigProvider.fromMap(new Map([["BINANCE_STATE_DIR", directory]]))
      const layer = RateLimit.layerConfig().pipe(Layer.provide(Layer.setConfigProvider(provider)))
      yield* Effect.flip(call.pipe(Effect.provide(layer), Effect.provide(env.layer)))
      expect(Fs.existsSync(Path.join(directory, "gate-state.json"))).toBe(true)
    }))
})

describe("a host clock that jumps", () => {
  /** The test clock, with a wall clock that can be stepped (its nanoseconds, the monotonic time, are not). */
  const jumping = (base: Clock.Clock) => {
    let step = 0
    const clock: Clock.Clock = {
      [Clock.ClockTypeId]: Clock.ClockTypeId,
      unsafeCurrentTimeMillis: () => base.unsafeCurrentTimeMillis() + step,
      currentTimeMillis: Effect.sync(() => base.unsafeCurrentTimeMillis() + step),
      unsafeCurrentTimeNanos: () => base.unsafeCurrentTimeNanos(),
      currentTimeNanos: Effect.sync(() => base.unsafeCurrentTimeNanos()),
      sleep: (duration: Duration.Duration) => base.sleep(duration)
    }
    return { clock, jump: (ms: number) => (step += ms) }
  }

  it.effect("stepped forward or back by minutes during a 30 s pause: it neither ends early nor grows, and the call ends", () =>
    Effect.gen(function*() {
      const { clock, jump } = jumping(yield* Effect.clock)
      const env = testEnv((_, index) =>
        Effect.succeed(index === 0 ? binance(429, -1003, "Too many requests.", { "retry-after": "30" }) : ok())
      )
      const run = <A, E>(effect: Effect.Effect<A, E, never>) => Effect.withClock(effect, clock)
      const send = call.pipe(Effect.provide(env.layer))
      expect(yield* Effect.flip(run(send))).toMatchObject({ _tag: "RateLimited" })
      jump(5 * 60_000)
      const early = yield* Effect.flip(run(send))
      expect(early).toMatchObject({ _tag: "RateLimited" })
      expect((early as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(30_000)
      expect(env.requests).toHaveLength(1)
      // stepped back 10 minutes: the pause is not 10 minutes longer
      jump(-10 * 60_000)
      const late = yield* Effect.flip(run(send))
      expect((late as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(30_000)
      // back on time (the exchange's clock never moved), the call goes once the 30 s are over: no hang
      jump(5 * 60_000)
      yield* TestClock.adjust("25 seconds")
      const fiber = yield* Effect.fork(run(send))
      yield* TestClock.adjust("10 seconds")
      yield* Fiber.join(fiber)
      expect(env.requests).toHaveLength(2)
    }))
})

describe("createClient({ stateDir })", () => {
  it.scopedLive("a client created inside a ban rejects at once with IpBanned and the time left, sending nothing", () =>
    Effect.gen(function*() {
      yield* restart
      const directory = tempDir()
      const { baseUrl, fake } = yield* FakeBinance.serve({
        accounts: [{
          apiKey: API_KEY,
          hmacSecret: HMAC_SECRET,
          assets: { BTC: { maxWithdrawAmount: "1", maxWithdrawAmountUSD: "1" } }
        }]
      })
      yield* fake.enqueueFault(FakeBinance.Fault.banned(120))
      const options = { apiKey: API_KEY, secretKey: HMAC_SECRET, baseUrl, stateDir: directory }
      const first = createClient(options)
      const error = yield* Effect.promise(() => first.pmAccountInfo({ asset: "BTC" }).catch((e: unknown) => e))
      expect(error).toMatchObject({ _tag: "IpBanned" })
      yield* Effect.promise(() => first.close())
      const sent = (yield* fake.requests).length
      yield* restart
      const second = createClient(options)
      const next = yield* Effect.promise(() => second.pmAccountInfo({ asset: "BTC" }).catch((e: unknown) => e))
      yield* Effect.promise(() => second.close())
      expect(next).toMatchObject({ _tag: "IpBanned", status: 418 })
      expect((next as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(100_000)
      expect((yield* fake.requests).length).toBe(sent)
    }))

  it("an empty stateDir is refused synchronously", () => {
    expect(() => createClient({ apiKey: API_KEY, secretKey: HMAC_SECRET, stateDir: "" })).toThrow(
      expect.objectContaining({ _tag: "InvalidConfiguration", field: "stateDir" })
    )
  })
})
