// The shared error-mapping table (test/cases/errorMapping.ts) through the Effect 4 edition: the classifier
// alone, then end to end (the in-memory fake answers the status, body and headers), where a never-retried
// error must come back after exactly one request.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { errorCases } from "../../test/cases/errorMapping.js"
import * as FakeBinance from "../src/FakeBinance.js"
import { classify } from "../src/internal/core/responses.js"
import { toError } from "../src/internal/http.js"
import * as PortfolioMargin from "../src/PortfolioMargin.js"
import { env, PM, requests, runWithTime } from "./helpers.js"

const NOW = 1_700_000_000_000

describe("error mapping", () => {
  for (const c of errorCases) {
    it(`classifier: ${c.name}`, () => {
      const headers: Record<string, string> = { ...c.headers }
      const error = toError(classify({ status: c.status, text: c.body, header: (name) => headers[name] }, NOW))
      expect(error).toMatchObject(c.expected)
    })
  }

  for (const c of errorCases.filter((c) => !c.retried)) {
    it.effect(`end to end, sent once: ${c.name}`, () =>
      Effect.gen(function*() {
        const fake = yield* FakeBinance.FakeBinance
        yield* fake.enqueueFault(
          FakeBinance.Fault.respond({ status: c.status, body: c.body, headers: { ...c.headers } }),
          { path: PM, count: 10 }
        )
        const error = yield* runWithTime(Effect.flip(PortfolioMargin.pmAccountInfo({ asset: "BTC" })))
        expect(error).toMatchObject({ _tag: c.expected._tag, status: c.status })
        expect(yield* requests(PM)).toHaveLength(1)
      }).pipe(Effect.provide(env({ maxRetries: 3 }))))
  }
})
