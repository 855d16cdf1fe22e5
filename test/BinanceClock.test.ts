import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import { BinanceClock, BinanceConfig, PortfolioMargin, RateLimit } from "../src/index.js"
import { hmacCredentials, testEnv } from "./utils/env.js"
import { binance, type Handler, mockHttp, ok } from "./utils/mockHttp.js"

const SKEW = 7_000
const timestampRejected = binance(400, -1021, "Timestamp for this request is outside of the recvWindow.")

/** A server whose clock runs SKEW ms ahead and that enforces the recvWindow rule. */
const skewedServer: Handler = (request) =>
  Effect.succeed(
    request.url.pathname === "/fapi/v1/time"
      ? { status: 200, body: JSON.stringify({ serverTime: request.time + SKEW }) }
      : (() => {
        const serverTime = request.time + SKEW
        const timestamp = Number(request.url.searchParams.get("timestamp"))
        const recvWindow = Number(request.url.searchParams.get("recvWindow"))
        return timestamp < serverTime + 1000 && serverTime - timestamp <= recvWindow ? ok() : timestampRejected
      })()
  )

describe("BinanceClock", () => {
  it.effect("-1021 → GET /fapi/v1/time → offset learned → one re-signed retry succeeds; the next call reuses it", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_700_000_000_000)
      const env = testEnv(skewedServer)
      const info = yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(env.layer))
      expect(info.asset).toBe("BTC")
      expect(env.requests.map((r) => r.url.pathname)).toEqual([
        "/fapi/v1/pmAccountInfo",
        "/fapi/v1/time",
        "/fapi/v1/pmAccountInfo"
      ])
      expect(env.requests[1]!.headers["x-mbx-apikey"]).toBeUndefined()
      const [first, , second] = env.requests
      expect(Number(second!.url.searchParams.get("timestamp"))).toBe(1_700_000_000_000 + SKEW)
      expect(second!.url.searchParams.get("signature")).not.toBe(first!.url.searchParams.get("signature"))
      const offset = yield* Effect.flatMap(BinanceClock.BinanceClock, (c) => c.offset).pipe(Effect.provide(env.layer))
      expect(offset).toBe(SKEW)
      yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(env.layer))
      expect(env.requests).toHaveLength(4)
    }))

  it.effect("offset = serverTime − (sentAt + receivedAt) / 2", () =>
    Effect.gen(function*() {
      const env = testEnv((request) =>
        Effect.as(Effect.sleep("400 millis"), {
          status: 200,
          body: JSON.stringify({ serverTime: request.time + 5000 })
        })
      )
      const fiber = yield* Effect.fork(
        Effect.flatMap(BinanceClock.BinanceClock, (c) => c.sync).pipe(Effect.provide(env.layer))
      )
      yield* TestClock.adjust("1 second")
      // the server stamped its time when the request arrived (t=0) and answered 400 ms later
      expect(yield* Fiber.join(fiber)).toBe(5000 - 200)
    }))

  it.effect("a second -1021 after re-syncing fails with InvalidTimestamp", () =>
    Effect.gen(function*() {
      const env = testEnv((request) =>
        Effect.succeed(
          request.url.pathname === "/fapi/v1/time"
            ? { status: 200, body: JSON.stringify({ serverTime: request.time }) }
            : timestampRejected
        )
      )
      const error = yield* Effect.flip(PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(env.layer)))
      expect(error).toMatchObject({ _tag: "InvalidTimestamp", status: 400, code: -1021 })
      expect(error.message).toContain("re-syncing")
      expect(env.requests.map((r) => r.url.pathname)).toEqual([
        "/fapi/v1/pmAccountInfo",
        "/fapi/v1/time",
        "/fapi/v1/pmAccountInfo"
      ])
    }))

  it.effect("layerSynced learns the offset up front and refreshes it lazily when older than maxAge", () =>
    Effect.gen(function*() {
      let skew = 3000
      const http = mockHttp((request) =>
        Effect.succeed(
          request.url.pathname === "/fapi/v1/time"
            ? { status: 200, body: JSON.stringify({ serverTime: request.time + skew }) }
            : ok()
        )
      )
      const layer = Layer.mergeAll(
        BinanceClock.layerSynced({ maxAge: "1 minute" }).pipe(Layer.provide(http.layer)),
        http.layer,
        hmacCredentials,
        RateLimit.layer,
        BinanceConfig.layer({})
      )
      yield* Effect.gen(function*() {
        const clock = yield* BinanceClock.BinanceClock
        expect(http.requests.map((r) => r.url.pathname)).toEqual(["/fapi/v1/time"])
        expect(yield* clock.offset).toBe(3000)
        yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" })
        expect(Number(http.requests[1]!.url.searchParams.get("timestamp"))).toBe(3000)
        skew = -2000
        yield* TestClock.adjust("61 seconds")
        yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" })
        expect(http.requests.map((r) => r.url.pathname)).toEqual([
          "/fapi/v1/time",
          "/fapi/v1/pmAccountInfo",
          "/fapi/v1/time",
          "/fapi/v1/pmAccountInfo"
        ])
        expect(yield* clock.offset).toBe(-2000)
        expect(Number(http.requests[3]!.url.searchParams.get("timestamp"))).toBe(61_000 - 2000)
      }).pipe(Effect.provide(layer))
    }))

  it.effect("layerSynced: a failed refresh keeps the old offset, fails no call and is no defect; the next one heals", () =>
    Effect.gen(function*() {
      let timeReply: "ok" | "reset" | "500" | "garbage" = "ok"
      let skew = 4000
      const http = mockHttp((request) =>
        Effect.succeed(
          request.url.pathname !== "/fapi/v1/time"
            ? ok()
            : timeReply === "reset"
            ? "reset" as const
            : timeReply === "500"
            ? { status: 500, body: "<html>down</html>" }
            : timeReply === "garbage"
            ? { status: 200, body: "{\"serverTime\":\"soon\"}" }
            : { status: 200, body: JSON.stringify({ serverTime: request.time + skew }) }
        )
      )
      const layer = Layer.mergeAll(
        BinanceClock.layerSynced({ maxAge: "1 minute" }).pipe(Layer.provide(http.layer)),
        http.layer,
        hmacCredentials,
        RateLimit.layer,
        BinanceConfig.layer({ maxRetries: 0 })
      )
      yield* Effect.gen(function*() {
        const clock = yield* BinanceClock.BinanceClock
        expect(yield* clock.offset).toBe(4000)
        skew = 9000 // the server moved, but it cannot be asked
        for (const [i, reply] of (["reset", "500", "garbage"] as const).entries()) {
          timeReply = reply
          yield* TestClock.adjust("61 seconds")
          const now = 61_000 * (i + 1)
          const before = http.requests.length
          const exit = yield* Effect.exit(PortfolioMargin.pmAccountInfo({ asset: "BTC" }))
          expect(exit._tag, reply).toBe("Success")
          expect(yield* clock.offset, reply).toBe(4000)
          const sent = http.requests.slice(before)
          // the stale offset was due a refresh, and it was tried once: a failure waits maxAge / 10 before the next
          expect(sent[0]!.url.pathname, reply).toBe("/fapi/v1/time")
          expect(sent.filter((r) => r.url.pathname === "/fapi/v1/time"), reply).toHaveLength(1)
          const calls = sent.filter((r) => r.url.pathname === "/fapi/v1/pmAccountInfo")
          expect(calls, reply).toHaveLength(1)
          expect(Number(calls[0]!.url.searchParams.get("timestamp")), reply).toBe(now + 4000)
          // reading the stale clock again at once does not ask again, and answers with the old offset
          expect(yield* clock.currentTimeMillis, reply).toBe(now + 4000)
          expect(http.requests.slice(before).filter((r) => r.url.pathname === "/fapi/v1/time"), reply).toHaveLength(1)
        }
        // once the server answers again, the next stale read learns the new offset
        timeReply = "ok"
        yield* TestClock.adjust("61 seconds")
        yield* PortfolioMargin.pmAccountInfo({ asset: "BTC" })
        expect(yield* clock.offset).toBe(9000)
      }).pipe(Effect.provide(layer))
    }))

  it.effect("layerSynced fails to build with a typed error when the server cannot be reached", () =>
    Effect.gen(function*() {
      const http = mockHttp(() => Effect.succeed("reset" as const))
      const error = yield* Effect.flip(
        Effect.asVoid(BinanceClock.BinanceClock).pipe(
          Effect.provide(BinanceClock.layerSynced().pipe(Layer.provide(http.layer)))
        )
      )
      expect(error._tag).toBe("TransportError")
      expect(error.message).not.toContain("signature")
    }))

  it.effect("time spent waiting at the gate before GET /fapi/v1/time does not skew the learned offset", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_700_000_010_000)
      // every response says the minute's weight is spent, so the re-sync must wait for the next window
      const env = testEnv((request, index) =>
        Effect.map(
          skewedServer(request, index),
          (reply) =>
            reply === "reset" ? reply : { ...reply, headers: { ...reply.headers, "x-mbx-used-weight-1m": "2400" } }
        )
      )
      const fiber = yield* Effect.fork(PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(Effect.provide(env.layer)))
      yield* TestClock.adjust("3 minutes")
      yield* Fiber.join(fiber)
      expect(yield* env.clock.offset).toBe(SKEW)
      expect(env.requests[1]!.time).toBeGreaterThanOrEqual(1_700_000_040_000)
    }))
})
