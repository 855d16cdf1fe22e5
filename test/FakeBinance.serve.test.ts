// The loopback server: real HTTP, real clock, global fetch.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import * as FakeBinance from "../src/FakeBinance.js"
import { hmac, hmacAccount, KEY } from "./FakeBinance.helpers.js"

const Fault = FakeBinance.Fault
const fetchEffect = (url: string, init?: RequestInit) => Effect.promise(() => fetch(url, init))
const attempt = (run: () => Promise<unknown>) =>
  Effect.promise(() => run().then(() => "ok" as const, (error: unknown) => error as Error))

describe("FakeBinance.serve", () => {
  it.live("answers real HTTP requests on 127.0.0.1 with the same rules", () =>
    Effect.scoped(Effect.gen(function*() {
      const { baseUrl, fake } = yield* FakeBinance.serve({ accounts: [hmacAccount] })
      expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(fake.baseUrl).toBe(baseUrl)
      const time = yield* fetchEffect(`${baseUrl}/fapi/v1/time`)
      const { serverTime } = yield* Effect.promise(() => time.json() as Promise<{ serverTime: number }>)
      expect(Math.abs(serverTime - Date.now())).toBeLessThan(5_000)
      const query = `asset=BTC&timestamp=${Date.now()}`
      const response = yield* fetchEffect(`${baseUrl}/fapi/v1/pmAccountInfo?${query}&signature=${hmac(query)}`, {
        headers: { "X-MBX-APIKEY": KEY }
      })
      expect(response.status).toBe(200)
      expect(response.headers.get("X-MBX-USED-WEIGHT-1M")).toBe("6")
      expect(yield* Effect.promise(() => response.text())).toBe(
        "{\"maxWithdrawAmountUSD\":\"1627523.32459208\",\"asset\":\"BTC\",\"maxWithdrawAmount\":\"27.43689636\"}"
      )
      const unsigned = yield* fetchEffect(`${baseUrl}/fapi/v1/pmAccountInfo?${query}`, {
        headers: { "x-mbx-apikey": KEY }
      })
      expect([unsigned.status, yield* Effect.promise(() => unsigned.json())]).toEqual([
        400,
        { code: -1022, msg: "Signature for this request is not valid." }
      ])
      expect((yield* fake.requests).map((e) => e.verdict)).toEqual(["ok", "ok", "-1022 signature-missing"])
    })))

  it.live("reset and truncate are seen by fetch as errors", () =>
    Effect.scoped(Effect.gen(function*() {
      const { baseUrl, fake } = yield* FakeBinance.serve()
      yield* fake.enqueueFault(Fault.reset)
      const reset = yield* attempt(() => fetch(`${baseUrl}/fapi/v1/time`))
      expect(reset).toBeInstanceOf(TypeError)

      yield* fake.enqueueFault(Fault.truncate)
      const truncated = yield* fetchEffect(`${baseUrl}/fapi/v1/time`)
      expect(truncated.status).toBe(200)
      expect(Number(truncated.headers.get("content-length"))).toBeGreaterThan(10)
      expect(yield* attempt(() => truncated.text())).toBeInstanceOf(TypeError)

      // The server keeps serving after both.
      expect((yield* fetchEffect(`${baseUrl}/fapi/v1/time`)).status).toBe(200)
    })))

  it.live("closing the scope closes the server, idle keep-alive and pending (delayed) requests", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const { baseUrl, fake } = yield* Scope.extend(FakeBinance.serve(), scope)
      expect((yield* fetchEffect(`${baseUrl}/fapi/v1/time`)).status).toBe(200) // leaves an idle keep-alive socket
      yield* fake.enqueueFault(Fault.delay("1 hour"))
      const pending = attempt(() => fetch(`${baseUrl}/fapi/v1/time`))
      const pendingFiber = yield* Effect.fork(pending)
      // close once the delayed request is at the server (the fake logs it before the delay), not after a guess
      yield* fake.requestCount.pipe(
        Effect.repeat({ until: (n) => n >= 2, schedule: Schedule.spaced("5 millis") }),
        Effect.timeoutFail({ duration: "20 seconds", onTimeout: () => new Error("the delayed request never arrived") })
      )
      yield* Scope.close(scope, Exit.void)
      expect(yield* pendingFiber.await.pipe(Effect.flatten)).toBeInstanceOf(TypeError)
      expect(yield* attempt(() => fetch(`${baseUrl}/fapi/v1/time`))).toBeInstanceOf(TypeError)
    }))

  it.live("layerServer provides the service with its baseUrl; bad options fail cleanly", () =>
    Effect.gen(function*() {
      const baseUrl = yield* Effect.map(FakeBinance.FakeBinance, (fake) => fake.baseUrl).pipe(
        Effect.provide(FakeBinance.layerServer())
      )
      expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const error = yield* Effect.flip(Layer.build(FakeBinance.layerServer({ port: -1 })).pipe(Effect.scoped))
      expect(error.message).toBe("port must be an integer in 0..65535")
    }))
})
