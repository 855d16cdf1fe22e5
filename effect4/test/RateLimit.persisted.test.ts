// Bans and pauses that outlive the process (RateLimit.layerPersisted, RateLimit.layerConfig, createClient's
// stateDir), and a host clock that jumps, in the Effect 4 edition. A restart is the process-wide budgets emptied
// and a new layer or client on the same directory: all a new process would have. The state file's own rules are
// the core's (src/internal/core/stateFile.ts), specified by the root's test/stateFile.test.ts.
import { afterAll, describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import { TestClock } from "effect/testing"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as FakeBinance from "../src/FakeBinance.js"
import * as Budgets from "../src/internal/core/budgets.js"
import * as PortfolioMargin from "../src/PortfolioMargin.js"
import { createClient } from "../src/promise.js"
import * as RateLimit from "../src/RateLimit.js"
import { env, hmacAccount, KEY, PM, requests, SECRET } from "./helpers.js"

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
const enqueue = (fault: FakeBinance.Fault) =>
  Effect.flatMap(Effect.service(FakeBinance.FakeBinance), (f) => f.enqueueFault(fault, { path: PM, count: 1 }))
const sent = Effect.map(requests(PM), (log) => log.length)
const persisted = (directory: string) => Effect.provide(RateLimit.layerPersisted({ directory }))

describe("RateLimit.layerPersisted", () => {
  it.effect("a process started inside a ban fails at once with IpBanned and the time left, sending nothing", () =>
    Effect.gen(function*() {
      yield* restart
      const directory = tempDir()
      yield* enqueue(FakeBinance.Fault.banned(120))
      expect(yield* Effect.flip(call.pipe(persisted(directory)))).toMatchObject({ _tag: "IpBanned" })
      yield* restart
      const next = yield* Effect.flip(call.pipe(persisted(directory)))
      expect(next).toMatchObject({ _tag: "IpBanned", status: 418 })
      expect((next as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(100_000)
      expect((next as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(120_000)
      expect(yield* sent).toBe(1)
    }).pipe(Effect.provide(env())))

  it.effect("a 429 pause longer than the caller waits fails the next process with RateLimited", () =>
    Effect.gen(function*() {
      yield* restart
      const directory = tempDir()
      yield* enqueue(FakeBinance.Fault.rateLimited(60))
      yield* Effect.flip(call.pipe(persisted(directory)))
      yield* restart
      expect(yield* Effect.flip(call.pipe(persisted(directory)))).toMatchObject({ _tag: "RateLimited", status: 429 })
      expect(yield* sent).toBe(1)
    }).pipe(Effect.provide(env())))

  it.effect("a corrupt state file: the call goes through, one warning is logged", () =>
    Effect.gen(function*() {
      yield* restart
      const directory = tempDir()
      Fs.writeFileSync(Path.join(directory, "gate-state.json"), "garbage")
      const logs: Array<string> = []
      const capture = Logger.layer([
        Logger.make(({ logLevel, message }) => {
          logs.push(`${logLevel} ${Array.isArray(message) ? message.map(String).join(" ") : String(message)}`)
        })
      ])
      yield* Effect.andThen(call, call).pipe(persisted(directory), Effect.provide(capture))
      expect(yield* sent).toBe(2)
      const warnings = logs.filter((line) => line.startsWith("Warn"))
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toMatch(/gate-state\.json: is ignored/)
    }).pipe(Effect.provide(env())))

  it.effect("an invalid directory is InvalidConfiguration, nothing sent", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(call.pipe(persisted("")))
      expect(error).toMatchObject({ _tag: "InvalidConfiguration", field: "directory" })
      expect(yield* sent).toBe(0)
    }).pipe(Effect.provide(env())))

  it.effect("RateLimit.layerConfig reads BINANCE_STATE_DIR", () =>
    Effect.gen(function*() {
      yield* restart
      const directory = tempDir()
      yield* enqueue(FakeBinance.Fault.banned(120))
      const provider = ConfigProvider.fromEnv({ env: { BINANCE_STATE_DIR: directory } })
      const layer = RateLimit.layerConfig().pipe(Layer.provide(ConfigProvider.layer(provider)))
      yield* Effect.flip(call.pipe(Effect.provide(layer)))
      expect(Fs.existsSync(Path.join(directory, "gate-state.json"))).toBe(true)
    }).pipe(Effect.provide(env())))
})

describe("a host clock that jumps", () => {
  /** The test clock, with a wall clock that can be stepped (its monotonic time is not). */
  const jumping = (base: Clock.Clock) => {
    let step = 0
    const wall = () => base.currentTimeMillisUnsafe() + step
    const clock: Clock.Clock = {
      currentTimeMillisUnsafe: wall,
      currentTimeMillis: Effect.sync(wall),
      currentTimeNanosUnsafe: () => BigInt(wall()) * 1_000_000n,
      currentTimeNanos: Effect.sync(() => BigInt(wall()) * 1_000_000n),
      monotonicTimeNanosUnsafe: () => base.monotonicTimeNanosUnsafe(),
      monotonicTimeNanos: Effect.sync(() => base.monotonicTimeNanosUnsafe()),
      sleep: (duration) => base.sleep(duration)
    }
    return { clock, jump: (ms: number) => (step += ms) }
  }

  it.effect("stepped forward or back by minutes during a 30 s pause: it neither ends early nor grows, and the call ends", () =>
    Effect.gen(function*() {
      const { clock, jump } = jumping(yield* Effect.clockWith(Effect.succeed))
      const run = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.provideService(effect, Clock.Clock, clock)
      yield* enqueue(FakeBinance.Fault.rateLimited(30))
      expect(yield* Effect.flip(run(call))).toMatchObject({ _tag: "RateLimited" })
      jump(5 * 60_000)
      const early = yield* Effect.flip(run(call))
      expect(early).toMatchObject({ _tag: "RateLimited" })
      expect((early as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(30_000)
      expect(yield* sent).toBe(1)
      // stepped back 10 minutes: the pause is not 10 minutes longer
      jump(-10 * 60_000)
      const late = yield* Effect.flip(run(call))
      expect((late as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(30_000)
      // back on time (the exchange's clock never moved), the call goes once the 30 s are over: no hang
      jump(5 * 60_000)
      yield* TestClock.adjust("25 seconds")
      const fiber = yield* Effect.forkChild(run(call))
      yield* TestClock.adjust("10 seconds")
      yield* Fiber.join(fiber)
      expect(yield* sent).toBe(2)
    }).pipe(Effect.provide(env())))
})

describe("createClient({ stateDir })", () => {
  it.live("a client created inside a ban rejects at once with IpBanned and the time left, sending nothing", () =>
    Effect.scoped(Effect.gen(function*() {
      yield* restart
      const directory = tempDir()
      const { baseUrl, fake } = yield* FakeBinance.serve({ accounts: [hmacAccount] })
      yield* fake.enqueueFault(FakeBinance.Fault.banned(120))
      const options = { apiKey: KEY, secretKey: SECRET, baseUrl, stateDir: directory }
      const first = createClient(options)
      const error = yield* Effect.promise(() => first.pmAccountInfo({ asset: "BTC" }).catch((e: unknown) => e))
      expect(error).toMatchObject({ _tag: "IpBanned" })
      yield* Effect.promise(() => first.close())
      const before = (yield* fake.requests).length
      yield* restart
      const second = createClient(options)
      const next = yield* Effect.promise(() => second.pmAccountInfo({ asset: "BTC" }).catch((e: unknown) => e))
      yield* Effect.promise(() => second.close())
      expect(next).toMatchObject({ _tag: "IpBanned", status: 418 })
      expect((next as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(100_000)
      expect((yield* fake.requests).length).toBe(before)
    })))

  it("an empty stateDir is refused synchronously", () => {
    expect(() => createClient({ apiKey: KEY, secretKey: SECRET, stateDir: "" })).toThrow(
      expect.objectContaining({ _tag: "InvalidConfiguration", field: "stateDir" })
    )
  })
})
