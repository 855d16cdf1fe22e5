// One bot of a fleet on one host: its own process, its own clock and HTTP pool, sharing only Redis with the
// others. Run by test/load.test.ts as `node --import tsx test/workers/rate-limit-worker.ts`.
//
// Environment: BASE_URL, REDIS_URL, KEY_PREFIX, API_KEY, SECRET_KEY, WEIGHT_LIMIT, CONCURRENCY and STALL_MS
// (hold every pmAccountInfo request this long before sending it: a process that dies mid-request).
// Protocol on stdout, one JSON object a line: {"event":"loaded"} once imported; then, after the parent writes
// {"startAt": ms, "runUntil": ms} (server time) on stdin: {"event":"ready"} once its layers are built, and
// {"event":"done","counts":{...}} at the end.
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Readline from "node:readline"
import { BinanceClock, BinanceConfig, Credentials, PortfolioMargin } from "../../src/index.js"
import { RateLimitRedis } from "../../src/redis.js"

const env = (name: string): string => {
  const value = process.env[name]
  if (value === undefined) throw new Error(`${name} is not set`)
  return value
}

const say = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`)

say({ event: "loaded" })
const plan = await new Promise<{ readonly startAt: number; readonly runUntil: number }>((resolve) => {
  const lines = Readline.createInterface({ input: process.stdin })
  lines.once("line", (line) => {
    lines.close()
    resolve(JSON.parse(line))
  })
})

const stallMs = Number(process.env["STALL_MS"] ?? "0")
const http = stallMs > 0
  ? Layer.effect(
    HttpClient.HttpClient,
    Effect.map(
      HttpClient.HttpClient,
      HttpClient.transform((send, request) =>
        request.url.includes("/pmAccountInfo") ? Effect.delay(send, Duration.millis(stallMs)) : send
      )
    )
  ).pipe(Layer.provide(FetchHttpClient.layer))
  : FetchHttpClient.layer

const base = Layer.mergeAll(
  http,
  BinanceConfig.layer({ baseUrl: env("BASE_URL"), weightLimit: Number(env("WEIGHT_LIMIT")) }),
  RateLimitRedis.layer({ url: env("REDIS_URL"), keyPrefix: env("KEY_PREFIX") })
)
const layer = Layer.mergeAll(
  BinanceClock.layerSynced(),
  Credentials.layerHmac({ apiKey: env("API_KEY"), secretKey: env("SECRET_KEY") })
).pipe(Layer.provideMerge(base))

const program = Effect.gen(function*() {
  const clock = yield* BinanceClock.BinanceClock
  say({ event: "ready", offset: yield* clock.offset })
  const wait = plan.startAt - (yield* clock.currentTimeMillis)
  if (wait > 0) yield* Effect.sleep(Duration.millis(wait))
  const counts: Record<string, number> = {}
  const call = PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(
    Effect.match({ onFailure: (error) => error._tag, onSuccess: () => "ok" }),
    Effect.map((outcome) => {
      counts[outcome] = (counts[outcome] ?? 0) + 1
    })
  )
  const callers = Effect.forEach(
    Array.from({ length: Number(env("CONCURRENCY")) }),
    () => Effect.forever(call),
    { concurrency: "unbounded", discard: true }
  )
  const left = plan.runUntil - (yield* clock.currentTimeMillis)
  yield* Effect.raceFirst(callers, Effect.sleep(Duration.millis(Math.max(0, left))))
  say({ event: "done", counts })
})

await Effect.runPromise(Effect.provide(program, layer))
process.exit(0)
