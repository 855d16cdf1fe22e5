// The endpoint's own rules (src/internal/core/endpoint.ts), shared by both editions: each refusal says which field
// and why in words a caller can act on, each bad body says what was wrong, amounts are written out plainly, and
// each market has its paths.
import { describe, expect, it } from "@effect/vitest"
import * as Endpoint from "../src/internal/core/endpoint.js"

describe("checkParams", () => {
  const refusal = (params: unknown) => Endpoint.checkParams(params, 5000)

  it("refuses what is not an object", () => {
    for (const params of [null, undefined, "BTC", 5]) {
      expect(refusal(params)).toEqual({ field: "params", reason: "must be an object like { asset: \"BTC\" }" })
    }
  })

  it("names the bad asset without quoting what may be a secret pasted in the wrong place", () => {
    const asset = (value: unknown, got: string) =>
      expect(refusal({ asset: value })).toEqual({
        field: "asset",
        reason: `must be 1 to 20 upper-case letters or digits, such as "BTC"; got ${got}`
      })
    asset("btc", "\"btc\"")
    asset("x".repeat(24), JSON.stringify("x".repeat(24)))
    asset("x".repeat(25), "a 25-character string")
    asset(null, "null")
    asset(42, "42")
    asset(undefined, "a value of type undefined")
    asset({}, "a value of type object")
  })

  it("names the bad recvWindow and what it was", () => {
    const recvWindow = (value: unknown, got: string) =>
      expect(refusal({ asset: "BTC", recvWindow: value })).toEqual({
        field: "recvWindow",
        reason: `must be an integer from 1 to 60000 ms; got ${got}`
      })
    recvWindow(0, "0")
    recvWindow(60001, "60001")
    recvWindow(1.5, "1.5")
    recvWindow("5000", "\"5000\"")
    recvWindow(null, "null")
  })

  it("fills in the default recvWindow and keeps a given one", () => {
    expect(refusal({ asset: "BTC" })).toEqual({ asset: "BTC", recvWindow: 5000 })
    expect(refusal({ asset: "BTC", recvWindow: 1 })).toEqual({ asset: "BTC", recvWindow: 1 })
    expect(Endpoint.isRefusal(refusal({ asset: "BTC" }))).toBe(false)
    expect(Endpoint.isRefusal(refusal({}))).toBe(true)
  })
})

describe("decodeBody", () => {
  const ok = { asset: "BTC", maxWithdrawAmount: "1.5", maxWithdrawAmountUSD: "90000" }

  it("keeps Binance's strings as they are", () => {
    expect(Endpoint.decodeBody(JSON.stringify(ok), "BTC")).toEqual(ok)
  })

  it("says what was wrong, field by field", () => {
    const reason = (body: unknown) => Endpoint.decodeBody(typeof body === "string" ? body : JSON.stringify(body), "BTC")
    expect(reason("<html>")).toBe("not JSON")
    const notObject = "body: expected an object with asset, maxWithdrawAmount and maxWithdrawAmountUSD, got"
    expect(reason(null)).toBe(`${notObject} null`)
    expect(reason([ok])).toBe(`${notObject} an array`)
    expect(reason(5)).toBe(`${notObject} number`)
    expect(reason("\"BTC\"")).toBe(`${notObject} string`)
    expect(reason({ maxWithdrawAmount: "1", maxWithdrawAmountUSD: "1" })).toBe("asset: is missing")
    expect(reason({ ...ok, asset: 7 })).toBe("asset: expected a string")
    expect(reason({ asset: "BTC" })).toBe("maxWithdrawAmount: is missing; maxWithdrawAmountUSD: is missing")
    expect(reason({ ...ok, maxWithdrawAmount: 1.5 })).toBe(`maxWithdrawAmount: ${Endpoint.DECIMAL_EXAMPLE}`)
    expect(reason({ ...ok, maxWithdrawAmountUSD: "1,5" })).toBe(`maxWithdrawAmountUSD: ${Endpoint.DECIMAL_EXAMPLE}`)
    expect(reason({ ...ok, asset: "ETH" })).toBe("asset is \"ETH\", expected \"BTC\"")
  })
})

describe("formatPlain", () => {
  it("writes every digit in plain notation, trailing zeros of the fraction dropped", () => {
    const cases: ReadonlyArray<readonly [bigint, number, string]> = [
      [0n, 8, "0"],
      [0n, -3, "0"],
      [5n, 0, "5"],
      [15n, -2, "1500"],
      [-15n, -2, "-1500"],
      [2743689636n, 8, "27.43689636"],
      [274368963600n, 10, "27.43689636"],
      [-250n, 5, "-0.0025"],
      [1n, 3, "0.001"],
      [123n, 3, "0.123"],
      [1000n, 0, "1000"]
    ]
    for (const [value, scale, text] of cases) expect(Endpoint.formatPlain(value, scale), text).toBe(text)
  })
})

describe("markets", () => {
  it("USDⓈ-M (the default) and COIN-M each have their paths", () => {
    expect(Endpoint.pathsOf(undefined)).toEqual(Endpoint.pathsOf("usds-m"))
    expect(Endpoint.pathsOf("usds-m")).toEqual({
      path: "/fapi/v1/pmAccountInfo",
      timePath: "/fapi/v1/time",
      endpoint: "GET /fapi/v1/pmAccountInfo",
      timeEndpoint: "GET /fapi/v1/time"
    })
    expect(Endpoint.pathsOf("coin-m")).toEqual({
      path: "/dapi/v1/pmAccountInfo",
      timePath: "/dapi/v1/time",
      endpoint: "GET /dapi/v1/pmAccountInfo",
      timeEndpoint: "GET /dapi/v1/time"
    })
  })
})

describe("the body's fields", () => {
  it("are the asset's text and two amounts, as the edition's schemas or values give them", () => {
    expect(Endpoint.bodyFields("text", "amount")).toEqual({
      asset: "text",
      maxWithdrawAmount: "amount",
      maxWithdrawAmountUSD: "amount"
    })
    const body = { asset: "BTC", maxWithdrawAmount: "1.5", maxWithdrawAmountUSD: "90000" }
    expect(Endpoint.readAmounts(body, Number)).toEqual({
      asset: "BTC",
      maxWithdrawAmount: 1.5,
      maxWithdrawAmountUSD: 90000
    })
  })
})
