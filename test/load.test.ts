// The budget holds under load: in one process (64 fibers, virtual time, the real 2400/min) and across four
// processes sharing Redis (real time, real HTTP, a lowered limit so a run takes about a minute).
import { afterAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { Redis } from "ioredis"
import * as ChildProcess from "node:child_process"
import * as Crypto from "node:crypto"
import * as Readline from "node:readline"
import * as FakeBinance from "../src/FakeBinance.js"
import { BinanceClock, Credentials, PortfolioMargin, RateLimit } from "../src/index.js"
import { BTC, KEY, SECRET } from "./FakeBinance.helpers.js"
import { redisTitle, startRedis } from "./utils/redis.js"

const redis = await startRedis()
afterAll(() => redis?.stop())

const MINUTE = 60_000
const weightOf = (path: string) => (path === "/fapi/v1/time" ? 1 : 5)

/** Accepted weight (answered 200) per minute window of server time, and the statuses seen. */
const tally = (log: ReadonlyArray<FakeBinance.LogEntry>) => {
  const accepted = new Map<number, number>()
  const statuses = new Map<number, number>()
  for (const entry of log) {
    statuses.set(entry.status, (statuses.get(entry.status) ?? 0) + 1)
    if (entry.status !== 200) continue
    const window = Math.floor(entry.time / MINUTE)
    accepted.set(window, (accepted.get(window) ?? 0) + weightOf(entry.path))
  }
  return { accepted, statuses }
}

describe("load: one process", () => {
  it.effect(
    "64 callers for 2.5 virtual minutes at 2400/min: no 429, no 418, every full minute ≥ 90% used",
    () =>
      Effect.gen(function*() {
        const start = 28_333_000 * MINUTE // a window boundary, in 2023
        yield* TestClock.setTime(start)
        const fake = yield* FakeBinance.FakeBinance
        const outcomes = new Map<string, number>()
        const call = PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(
          Effect.match({ onFailure: (error) => error._tag, onSuccess: () => "ok" }),
          Effect.map((outcome) => void outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1))
        )
        const callers = yield* Effect.fork(
          Effect.forEach(Array.from({ length: 64 }), () => Effect.forever(call), { concurrency: 64, discard: true })
        )
        for (let t = 0; t < 150_000; t += 500) yield* TestClock.adjust("500 millis")
        yield* Fiber.interrupt(callers)

        const { accepted, statuses } = tally(yield* fake.requests)
        console.info(
          `[load] 64 fibers, 2400/min, 150 virtual s: accepted weight per minute ${
            JSON.stringify([...accepted.values()])
          }`
        )
        expect(statuses.get(429)).toBeUndefined()
        expect(statuses.get(418)).toBeUndefined()
        expect([...statuses.keys()]).toEqual([200])
        const first = start / MINUTE
        for (const window of [first, first + 1]) {
          expect(accepted.get(window)).toBeGreaterThanOrEqual(0.9 * 2400)
          expect(accepted.get(window)).toBeLessThanOrEqual(2400)
        }
        // The third minute is half over: its budget went out at once, as the first two did.
        expect(accepted.get(first + 2)).toBe(2400)
        expect([...outcomes.keys()]).toEqual(["ok"])
        expect(outcomes.get("ok")).toBe(3 * 480)
      }).pipe(Effect.provide(Layer.mergeAll(
        FakeBinance.layer({ accounts: [{ apiKey: KEY, hmacSecret: SECRET, assets: { BTC } }] }),
        Credentials.layerHmac({ apiKey: KEY, secretKey: SECRET }),
        BinanceClock.layer,
        RateLimit.layer
      ))),
    60_000
  )
})

interface Worker {
  readonly name: string
  readonly child: ChildProcess.ChildProcessWithoutNullStreams
  readonly next: (event: string) => Promise<Record<string, unknown>>
  readonly stderr: () => string
}

const spawnWorker = (name: string, env: Record<string, string>): Worker => {
  const child = ChildProcess.spawn(process.execPath, ["--import", "tsx", "test/workers/rate-limit-worker.ts"], {
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "pipe"]
  })
  let stderr = ""
  child.stderr.on("data", (chunk: Buffer) => void (stderr += chunk.toString()))
  const lines = Readline.createInterface({ input: child.stdout })
  const seen: Array<Record<string, unknown>> = []
  const waiting: Array<() => void> = []
  lines.on("line", (line) => {
    if (!line.startsWith("{")) return
    seen.push(JSON.parse(line))
    waiting.splice(0).forEach((wake) => wake())
  })
  child.on("exit", () => waiting.splice(0).forEach((wake) => wake()))
  const next = (event: string): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = seen.find((m) => m["event"] === event)
        if (found) return resolve(found)
        if (child.exitCode !== null || child.signalCode !== null) {
          return reject(
            new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before "${event}": ${stderr}`)
          )
        }
        waiting.push(check)
      }
      check()
    })
  return { name, child, next, stderr: () => stderr }
}

describe.skipIf(redis === undefined)(redisTitle("load: four processes sharing one Redis", redis), () => {
  it.live(
    "300/min shared by 4 workers: no 429, no 418, each minute ≥ 85% used; a worker killed mid-request costs only its own minute",
    () =>
      Effect.gen(function*() {
        const limit = 300
        const keyPrefix = `load:${Crypto.randomUUID()}:`
        const accounts = ["w1", "w2", "w3", "victim"].map((name) => ({
          apiKey: `${KEY.slice(0, 40)}${name.padEnd(24, "x")}`,
          hmacSecret: SECRET,
          assets: { BTC }
        }))
        const { baseUrl, fake } = yield* FakeBinance.serve({ accounts, weightLimit: limit })
        const workers = accounts.map((account, i) =>
          spawnWorker(i === 3 ? "victim" : `worker ${i + 1}`, {
            BASE_URL: baseUrl,
            REDIS_URL: redis!.url,
            KEY_PREFIX: keyPrefix,
            API_KEY: account.apiKey,
            SECRET_KEY: SECRET,
            WEIGHT_LIMIT: String(limit),
            CONCURRENCY: "4",
            STALL_MS: i === 3 ? "5000" : "0"
          })
        )
        yield* Effect.addFinalizer(() => Effect.sync(() => workers.forEach((w) => w.child.kill("SIGKILL"))))
        yield* Effect.promise(() => Promise.all(workers.map((w) => w.next("loaded"))))
        // Start on a window boundary without waiting for one: set the server's clock to end a minute 4 s from
        // now. The workers learn its offset when they build their layers, after this.
        const now = Date.now()
        const startAt = Math.ceil((now + 4_000) / MINUTE) * MINUTE
        const skew = startAt - (now + 4_000)
        yield* fake.setServerSkew(skew)
        // The second minute's budget goes in its first milliseconds; the rest is slack for a busy machine.
        const plan = `${JSON.stringify({ startAt, runUntil: startAt + MINUTE + 6_000 })}\n`
        workers.forEach((w) => w.child.stdin.write(plan))
        yield* Effect.promise(() => Promise.all(workers.map((w) => w.next("ready"))))
        expect(Date.now() + skew).toBeLessThan(startAt)

        // The victim reserves its share at the start of the minute, holds its requests, and dies 2.5 s in.
        yield* Effect.sleep(startAt + 2_500 - (Date.now() + skew))
        workers[3]!.child.kill("SIGKILL")
        const done = yield* Effect.promise(() => Promise.all(workers.slice(0, 3).map((w) => w.next("done"))))

        const log = yield* fake.requests
        const { accepted, statuses } = tally(log)
        const first = startAt / MINUTE
        console.info(
          `[load] 4 processes, ${limit}/min through Redis: accepted weight ${accepted.get(first)} then ` +
            `${accepted.get(first + 1)}; statuses ${JSON.stringify(Object.fromEntries(statuses))}`
        )
        expect(statuses.get(429) ?? 0).toBe(0)
        expect(statuses.get(418) ?? 0).toBe(0)
        expect(accepted.get(first)).toBeGreaterThanOrEqual(0.85 * limit)
        expect(accepted.get(first + 1)).toBeGreaterThanOrEqual(0.85 * limit)
        for (const window of accepted.keys()) expect(accepted.get(window)).toBeLessThanOrEqual(limit)
        // The victim never sent a pmAccountInfo: its reservations in the first minute were simply lost, and
        // the next minute went to the survivors in full.
        const byKey = (apiKey: string) =>
          log.filter((e) => e.path === "/fapi/v1/pmAccountInfo" && Redacted.value(e.apiKey!) === apiKey)
        expect(byKey(accounts[3]!.apiKey)).toEqual([])
        for (const account of accounts.slice(0, 3)) {
          expect(byKey(account.apiKey).some((e) => Math.floor(e.time / MINUTE) === first + 1)).toBe(true)
        }
        for (const message of done) expect(Object.keys(message["counts"] as object)).toEqual(["ok"])
        // Nothing stays in Redis for good.
        const client = new Redis(redis!.url)
        const keys = yield* Effect.promise(() => client.keys(`${keyPrefix}*`))
        const ttls = yield* Effect.promise(() => Promise.all(keys.map((k) => client.pttl(k))))
        yield* Effect.promise(() => client.quit())
        expect(keys.length).toBeGreaterThan(0)
        for (const ttl of ttls) expect(ttl).toBeGreaterThan(0)
      }).pipe(Effect.scoped),
    120_000
  )
})
