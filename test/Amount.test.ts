// Decimals: every spelling Binance may use decodes exactly and formats plainly, through Amount and a call.
import { describe, expect, it } from "@effect/vitest"
import * as BigDecimal from "effect/BigDecimal"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as fc from "fast-check"
import { Amount, PortfolioMargin } from "../src/index.js"
import { testEnv } from "./utils/env.js"
import { ok } from "./utils/mockHttp.js"

describe("decimals", () => {
  const decimal = fc.tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: -20, max: 40 }))

  it("exponent notation decodes exactly and formats plainly: every spelling of a value gives the same BigDecimal", () =>
    fc.assert(
      fc.property(decimal, fc.constantFrom("E", "e"), fc.boolean(), ([value, scale], e, plus) => {
        const exact = BigDecimal.make(value, scale)
        const sign = value < 0n ? "-" : ""
        const digits = (value < 0n ? -value : value).toString()
        const exponent = -scale
        const exponentForm = `${sign}${digits}${e}${exponent >= 0 && plus ? "+" : ""}${exponent}`
        const plain = Amount.formatPlain(exact)
        expect(plain).toMatch(/^-?\d+(\.\d+)?$/)
        const decode = Schema.decodeSync(Amount.DecimalFromString)
        expect(BigDecimal.equals(decode(exponentForm), exact)).toBe(true)
        expect(BigDecimal.equals(decode(plain), exact)).toBe(true)
        expect(Schema.encodeSync(Amount.DecimalFromString)(decode(exponentForm))).toBe(plain)
      }),
      { numRuns: 500, seed: 20261129 }
    ))

  for (const [text, plain] of [["0E-8", "0"], ["1.5E+3", "1500"], ["-2.50E-3", "-0.0025"]] as const) {
    it.effect(`a body with ${text} decodes exactly; the result keeps Binance's string`, () =>
      Effect.gen(function*() {
        const env = testEnv(() => Effect.succeed(ok("BTC", text, text)))
        const result = yield* PortfolioMargin.pmAccountInfoResult({ asset: "BTC" }).pipe(Effect.provide(env.layer))
        expect(Amount.formatPlain(result.info.maxWithdrawAmount)).toBe(plain)
        expect(result.response.maxWithdrawAmountUSD).toBe(text)
      }))
  }
})
