import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import * as Util from "node:util"
import * as FakeBinance from "../src/FakeBinance.js"
import { expected, faultCases, observe } from "./cases/faults.js"
import { call, hmac, hmacAccount, KEY, outcome, SECRET, signed, TIME, withFake } from "./FakeBinance.helpers.js"

const Fault = FakeBinance.Fault
const fake = FakeBinance.FakeBinance
const get = (path: string) => HttpClient.get(`https://fapi.binance.com${path}`, { headers: { "X-MBX-APIKEY": KEY } })

describe("FakeBinance weight", () => {
  it.effect("every response carries X-MBX-USED-WEIGHT-1M; rejected requests count, unrouted ones do not", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(59_000)
      expect((yield* outcome(TIME)).headers["x-mbx-used-weight-1m"]).toBe("1")
      expect((yield* outcome(signed("asset=BTC&timestamp=1"))).headers["x-mbx-used-weight-1m"]).toBe("6")
      expect((yield* outcome("/fapi/v1/nope")).headers["x-mbx-used-weight-1m"]).toBe("6")
      expect(yield* (yield* fake).usedWeight).toBe(6)
      yield* TestClock.adjust("1 second") // a new minute window on the server clock
      expect(yield* (yield* fake).usedWeight).toBe(0)
      expect((yield* outcome(TIME)).headers["x-mbx-used-weight-1m"]).toBe("1")
    }).pipe(withFake()))

  it.effect("past the limit: 429 -1003 with Retry-After until the window ends", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(15_500)
      yield* (yield* fake).setWeightLimit(10)
      const pm = signed("asset=BTC&timestamp=15500")
      expect(yield* outcome(pm)).toMatchObject({ status: 200 })
      expect(yield* outcome(pm)).toMatchObject({ status: 200, headers: { "x-mbx-used-weight-1m": "10" } })
      const limited = yield* outcome(pm)
      expect(limited).toMatchObject({
        status: 429,
        headers: { "retry-after": "45", "x-mbx-used-weight-1m": "15" },
        body: {
          code: -1003,
          msg: "Too many requests; current limit of IP is 10 requests per minute. " +
            "Please use WebSocket Streams for live updates to avoid polling the API."
        }
      })
      yield* TestClock.adjust("45 seconds") // Retry-After honoured: a fresh window, no ban
      expect(yield* outcome(TIME)).toMatchObject({ status: 200, headers: { "x-mbx-used-weight-1m": "1" } })
    }).pipe(withFake()))

  it.effect("a request inside the 429 back-off earns a 418 ban: 2 minutes, doubling, at most 3 days", () =>
    Effect.gen(function*() {
      yield* (yield* fake).setWeightLimit(1)
      const retryAfters: Array<string> = []
      for (let i = 0; i < 13; i++) {
        expect(yield* outcome(TIME)).toMatchObject({ status: 200 })
        expect(yield* outcome(TIME)).toMatchObject({ status: 429 })
        // what arrives within a second of the 429 was already on its way: another 429, no ban
        yield* TestClock.adjust(999)
        expect(yield* outcome(TIME)).toMatchObject({ status: 429 })
        yield* TestClock.adjust(1)
        const now = yield* (yield* fake).serverTime
        const ban = yield* outcome(TIME)
        expect(ban.status).toBe(418)
        const seconds = Number(ban.headers["retry-after"])
        expect(ban.body.msg).toBe(
          `Way too many requests; IP(127.0.0.1) banned until ${now + seconds * 1000}. ` +
            "Please use WebSocket Streams for live updates to avoid bans."
        )
        retryAfters.push(ban.headers["retry-after"]!)
        // During the ban every request, on any path, gets 418 with the remaining time.
        yield* TestClock.adjust(seconds * 1000 - 1500)
        const during = yield* outcome("/fapi/v1/nope")
        expect(during).toMatchObject({ status: 418, code: -1003, headers: { "retry-after": "2" } })
        yield* TestClock.adjust(1500)
      }
      const minutes = [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 4320].map((m) => String(m * 60))
      expect(retryAfters).toEqual(minutes)
    }).pipe(withFake()))
})

describe("FakeBinance faults: the shared table (test/cases/faults.ts)", () => {
  for (const c of faultCases) {
    it.effect(c.name, () =>
      Effect.gen(function*() {
        const f = yield* fake
        yield* f.enqueueFault(c.fault)
        const fiber = yield* Effect.fork(call(c.on === "time" ? TIME : signed("asset=BTC&timestamp=0")))
        if (c.delayMs !== undefined) {
          yield* TestClock.adjust(c.delayMs - 1)
          expect(Option.isNone(yield* Fiber.poll(fiber))).toBe(true)
          yield* TestClock.adjust(1)
        }
        const response = yield* Fiber.join(fiber)
        expect(observe(c, response, (yield* f.requests)[0]!, yield* call(TIME))).toEqual(expected(c))
      }).pipe(withFake()))
  }
})

describe("FakeBinance faults (in memory)", () => {
  it.effect("respond, html502 and the three 503s", () =>
    Effect.gen(function*() {
      const f = yield* fake
      yield* f.enqueueFault(Fault.respond({ status: 403, body: "WAF", headers: { "x-test": "1" } }))
      yield* f.enqueueFault(Fault.html502)
      yield* f.enqueueFault(Fault.serviceUnavailable("unknown"))
      yield* f.enqueueFault(Fault.serviceUnavailable("unavailable"))
      yield* f.enqueueFault(Fault.serviceUnavailable("internal"))
      const waf = yield* get(TIME)
      expect([waf.status, yield* waf.text, waf.headers["x-test"]]).toEqual([403, "WAF", "1"])
      const html = yield* get(TIME)
      expect(html.status).toBe(502)
      expect(yield* html.text).toContain("<title>502 Bad Gateway</title>")
      const bodies = []
      for (let i = 0; i < 3; i++) {
        const r = yield* get(TIME)
        expect(r.status).toBe(503)
        bodies.push(yield* r.json)
      }
      expect(bodies).toEqual(
        ["unknown", "unavailable", "internal"].map((variant) =>
          faultCases.find((c) => c.fault._tag === "ServiceUnavailable" && c.fault.variant === variant)!.body
        )
      )
      expect((yield* get(TIME)).status).toBe(200)
      expect((yield* f.requests).map((e) => e.verdict)).toEqual([
        "fault:respond",
        "fault:html502",
        "fault:serviceUnavailable",
        "fault:serviceUnavailable",
        "fault:serviceUnavailable",
        "ok"
      ])
    }).pipe(withFake()))

  it.effect("delay answers normally after the delay, and interrupting the caller ends it", () =>
    Effect.gen(function*() {
      const f = yield* fake
      yield* f.enqueueFault(Fault.delay("10 seconds"), { count: 2 })
      const slow = yield* Effect.fork(Effect.flatMap(get(TIME), (r) => r.json))
      yield* TestClock.adjust("9 seconds")
      expect(Option.isNone(yield* Fiber.poll(slow))).toBe(true)
      yield* TestClock.adjust("1 second")
      expect(yield* Fiber.join(slow)).toEqual({ serverTime: 0 })
      const timedOut = yield* get(TIME).pipe(Effect.timeout("5 seconds"), Effect.flip, Effect.fork)
      yield* TestClock.adjust("5 seconds")
      expect((yield* Fiber.join(timedOut))._tag).toBe("TimeoutException")
      yield* f.enqueueFault(Fault.delay("1 hour"))
      const abandoned = yield* Effect.fork(get(TIME))
      yield* TestClock.adjust("1 second")
      expect(Exit.isInterrupted(yield* Fiber.interrupt(abandoned))).toBe(true)
      const log = (yield* f.requests).map((e) => [e.verdict, e.fault])
      expect(log).toEqual([["ok", "Delay"], ["ok", "Delay"], ["ok", "Delay"]])
    }).pipe(withFake()))

  it.effect("reset fails the request with a Transport RequestError", () =>
    Effect.gen(function*() {
      yield* (yield* fake).enqueueFault(Fault.reset)
      const error = yield* Effect.flip(get(TIME))
      expect(error).toBeInstanceOf(HttpClientError.RequestError)
      expect(error).toMatchObject({ reason: "Transport" })
      expect((yield* (yield* fake).requests)[0]).toMatchObject({ status: 0, verdict: "fault:reset" })
    }).pipe(withFake()))

  it.effect("truncate sends a 200 whose body breaks off half-way", () =>
    Effect.gen(function*() {
      yield* (yield* fake).enqueueFault(Fault.truncate)
      const response = yield* get(TIME)
      expect(response.status).toBe(200)
      expect(response.headers["content-length"]).toBe(String("{\"serverTime\":0}".length))
      const error = yield* Effect.flip(response.text)
      expect(error).toMatchObject({ _tag: "ResponseError", reason: "Decode" })
    }).pipe(withFake()))

  it.effect("nonJson200 and wrongSchema200", () =>
    Effect.gen(function*() {
      const f = yield* fake
      yield* f.enqueueFault(Fault.nonJson200)
      yield* f.enqueueFault(Fault.wrongSchema200, { count: 2 })
      const nonJson = yield* get(TIME)
      expect(nonJson.status).toBe(200)
      expect(yield* Effect.flip(nonJson.json)).toMatchObject({ reason: "Decode" })
      expect(yield* Effect.flatMap(get(TIME), (r) => r.json)).toEqual({ serverTime: "soon" })
      expect(yield* Effect.flatMap(get(signed("asset=BTC&timestamp=0")), (r) => r.json)).toEqual({
        maxWithdrawAmountUSD: 1627523.32459208,
        asset: "BTC"
      })
    }).pipe(withFake()))

  it.effect("rateLimited is a 429 with Retry-After that starts a real back-off", () =>
    Effect.gen(function*() {
      yield* (yield* fake).enqueueFault(Fault.rateLimited(7))
      expect(yield* outcome(TIME)).toMatchObject({ status: 429, code: -1003, headers: { "retry-after": "7" } })
      expect(yield* outcome(TIME)).toMatchObject({ status: 429, headers: { "retry-after": "7" } })
      yield* TestClock.adjust("1 second")
      expect(yield* outcome(TIME)).toMatchObject({ status: 418, headers: { "retry-after": "120" } })
      yield* (yield* fake).reset
      yield* (yield* fake).enqueueFault(Fault.rateLimited(7))
      yield* outcome(TIME)
      yield* TestClock.adjust("7 seconds")
      expect(yield* outcome(TIME)).toMatchObject({ status: 200 })
    }).pipe(withFake()))

  it.effect("rateLimitedBare is a 429 without Retry-After: -1003 JSON, empty or HTML, and no back-off", () =>
    Effect.gen(function*() {
      const f = yield* fake
      yield* f.enqueueFault(Fault.rateLimitedBare())
      yield* f.enqueueFault(Fault.rateLimitedBare("empty"))
      yield* f.enqueueFault(Fault.rateLimitedBare("html"))
      const json = yield* outcome(TIME)
      expect(json).toMatchObject({ status: 429, code: -1003, headers: { "content-type": "application/json" } })
      expect(json.body.msg).toMatch(/^Too many requests; current limit of IP is 2400 requests per minute\./)
      const empty = yield* outcome(TIME)
      expect([empty.status, empty.body]).toEqual([429, ""])
      const html = yield* outcome(TIME)
      expect(html).toMatchObject({ status: 429, headers: { "content-type": "text/html" } })
      expect(html.body).toContain("<title>429 Too Many Requests</title>")
      for (const reply of [json, empty, html]) expect(reply.headers["retry-after"]).toBeUndefined()
      // No back-off on the fake: the next request, at once, is answered normally.
      expect(yield* outcome(TIME)).toMatchObject({ status: 200 })
      expect((yield* f.requests).map((e) => [e.status, e.verdict, e.fault])).toEqual([
        [429, "fault:rateLimitedBare", "RateLimitedBare"],
        [429, "fault:rateLimitedBare", "RateLimitedBare"],
        [429, "fault:rateLimitedBare", "RateLimitedBare"],
        [200, "ok", undefined]
      ])
      expect(yield* Effect.flip(f.enqueueFault({ _tag: "RateLimitedBare", body: "xml" } as never)))
        .toMatchObject({ _tag: "FakeBinanceError" })
    }).pipe(withFake()))

  it.effect("wafBlocked is CloudFront's 403 HTML page, without Retry-After, and blocks nothing after it", () =>
    Effect.gen(function*() {
      const f = yield* fake
      yield* f.enqueueFault(Fault.wafBlocked)
      const blocked = yield* outcome(signed("asset=BTC&timestamp=0"))
      expect(blocked).toMatchObject({
        status: 403,
        code: undefined,
        headers: { "content-type": "text/html", server: "CloudFront", "x-cache": "Error from cloudfront" }
      })
      expect(blocked.body).toContain("<H1>403 ERROR</H1>")
      expect(blocked.body).toContain("Request blocked.")
      expect(blocked.body).toContain("Generated by cloudfront (CloudFront)")
      expect(blocked.headers["retry-after"]).toBeUndefined()
      expect(yield* outcome(TIME)).toMatchObject({ status: 200 })
      expect((yield* f.requests)[0]).toMatchObject({ status: 403, verdict: "fault:wafBlocked", fault: "WafBlocked" })
    }).pipe(withFake()))

  it.effect("banned is a 418 -1003 with Retry-After that bans the fake's IP for that long", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_000_000)
      const f = yield* fake
      yield* f.enqueueFault(Fault.banned(3))
      const first = yield* outcome(TIME)
      expect(first).toMatchObject({ status: 418, code: -1003, headers: { "retry-after": "3" } })
      expect(first.body.msg).toBe(
        "Way too many requests; IP(127.0.0.1) banned until 1003000. " +
          "Please use WebSocket Streams for live updates to avoid bans."
      )
      // During the ban every request, on any path, gets 418 with the remaining time, and no weight is charged.
      yield* TestClock.adjust(1_500)
      expect(yield* outcome(signed("asset=BTC&timestamp=1001500"))).toMatchObject({
        status: 418,
        code: -1003,
        headers: { "retry-after": "2" }
      })
      yield* TestClock.adjust(1_500)
      expect(yield* outcome(TIME)).toMatchObject({ status: 200, headers: { "x-mbx-used-weight-1m": "1" } })
      expect((yield* f.requests).map((e) => [e.status, e.verdict, e.fault])).toEqual([
        [418, "fault:banned", "Banned"],
        [418, "-1003 banned", undefined],
        [200, "ok", undefined]
      ])
      // A scripted ban is not the fake's own: the next ban the fake hands out is still its first (2 minutes).
      yield* f.setWeightLimit(1)
      expect(yield* outcome(TIME)).toMatchObject({ status: 429 })
      yield* TestClock.adjust("1 second")
      expect(yield* outcome(TIME)).toMatchObject({ status: 418, headers: { "retry-after": "120" } })
      expect(yield* Effect.flip(f.enqueueFault(Fault.banned(0)))).toMatchObject({ _tag: "FakeBinanceError" })
    }).pipe(withFake()))

  it.effect("the new 429, 403 and 418 faults can be drawn by seeded rate too", () =>
    Effect.gen(function*() {
      const f = yield* fake
      const draw = Effect.gen(function*() {
        yield* f.reset
        yield* f.setFaultRate(Fault.rateLimitedBare("empty"), 0.1, { seed: 7 })
        yield* f.setFaultRate(Fault.wafBlocked, 0.1, { seed: 8 })
        yield* f.setFaultRate(Fault.banned(1), 0.02, { seed: 9 })
        const statuses: Array<number> = []
        for (let i = 0; i < 200; i++) {
          statuses.push((yield* outcome(TIME)).status)
          yield* TestClock.adjust("1 second") // past any ban
        }
        return statuses
      })
      const first = yield* draw
      expect(yield* draw).toEqual(first)
      for (const status of [429, 403, 418]) expect(first.filter((s) => s === status).length).toBeGreaterThan(0)
      expect(first.filter((s) => s === 200).length).toBeGreaterThan(100)
    }).pipe(withFake({ accounts: [hmacAccount], weightLimit: 100_000 })))

  it.effect("queued faults honour path and count; rates are reproducible with a seed", () =>
    Effect.gen(function*() {
      const f = yield* fake
      yield* f.enqueueFault(Fault.html502, { path: "/fapi/v1/pmAccountInfo", count: 2 })
      expect((yield* outcome(TIME)).status).toBe(200)
      expect((yield* outcome(signed("asset=BTC&timestamp=0"))).status).toBe(502)
      expect((yield* outcome(signed("asset=BTC&timestamp=0"))).status).toBe(502)
      expect((yield* outcome(signed("asset=BTC&timestamp=0"))).status).toBe(200)
      const pattern = Effect.gen(function*() {
        yield* f.clearRequests
        yield* f.setFaultRate(Fault.serviceUnavailable("unavailable"), 0.3, { seed: 42 })
        const statuses: Array<number> = []
        for (let i = 0; i < 40; i++) statuses.push((yield* outcome(TIME)).status)
        return statuses
      })
      const first = yield* pattern
      expect(yield* pattern).toEqual(first)
      expect(first.filter((s) => s === 503).length).toBeGreaterThan(4)
      expect(first.filter((s) => s === 200).length).toBeGreaterThan(20)
      yield* f.setFaultRate(Fault.serviceUnavailable("unavailable"), 0)
      yield* f.setFaultRate(Fault.html502, 1, { path: TIME })
      expect((yield* outcome(TIME)).status).toBe(502)
      yield* f.clearFaults
      expect((yield* outcome(TIME)).status).toBe(200)
    }).pipe(withFake({ accounts: [hmacAccount], weightLimit: 100_000 })))
})

describe("FakeBinance request log", () => {
  it.effect("keeps secrets out of plain text, in Redacted fields a differential test can still read", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1591702613943)
      const query = "asset=BTC&recvWindow=5000&timestamp=1591702613943"
      const sig = hmac(query)
      yield* get(`/fapi/v1/pmAccountInfo?${query}&signature=${sig}`)
      const f = yield* fake
      const log = yield* f.requests
      expect(yield* f.requestCount).toBe(1)
      const [entry] = log
      expect(entry).toMatchObject({
        method: "GET",
        path: "/fapi/v1/pmAccountInfo",
        query: `${query}&signature=<redacted>`,
        time: 1591702613943,
        status: 200,
        verdict: "ok",
        usedWeight: 5
      })
      expect(entry!.headers["x-mbx-apikey"]).toBe("<redacted>")
      expect(Redacted.value(entry!.apiKey!)).toBe(KEY)
      expect(Redacted.value(entry!.signature!)).toBe(sig)
      for (const text of [JSON.stringify(log), Util.inspect(log, { depth: 10 }), String(entry!.apiKey)]) {
        expect(text).not.toContain(KEY)
        expect(text).not.toContain(sig)
        expect(text).not.toContain(SECRET)
      }
      yield* f.clearRequests
      expect(yield* f.requestCount).toBe(0)
    }).pipe(withFake()))
})
