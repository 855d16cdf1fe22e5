// Which budget a client's requests count against (src/internal/core/egress.ts): the base URL, behind the egress the
// config names, else the egress a proxy client carries under the registered symbol.
import { describe, expect, it } from "@effect/vitest"
import * as Egress from "../src/internal/core/egress.js"

const proxied = () =>
  Object.defineProperty({}, Symbol.for("effect-binance-pm/BinanceHttpClient/egress"), {
    value: "proxy.example:3128",
    enumerable: false
  })

describe("egress", () => {
  it("a client carries its egress under the registered symbol any copy of the library reads", () => {
    expect(Egress.EgressKey).toBe(Symbol.for("effect-binance-pm/BinanceHttpClient/egress"))
    expect(Egress.clientEgress(proxied())).toBe("proxy.example:3128")
    expect(Egress.clientEgress({})).toBeUndefined()
  })

  it("the budget: the base URL alone, behind a proxy client's egress, or behind the configured one", () => {
    const baseUrl = "https://fapi.binance.com"
    expect(Egress.budgetKeyOf({ baseUrl }, {})).toBe(baseUrl)
    expect(Egress.budgetKeyOf({ baseUrl }, proxied())).toBe(`proxy.example:3128 ${baseUrl}`)
    expect(Egress.budgetKeyOf({ baseUrl, egress: "10.0.0.2" }, proxied())).toBe(`10.0.0.2 ${baseUrl}`)
    expect(Egress.budgetKeyOf({ baseUrl, egress: undefined }, proxied())).toBe(`proxy.example:3128 ${baseUrl}`)
  })
})
