// The listenKey request's plain rules (src/internal/core/watch/listenKey.ts), shared by both editions: the request,
// and what an answer, a refusal or a transport failure tells the stream and the gate.
import { describe, expect, it } from "@effect/vitest"
import * as KeyRules from "../src/internal/core/watch/listenKey.js"

describe("core/watch/listenKey", () => {
  it("sends the API key header alone, to the market's path", () => {
    const config = { baseUrl: "https://fapi.example", userAgent: "ua/1" }
    expect(KeyRules.requestOf(config, "key")).toEqual({
      url: "https://fapi.example/fapi/v1/listenKey",
      headers: { accept: "application/json", "user-agent": "ua/1", "x-mbx-apikey": "key" }
    })
    expect(KeyRules.requestOf({ ...config, market: "coin-m" }, "key").url).toBe(
      "https://fapi.example/dapi/v1/listenKey"
    )
  })

  it("an answer is the body on 2xx, else the error's tag, status, code and message; the gate learns the weight", () => {
    const ok = KeyRules.answered({ status: 200, headers: { "x-mbx-used-weight-1m": "7" }, text: "{}" }, 0)
    expect(ok.answer).toEqual({ _tag: "Ok", body: "{}" })
    expect(ok.outcome).toMatchObject({ status: 200, usedWeight: 7 })
    const unknown = KeyRules.answered({ status: 400, headers: {}, text: "{\"code\":-1125,\"msg\":\"no key\"}" }, 0)
    expect(unknown.answer).toEqual({
      _tag: "Failed",
      reason: expect.stringMatching(/^listenKey: \w+ \(HTTP 400 -1125\) no key$/),
      code: -1125
    })
  })

  it("no answer says why, never a stack", () => {
    expect(KeyRules.unanswered("refused")).toEqual({ _tag: "Failed", reason: "listenKey: refused", code: undefined })
    expect(KeyRules.failedWith(KeyRules.timedOut(10))).toEqual(KeyRules.unanswered("timed out after 10 ms"))
    expect(KeyRules.failedWith(Object.assign(new Error("connect refused"), { code: "ECONNREFUSED" }))).toMatchObject({
      _tag: "Failed",
      reason: expect.stringContaining("ECONNREFUSED")
    })
  })
})
