// Every error of the Effect 4 edition, one of each (test/cases/errorMessages.ts): its message byte for byte, and
// how it reads as an `Error`: `name` is the tag, `String(error)` and `util.inspect` (so `console.log` and an
// uncaught error) start with `Tag: message`, then the stack and the fields.
import { describe, expect, it } from "@effect/vitest"
import * as Util from "node:util"
import { expectedReading, messageCases, readError } from "../../test/cases/errorMessages.js"
import * as BinanceError from "../src/BinanceError.js"
import { RedisUnavailable } from "../src/RateLimitRedis.js"

type ErrorClass = new(fields: Readonly<Record<string, unknown>>) => Error & { readonly _tag: string }
const classes = BinanceError as unknown as Record<string, ErrorClass>

describe("BinanceError", () => {
  it("the table has one case for every error class", () => {
    const defined = Object.keys(classes).filter((name) => classes[name]?.prototype instanceof Error)
    expect(messageCases.map((c) => c.tag).sort()).toEqual(defined.sort())
  })

  for (const c of messageCases) {
    it(`${c.tag}: its message, its name, and how it prints`, () => {
      const error = new classes[c.tag]!(c.fields)
      expect(BinanceError.isBinanceError(error)).toBe(true)
      expect(readError(error, Util.inspect)).toEqual(expectedReading(c.tag, c.message))
    })
  }

  it("RedisUnavailable, which the Redis rate-limit layer fails with, reads the same way", () => {
    const error = new RedisUnavailable({ description: "127.0.0.1:6390 ECONNREFUSED" })
    expect(readError(error, Util.inspect)).toEqual(expectedReading("RedisUnavailable", error.message))
  })
})
