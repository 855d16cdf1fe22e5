// The call machine (src/internal/core/call.ts) alone: no Effect, no I/O. The shared table test/cases/callTraces.ts
// replayed with answers handed in directly, then the rules one at a time at their boundaries.
import { describe, expect, it } from "@effect/vitest"
import { Call, type Description, type Failure, shouldRetry } from "../src/internal/core/call.js"
import * as ClockRules from "../src/internal/core/clock.js"
import { type CallTrace, callTraces, type Scripted, type Step } from "./cases/callTraces.js"

const OPTIONS = {
  baseUrl: "https://fapi.test",
  market: undefined,
  recvWindow: 5000,
  maxRetries: 3,
  maxRetryAfterWaitMs: 10_000
} as const

interface Err extends Failure {
  readonly description: Description
}
const toError = (description: Description): Err => ({
  _tag: description._tag,
  retryAfterMs: "retryAfterMs" in description ? description.retryAfterMs : undefined,
  description
})
const sign = (payload: string) => `sig(${payload})`
const OK = JSON.stringify({ asset: "BTC", maxWithdrawAmount: "1.5", maxWithdrawAmountUSD: "90000" })

const answer = (scripted: Exclude<Scripted, "reset">) => ({
  status: scripted.status,
  header: (name: string) => scripted.headers?.[name],
  text: scripted.body ?? ""
})

/** Runs a trace through the machine: what it decides, and what was sent. */
const replay = (trace: CallTrace) => {
  const call = new Call<Err>({ asset: "BTC" }, { ...OPTIONS, ...trace.options }, sign, toError)
  const pm = [...trace.pm]
  const time = [...(trace.time ?? [])]
  const steps: Array<Step> = []
  let timeRequests = 0
  let now = 1_700_000_000_000
  let decision = call.start()
  for (let i = 0; i < 50; i++) {
    steps.push(decision._tag)
    if (decision._tag === "Done" || decision._tag === "Fail") break
    now += 1000
    if (decision._tag === "Sync") {
      timeRequests++
      const reply = time.shift()
      decision = reply === undefined || (reply !== "reset" && reply.status < 300)
        ? call.synced()
        : call.failed({ _tag: reply === "reset" ? "TransportError" : "ServerError", description: undefined! })
      continue
    }
    if (decision._tag === "Retry") {
      decision = { _tag: "Send" }
      continue
    }
    call.request(now, now)
    const reply = pm.shift() ?? { status: 200, body: OK }
    decision = reply === "reset"
      ? call.failed({ _tag: "TransportError", description: undefined! })
      : call.answered(answer(reply), now).decision
  }
  return {
    steps,
    pmRequests: call.attempts,
    timeRequests,
    end: decision._tag === "Fail" ? decision.error._tag : "Done"
  }
}

describe("the call machine: the shared traces", () => {
  for (const trace of callTraces) {
    it(trace.name, () => {
      expect(replay(trace)).toEqual(trace.expected)
    })
  }
})

describe("the call machine: its rules", () => {
  it("bad parameters fail at start, before anything is signed or sent", () => {
    let signed = 0
    const call = new Call<Err>({ asset: "btc" }, OPTIONS, (p) => String(++signed + p.length), toError)
    const first = call.start()
    expect(first).toMatchObject({ _tag: "Fail", error: { _tag: "InvalidParameters" } })
    expect(first._tag === "Fail" && first.error.description).toMatchObject({ field: "asset" })
    expect(call.asset).toBeUndefined()
    expect(call.attempts).toBe(0)
    expect(signed).toBe(0)
  })

  it("signs exactly the bytes it sends, afresh for each attempt, and counts attempts", () => {
    const signed: Array<string> = []
    const call = new Call<Err>({ asset: "BTC", recvWindow: 7000 }, OPTIONS, (p) => {
      signed.push(p)
      return `S${signed.length}`
    }, toError)
    expect(call.start()).toEqual({ _tag: "Send" })
    expect(call.asset).toBe("BTC")
    expect(call.request(1000, 900)).toBe(
      "https://fapi.test/fapi/v1/pmAccountInfo?asset=BTC&recvWindow=7000&timestamp=1000&signature=S1"
    )
    expect(call.request(2000, 1900)).toBe(
      "https://fapi.test/fapi/v1/pmAccountInfo?asset=BTC&recvWindow=7000&timestamp=2000&signature=S2"
    )
    expect(signed).toEqual(["asset=BTC&recvWindow=7000&timestamp=1000", "asset=BTC&recvWindow=7000&timestamp=2000"])
    expect(call.attempts).toBe(2)
  })

  it("the config's recvWindow when the call names none; COIN-M's path for coin-m", () => {
    const call = new Call<Err>({ asset: "ETH" }, { ...OPTIONS, market: "coin-m", recvWindow: 4000 }, sign, toError)
    expect(call.paths.endpoint).toBe("GET /dapi/v1/pmAccountInfo")
    expect(call.request(5, 5)).toBe(
      "https://fapi.test/dapi/v1/pmAccountInfo?asset=ETH&recvWindow=4000&timestamp=5&signature=sig(asset=ETH&recvWindow=4000&timestamp=5)"
    )
  })

  it("a -1021 asks for a sync for the host time its request left at", () => {
    const call = new Call<Err>({ asset: "BTC" }, OPTIONS, sign, toError)
    call.request(5000, 4321)
    const error = toError({ _tag: "InvalidTimestamp", status: 400, code: -1021, msg: "" })
    expect(call.failed(error)).toEqual({ _tag: "Sync", sentAt: 4321, error })
    expect(call.synced()).toEqual({ _tag: "Send" })
  })

  it("answers: the gate's outcome, the metric's tag and the decision", () => {
    const call = new Call<Err>({ asset: "BTC" }, OPTIONS, sign, toError)
    call.request(1, 1)
    const done = call.answered(answer({ status: 200, body: OK, headers: { "x-mbx-used-weight-1m": "12" } }), 1)
    expect(done.outcome).toEqual({ status: 200, usedWeight: 12 })
    expect(done.tag).toBe("ok")
    expect(done.decision).toEqual({
      _tag: "Done",
      success: {
        body: { asset: "BTC", maxWithdrawAmount: "1.5", maxWithdrawAmountUSD: "90000" },
        usedWeight: 12,
        attempts: 1
      }
    })
    const limited = call.answered(answer({ status: 429, headers: { "retry-after": "2" } }), 1)
    expect(limited.outcome).toMatchObject({ status: 429, retryAfterMs: 2000 })
    expect(limited.tag).toBe("RateLimited")
    expect(limited.decision).toMatchObject({ _tag: "Retry", error: { _tag: "RateLimited", retryAfterMs: 2000 } })
  })

  it("a bad 2xx body fails with the reason and a short excerpt", () => {
    const call = new Call<Err>({ asset: "BTC" }, OPTIONS, sign, toError)
    call.request(1, 1)
    const judged = call.answered(answer({ status: 200, body: "not json at all" }), 1)
    expect(judged.tag).toBe("ok")
    expect(judged.decision).toMatchObject({
      _tag: "Fail",
      error: {
        description: { _tag: "ResponseDecodeError", status: 200, reason: "not JSON", excerpt: "not json at all" }
      }
    })
  })

  it("retries stop at maxRetries, whatever the error", () => {
    const call = new Call<Err>({ asset: "BTC" }, { ...OPTIONS, maxRetries: 2 }, sign, toError)
    const error: Err = { _tag: "Timeout", description: undefined! }
    expect(call.failed(error)._tag).toBe("Retry")
    expect(call.failed(error)._tag).toBe("Retry")
    expect(call.failed(error)).toEqual({ _tag: "Fail", error })
  })

  it("shouldRetry: transient errors, and rate limits whose wait is at most the longest worth waiting", () => {
    for (const tag of ["TransportError", "Timeout", "ServerError"]) expect(shouldRetry({ _tag: tag }, 0)).toBe(true)
    for (const tag of ["IpBanned", "WafBlocked", "Unauthorized", "InvalidSignature", "BinanceApiError"]) {
      expect(shouldRetry({ _tag: tag, retryAfterMs: 1 }, 10_000)).toBe(false)
    }
    expect(shouldRetry({ _tag: "RateLimited" }, 0)).toBe(true)
    expect(shouldRetry({ _tag: "RateLimited", retryAfterMs: 10_000 }, 10_000)).toBe(true)
    expect(shouldRetry({ _tag: "RateLimited", retryAfterMs: 10_001 }, 10_000)).toBe(false)
  })
})

describe("the clock's rules (core/clock.ts)", () => {
  it("the offset is the server's time minus the round trip's midpoint, rounded", () => {
    expect(ClockRules.offsetOf(10_000, 1000, 2000)).toBe(8500)
    expect(ClockRules.offsetOf(10_000, 1000, 2001)).toBe(8500) // 8499.5 rounds up
    expect(ClockRules.offsetOf(1000, 2000, 2002)).toBe(-1001)
  })

  it("learn: the offset from {serverTime}, or why the body is not that", () => {
    expect(ClockRules.learn("{\"serverTime\":10000}", 1000, 2000, undefined)).toEqual({ offset: 8500 })
    expect(ClockRules.learn("<html>busy</html>", 1000, 2000, undefined)).toEqual({
      reason: "expected {\"serverTime\": <ms>} from /fapi/v1/time",
      excerpt: "busy"
    })
    expect(ClockRules.learn("{}", 0, 0, "coin-m")).toMatchObject({
      reason: "expected {\"serverTime\": <ms>} from /dapi/v1/time"
    })
  })

  it("needsSync: unless an offset was learned at or after the request left, or one is being learned now", () => {
    expect(ClockRules.needsSync(100, undefined, false)).toBe(true)
    expect(ClockRules.needsSync(100, 99, false)).toBe(true)
    expect(ClockRules.needsSync(100, 100, false)).toBe(false)
    expect(ClockRules.needsSync(100, 101, false)).toBe(false)
    expect(ClockRules.needsSync(100, 101, true)).toBe(true)
  })

  it("refreshDue: once the offset is maxAge old, and not sooner than the back-off after a failure", () => {
    const maxAge = 600_000
    expect(ClockRules.refreshBackoffMs(maxAge)).toBe(30_000)
    expect(ClockRules.refreshBackoffMs(100_000)).toBe(10_000)
    expect(ClockRules.refreshDue(0, undefined, undefined, maxAge)).toBe(true)
    expect(ClockRules.refreshDue(599_999, 0, undefined, maxAge)).toBe(false)
    expect(ClockRules.refreshDue(600_000, 0, undefined, maxAge)).toBe(true)
    expect(ClockRules.refreshDue(600_000, 0, 570_001, maxAge)).toBe(false)
    expect(ClockRules.refreshDue(600_000, 0, 570_000, maxAge)).toBe(true)
    expect(ClockRules.DEFAULT_MAX_AGE_MS).toBe(600_000)
  })
})
