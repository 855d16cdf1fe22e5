// The listenKey request's answers (src/internal/core/watch/listenKey.ts) edge by edge, for the mutation set: the
// reason the stream is told when an answer has a Binance body, and when it has none.
import { describe, expect, it } from "@effect/vitest"
import * as KeyRules from "../src/internal/core/watch/listenKey.js"

describe("core/watch/listenKey answers", () => {
  it("an error without a Binance body names its tag and status only, and no code", () => {
    const limited = KeyRules.answered({ status: 429, headers: { "retry-after": "3" }, text: "" }, 0)
    expect(limited.answer).toEqual({ _tag: "Failed", reason: "listenKey: RateLimited (HTTP 429)", code: undefined })
    expect(limited.outcome).toMatchObject({ status: 429, retryAfterMs: 3_000 })
    const html = KeyRules.answered({ status: 503, headers: {}, text: "<html>down</html>" }, 0)
    expect(html.answer).toEqual({ _tag: "Failed", reason: "listenKey: ServerError (HTTP 503)", code: undefined })
  })

  it("a Binance error names its code and message, and the stream is told the code", () => {
    const expired = KeyRules.answered({ status: 400, headers: {}, text: "{\"code\":-1125,\"msg\":\"gone\"}" }, 0)
    expect(expired.answer).toEqual({
      _tag: "Failed",
      reason: "listenKey: BinanceApiError (HTTP 400 -1125) gone",
      code: -1125
    })
  })

  it("a transport failure is described from its cause; a timeout by its message", () => {
    expect(KeyRules.failedWith("timed out after 5 ms")).toEqual({
      _tag: "Failed",
      reason: "listenKey: timed out after 5 ms",
      code: undefined
    })
    expect(KeyRules.failedWith(new Error("socket hang up"))).toEqual(KeyRules.unanswered("socket hang up"))
    expect(KeyRules.timedOut(2_500)).toBe("timed out after 2500 ms")
  })
})
