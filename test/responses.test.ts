// The pure rules of src/internal/core/responses.ts (errors made by src/internal/http.ts's toError, the Effect 3
// edition's), one table each: how a non-2xx response becomes a typed error, how
// `Retry-After` and the used-weight header are read, and how free text loses anything that looks signed.
// These are the rules `npm run mutate` mutates; each row is here because some plausible slip would change it.
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as BinanceConfig from "../src/BinanceConfig.js"
import {
  BinanceApiError,
  InvalidSignature,
  InvalidTimestamp,
  IpBanned,
  RateLimited,
  ServerError,
  TransportError,
  Unauthorized
} from "../src/BinanceError.js"
import {
  bannedUntil,
  classify,
  describeCause,
  excerpt,
  judge,
  parseBinanceBody,
  parseServerTime,
  retryAfterMs as retryAfterHeader,
  scrub,
  usedWeight as usedWeightHeader
} from "../src/internal/core/responses.js"
import { get, toError } from "../src/internal/http.js"
import { errorCases } from "./cases/errorMapping.js"

const NOW = 1_700_000_000_000 // a whole second, so an HTTP date (second precision) lands exactly
const response = (status: number, text: string, headers: Record<string, string> = {}) => ({
  status,
  text,
  headers: Headers.fromInput(headers)
})
const classifyError = (r: ReturnType<typeof response>, nowMs: number) =>
  toError(classify({ status: r.status, header: (name) => r.headers[name], text: r.text }, nowMs))
const retryAfterMs = (headers: Headers.Headers, nowMs: number) => retryAfterHeader(headers["retry-after"], nowMs)
const usedWeight = (headers: Headers.Headers) => usedWeightHeader(headers["x-mbx-used-weight-1m"])
const json = (code: number, msg: string) => JSON.stringify({ code, msg })
const HTML_429 = "<html><head><title>429 Too Many Requests</title></head><body><h1>Too Many Requests</h1></body></html>"

/** An error as data: its tag, class, message and every field that is set (an absent and an undefined field are one). */
const whole = (error: unknown) => {
  const e = error as Error & { readonly _tag: string }
  const fields = Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined))
  return { class: e.constructor.name, _tag: e._tag, message: e.message, fields }
}
/** `actual` is `expected`: same class, tag, message and fields. */
const expectError = (actual: unknown, expected: unknown) => expect(whole(actual)).toEqual(whole(expected))

describe("classifyError", () => {
  describe("429 is rate limiting whatever its body", () => {
    it("Binance JSON -1003", () => {
      const error = classifyError(response(429, json(-1003, "Too many requests."), { "retry-after": "7" }), NOW)
      expectError(error, new RateLimited({ status: 429, code: -1003, msg: "Too many requests.", retryAfterMs: 7000 }))
    })
    it("an empty body", () => {
      const error = classifyError(response(429, "", { "retry-after": "3" }), NOW)
      expect(error).toBeInstanceOf(RateLimited)
      expectError(error, new RateLimited({ status: 429, retryAfterMs: 3000 }))
    })
    it("an HTML body (a CDN's page), without Retry-After", () => {
      const error = classifyError(response(429, HTML_429), NOW)
      expect(error).toBeInstanceOf(RateLimited)
      expectError(error, new RateLimited({ status: 429 }))
    })
    it("JSON with another code", () => {
      const error = classifyError(response(429, json(-1000, "An unknown error occurred")), NOW)
      expectError(error, new RateLimited({ status: 429, code: -1000, msg: "An unknown error occurred" }))
    })
    it("-1003 under another status is rate limiting too", () => {
      const error = classifyError(response(400, json(-1003, "Way too many requests")), NOW)
      expectError(error, new RateLimited({ status: 400, code: -1003, msg: "Way too many requests" }))
    })
  })

  describe("418 is a ban", () => {
    it("with its code, message and Retry-After", () => {
      const msg = "Way too many requests; IP(1.2.3.4) banned until 1700000120000."
      const error = classifyError(response(418, json(-1003, msg), { "retry-after": "120" }), NOW)
      expectError(error, new IpBanned({ status: 418, code: -1003, msg, retryAfterMs: 120_000 }))
    })
    it("with an HTML body", () => {
      expectError(classifyError(response(418, HTML_429), NOW), new IpBanned({ status: 418 }))
    })
  })

  describe("Unauthorized keeps status, code and message", () => {
    // the shared table (test/cases/errorMapping.ts), read here exactly: class, message and every field
    const cases = errorCases.flatMap((c) =>
      c.expected._tag === "Unauthorized"
        ? [[c.status, c.expected["code"] as number, c.expected["msg"] as string] as const]
        : []
    )
    for (const [status, code, msg] of cases) {
      it(`${status} ${code}`, () => {
        const error = classifyError(response(status, json(code, msg)), NOW)
        expect(error).toBeInstanceOf(Unauthorized)
        expectError(error, new Unauthorized({ status, code, msg }))
      })
    }
    it("401 with a non-JSON body keeps an excerpt as its message", () => {
      expectError(
        classifyError(response(401, "<h1>Unauthorized</h1>\n  go away"), NOW),
        new Unauthorized({ status: 401, msg: "Unauthorized go away" })
      )
    })
    it("401 with a code but no msg", () => {
      expectError(
        classifyError(response(401, JSON.stringify({ code: -2015 })), NOW),
        new Unauthorized({ status: 401, code: -2015, msg: "" })
      )
    })
  })

  it("-1021 and -1022", () => {
    expectError(
      classifyError(response(400, json(-1021, "Timestamp outside")), NOW),
      new InvalidTimestamp({ status: 400, code: -1021, msg: "Timestamp outside" })
    )
    expectError(
      classifyError(response(400, json(-1022, "Signature invalid")), NOW),
      new InvalidSignature({ status: 400, code: -1022, msg: "Signature invalid" })
    )
    expectError(
      classifyError(response(401, JSON.stringify({ code: -1022 })), NOW),
      new InvalidSignature({ status: 401, code: -1022, msg: "" })
    )
  })

  describe("server errors", () => {
    for (const status of [500, 502, 503, 504, 599, 408]) {
      it(`${status} with HTML → ServerError with an excerpt`, () => {
        expectError(
          classifyError(response(status, "<p>Bad   gateway</p>"), NOW),
          new ServerError({ status, excerpt: "Bad gateway" })
        )
      })
    }
    for (const code of [-1000, -1001, -1006, -1007]) {
      it(`400 ${code} → ServerError with code and message`, () => {
        expectError(
          classifyError(response(400, json(code, "busy")), NOW),
          new ServerError({ status: 400, code, msg: "busy" })
        )
      })
    }
  })

  describe("everything else is a BinanceApiError", () => {
    it("499 (just under the 5xx range)", () => {
      expectError(classifyError(response(499, "nope"), NOW), new BinanceApiError({ status: 499, excerpt: "nope" }))
    })
    it("400 -1100 with its code and message", () => {
      expectError(
        classifyError(response(400, json(-1100, "Illegal characters")), NOW),
        new BinanceApiError({ status: 400, code: -1100, msg: "Illegal characters" })
      )
    })
    it("JSON after leading whitespace is still Binance JSON", () => {
      expectError(
        classifyError(response(400, `  \n${json(-1102, "Mandatory")}`), NOW),
        new BinanceApiError({ status: 400, code: -1102, msg: "Mandatory" })
      )
    })
    it("404 with an empty body", () => {
      expectError(classifyError(response(404, ""), NOW), new BinanceApiError({ status: 404, excerpt: "" }))
    })
  })

  it("a message that echoes the signed request loses the signature and the URL", () => {
    const msg = "bad request GET https://fapi.binance.com/fapi/v1/pmAccountInfo?asset=BTC&signature=abcdef0123"
    const error = classifyError(response(400, json(-1100, msg)), NOW)
    expectError(error, new BinanceApiError({ status: 400, code: -1100, msg: "bad request GET <url>" }))
  })
})

describe("the shared error-mapping table (test/cases/errorMapping.ts)", () => {
  for (const c of errorCases) {
    it(c.name, () => {
      expect(classifyError(response(c.status, c.body, { ...c.headers }), NOW)).toMatchObject(c.expected)
    })
  }
})

describe("parseServerTime", () => {
  it("reads a whole, non-negative millisecond count, and nothing else", () => {
    expect(parseServerTime(JSON.stringify({ serverTime: 1_499_827_319_559 }))).toBe(1_499_827_319_559)
    expect(parseServerTime(JSON.stringify({ serverTime: 0 }))).toBe(0)
    for (
      const body of [
        JSON.stringify({ serverTime: "1499827319559" }),
        JSON.stringify({ serverTime: 1.5 }),
        JSON.stringify({ serverTime: -5 }),
        JSON.stringify({ serverTime: 2 ** 60 }),
        JSON.stringify({ time: 1 }),
        "1499827319559",
        "null",
        "[1]",
        "not json"
      ]
    ) {
      expect(parseServerTime(body), body).toBeUndefined()
    }
  })
})

describe("403", () => {
  it("is WafBlocked whatever the body, keeping its Retry-After: never the key's fault", () => {
    expect(classifyError(response(403, "<html><h1>403 ERROR</h1>Request blocked.</html>"), NOW)).toMatchObject({
      _tag: "WafBlocked",
      status: 403,
      excerpt: "403 ERROR Request blocked."
    })
    expect(
      classifyError(
        response(403, JSON.stringify({ code: -2015, msg: "Invalid API-key." }), { "retry-after": "7" }),
        NOW
      )
    )
      .toMatchObject({ _tag: "WafBlocked", status: 403, code: -2015, retryAfterMs: 7000 })
  })
  it("-2008 (a key of another environment) and -1099 are Unauthorized", () => {
    expect(classifyError(response(400, JSON.stringify({ code: -2008, msg: "Invalid Api-Key ID." })), NOW))
      .toMatchObject({ _tag: "Unauthorized", code: -2008 })
    expect(classifyError(response(400, JSON.stringify({ code: -1099, msg: "Not found." })), NOW))
      .toMatchObject({ _tag: "Unauthorized", code: -1099 })
  })
})

describe("retryAfterMs", () => {
  const at = (value: string | undefined) =>
    retryAfterMs(Headers.fromInput(value === undefined ? {} : { "retry-after": value }), NOW)

  it("absent or blank → undefined", () => {
    expect(at(undefined)).toBeUndefined()
    expect(at("")).toBeUndefined()
    expect(at("   ")).toBeUndefined()
  })
  it("delta-seconds, whole or fractional, rounded up to the ms", () => {
    expect(at("0")).toBe(0)
    expect(at("5")).toBe(5000)
    expect(at(" 12 ")).toBe(12_000)
    expect(at("1.5")).toBe(1500)
    expect(at("0.0001")).toBe(1)
  })
  it("the HTTP-date form: the time left until that date", () => {
    expect(at(new Date(NOW + 30_000).toUTCString())).toBe(30_000)
    expect(at("Tue, 14 Nov 2023 22:15:20 GMT")).toBe(Date.UTC(2023, 10, 14, 22, 15, 20) - NOW)
  })
  it("an HTTP date already past → 0, never negative", () => {
    expect(at(new Date(NOW - 60_000).toUTCString())).toBe(0)
  })
  it("neither a number nor a date → undefined", () => {
    expect(at("soon")).toBeUndefined()
    expect(at("5 seconds")).toBeUndefined()
    expect(at("x5")).toBeUndefined()
    // V8's Date.parse reads these as dates (in 2001, or in the past): only RFC 9110's IMF-fixdate is a date here
    expect(at("in 5")).toBeUndefined()
    expect(at("2023-11-14T22:15:20Z")).toBeUndefined()
  })
})

describe("usedWeight", () => {
  const of = (value: string | undefined) =>
    usedWeight(Headers.fromInput(value === undefined ? {} : { "x-mbx-used-weight-1m": value }))
  it("reads X-MBX-USED-WEIGHT-1M", () => {
    expect(of("0")).toBe(0)
    expect(of("1187")).toBe(1187)
    expect(usedWeight(Headers.fromInput({ "X-MBX-USED-WEIGHT-1M": "42" }))).toBe(42)
  })
  it("absent, negative, not a number or infinite → undefined", () => {
    expect(of(undefined)).toBeUndefined()
    expect(of("-1")).toBeUndefined()
    expect(of("lots")).toBeUndefined()
    expect(of("Infinity")).toBeUndefined()
  })
  it("blank → undefined, not 0 (Number(\"\") is 0)", () => {
    expect(of("")).toBeUndefined()
    expect(of("  ")).toBeUndefined()
  })
  it("other weight headers are not it", () => {
    expect(usedWeight(Headers.fromInput({ "x-mbx-used-weight": "42" }))).toBeUndefined()
  })
})

describe("scrub and excerpt", () => {
  it("scrub replaces signature values (any case) up to the next delimiter", () => {
    expect(scrub("signature=abc&x=1")).toBe("signature=<redacted>&x=1")
    expect(scrub("SIGNATURE=abc def")).toBe("signature=<redacted> def")
    expect(scrub("(signature=abc) 'signature=d' \"signature=e\"")).toBe(
      "(signature=<redacted>) 'signature=<redacted>' \"signature=<redacted>\""
    )
  })
  it("scrub replaces URLs with a query, http and https, and leaves the rest", () => {
    expect(scrub("see https://a.b/c?d=1 and http://x/y?z=2 now")).toBe("see <url> and <url> now")
    expect(scrub("see HTTPS://A.B/c?d=1")).toBe("see <url>")
    expect(scrub("see https://a.b/c here")).toBe("see https://a.b/c here")
    expect(scrub("(https://a.b/?q=1) 'http://c/?d'")).toBe("(<url>) '<url>'")
  })
  it("excerpt flattens tags and whitespace, trims and scrubs", () => {
    expect(excerpt("  <html>\n<b>Bad</b>\t\tgateway </html>  ")).toBe("Bad gateway")
    expect(excerpt("oops signature=deadbeef")).toBe("oops signature=<redacted>")
    expect(excerpt("<td>Bad</td><td>gateway</td>")).toBe("Bad gateway")
  })
  it("excerpt keeps 160 characters and marks the cut", () => {
    expect(excerpt("a".repeat(160))).toBe("a".repeat(160))
    expect(excerpt("a".repeat(161))).toBe(`${"a".repeat(160)}…`)
    expect(excerpt("abcdef", 3)).toBe("abc…")
  })
})

describe("parseBinanceBody", () => {
  it("Binance JSON → code and message", () => {
    expect(parseBinanceBody(json(-1003, "x"))).toEqual({ code: -1003, msg: "x" })
    expect(parseBinanceBody(JSON.stringify({ code: -1 }))).toEqual({ code: -1, msg: "" })
    expect(parseBinanceBody(JSON.stringify({ code: -1, msg: 5 }))).toEqual({ code: -1, msg: "" })
  })
  it("anything else → undefined", () => {
    for (
      const text of ["", "<html>", "{", "{}", "null", JSON.stringify({ code: "-1003", msg: "x" }), " {\"code\":1}"]
    ) {
      expect(parseBinanceBody(text), text).toBeUndefined()
    }
  })
})

describe("bannedUntil and describeCause", () => {
  it("bannedUntil reads the ban's end from the message", () => {
    expect(bannedUntil("IP banned until 1700000120000.")).toBe(1_700_000_120_000)
    expect(bannedUntil("banned")).toBeUndefined()
    expect(bannedUntil(undefined)).toBeUndefined()
  })
  it("describeCause joins code and message down the cause chain, once each, and scrubs", () => {
    const inner = Object.assign(new Error("connect refused https://h/p?signature=abc"), { code: "ECONNREFUSED" })
    const outer = new Error("fetch failed", { cause: inner })
    expect(describeCause(outer)).toBe("fetch failed: ECONNREFUSED connect refused <url>")
    expect(describeCause(new Error("same", { cause: new Error("same") }))).toBe("same")
    expect(describeCause(undefined)).toBe("unknown transport failure")
    expect(describeCause({})).toBe("unknown transport failure")
    const deep = {
      message: "1",
      cause: { message: "2", cause: { message: "3", cause: { message: "4", cause: { message: "5" } } } }
    }
    expect(describeCause(deep)).toBe("1: 2: 3: 4")
    // errno numbers and empty strings are not text; a null cause ends the chain
    expect(describeCause({ code: -104, message: "reset", cause: null })).toBe("reset")
    expect(describeCause({ code: "EPIPE", message: "" })).toBe("EPIPE")
    expect(describeCause({ code: "", message: 42 })).toBe("unknown transport failure")
  })

  it("get: a platform request or response failure becomes a TransportError that says which, without the URL", () =>
    Effect.gen(function*() {
      const config = Either.getOrThrow(BinanceConfig.make({}))
      const clock = yield* Effect.clock
      const url = "https://fapi.binance.com/fapi/v1/pmAccountInfo?asset=BTC&signature=abc"
      const failing = (make: (request: HttpClientRequest.HttpClientRequest) => HttpClientError.HttpClientError) =>
        HttpClient.make((request) => Effect.fail(make(request)))
      const cause = Object.assign(new Error(`socket hang up ${url}`), { code: "ECONNRESET" })
      const request = yield* Effect.flip(
        get(
          failing((request) => new HttpClientError.RequestError({ request, reason: "Transport", cause })),
          config,
          clock,
          () => url,
          undefined,
          Effect.succeed,
          { abort: undefined }
        )
      )
      expectError(request, new TransportError({ description: "Transport: ECONNRESET socket hang up <url>" }))
      const response = yield* Effect.flip(
        get(
          failing((request) =>
            new HttpClientError.ResponseError({
              request,
              response: HttpClientResponse.fromWeb(request, new Response("")),
              reason: "Decode",
              cause: new Error("body cut short")
            })
          ),
          config,
          clock,
          () => url,
          undefined,
          Effect.succeed,
          { abort: undefined }
        )
      )
      expectError(response, new TransportError({ description: "response Decode: body cut short" }))
    }).pipe(Effect.runPromise))
})

describe("judge: what an answer tells the gate, and which error it is", () => {
  const answer = (status: number, headers: Record<string, string>, text: string) => ({
    status,
    header: (name: string) => headers[name],
    text
  })
  it("a 2xx (200 and 299) is no error: its status and used weight", () => {
    for (const status of [200, 299]) {
      expect(judge(answer(status, { "x-mbx-used-weight-1m": "7" }, "{}"), 0)).toEqual({
        outcome: { status, usedWeight: 7 },
        classified: undefined
      })
    }
  })
  it("a 300 and a 199 are classified", () => {
    for (const status of [199, 300]) {
      expect(judge(answer(status, {}, "{}"), 0).classified).toMatchObject({ _tag: "BinanceApiError", status })
    }
  })
  it("a 429 carries its Retry-After (a date measured on Binance's clock) and no ban", () => {
    const judged = judge(
      answer(429, { "retry-after": new Date(1_700_000_030_000).toUTCString(), "x-mbx-used-weight-1m": "2400" }, ""),
      1_700_000_000_000
    )
    expect(judged.outcome).toEqual({ status: 429, usedWeight: 2400, retryAfterMs: 30_000, bannedUntil: undefined })
    expect(judged.classified?._tag).toBe("RateLimited")
  })
  it("a 418 carries when the ban ends, from its message", () => {
    const judged = judge(
      answer(
        418,
        { "retry-after": "120" },
        "{\"code\":-1003,\"msg\":\"Way too many requests; IP banned until 1700000123456.\"}"
      ),
      0
    )
    expect(judged.outcome).toEqual({
      status: 418,
      usedWeight: undefined,
      retryAfterMs: 120_000,
      bannedUntil: 1_700_000_123_456
    })
    expect(judged.classified?._tag).toBe("IpBanned")
  })
  it("only a 418 is a ban: a 429 whose message mentions one carries no ban end", () => {
    const judged = judge(answer(429, {}, "{\"code\":-1003,\"msg\":\"IP banned until 1700000123456.\"}"), 0)
    expect(judged.outcome.bannedUntil).toBeUndefined()
    expect(judged.classified?._tag).toBe("RateLimited")
  })
  it("an error without Retry-After (a -1021) has none in its outcome", () => {
    const judged = judge(answer(400, {}, "{\"code\":-1021,\"msg\":\"Timestamp outside recvWindow.\"}"), 0)
    expect(judged.outcome).toEqual({
      status: 400,
      usedWeight: undefined,
      retryAfterMs: undefined,
      bannedUntil: undefined
    })
    expect(judged.classified?._tag).toBe("InvalidTimestamp")
  })
})
