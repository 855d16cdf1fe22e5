// Every error of the Effect 4 edition, one of each (test/cases/errorMessages.ts): its message byte for byte, and
// how it reads as an `Error`: `name` is the tag, `String(error)` and `util.inspect` (so `console.log` and an
// uncaught error) start with `Tag: message`.
import { describe, expect, it } from "@effect/vitest"
import * as Util from "node:util"
import { messageCases } from "../../test/cases/errorMessages.js"
import * as BinanceError from "../src/BinanceError.js"
import { RedisUnavailable } from "../src/RateLimitRedis.js"

type ErrorClass = new(fields: Readonly<Record<string, unknown>>) => Error & { readonly _tag: string }
const classes = BinanceError as unknown as Record<string, ErrorClass>

describe("BinanceError", () => {
  it("the table has one case for every error class", () => {
    const defined = Object.keys(BinanceError).filter((name) =>
      typeof classes[name] === "function" && classes[name].prototype instanceof Error
    )
    expect(messageCases.map((c) => c.tag).sort()).toEqual(defined.sort())
  })

  for (const c of messageCases) {
    describe(c.tag, () => {
      const error = new classes[c.tag]!(c.fields)

      it("is tagged, and one of this library's errors", () => {
        expect(error._tag).toBe(c.tag)
        expect(error).toBeInstanceOf(Error)
        expect(BinanceError.isBinanceError(error)).toBe(true)
      })

      it("reads as its message", () => {
        expect(error.message).toBe(c.message)
      })

      it("is named after its tag", () => {
        expect(error.name).toBe(c.tag)
        expect(String(error)).toBe(`${c.tag}: ${c.message}`)
      })

      it("prints as an Error: name and message, the stack, then the fields", () => {
        const [first, second] = Util.inspect(error).split("\n")
        expect(first).toBe(`${c.tag}: ${c.message}`)
        expect(second).toMatch(/^    at /)
        expect(Util.inspect(error)).toContain(`_tag: '${c.tag}'`)
      })
    })
  }

  it("RedisUnavailable, which the Redis rate-limit layer fails with, is named and printed the same way", () => {
    const error = new RedisUnavailable({ description: "127.0.0.1:6390 ECONNREFUSED" })
    expect(error.name).toBe("RedisUnavailable")
    expect(Util.inspect(error).split("\n")[0]).toBe(`RedisUnavailable: ${error.message}`)
  })
})
