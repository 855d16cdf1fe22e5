// No secret, API key, signature or signed URL in any error or log line, however it is rendered: every error
// tag the calls can produce, through String, JSON.stringify, util.inspect, its stack and Cause.pretty.
// Ported from the root's test/secrets.test.ts.
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Logger from "effect/Logger"
import * as Redacted from "effect/Redacted"
import * as Util from "node:util"
import { errorCases } from "../../test/cases/errorMapping.js"
import * as FakeBinance from "../src/FakeBinance.js"
import * as PortfolioMargin from "../src/PortfolioMargin.js"
import { env, KEY, PM, requests, runWithTime, SECRET } from "./helpers.js"

const render = (error: unknown): string =>
  [
    String(error),
    JSON.stringify(error),
    Util.inspect(error, { depth: 10 }),
    error instanceof Error ? String(error.stack) : "",
    Cause.pretty(Cause.fail(error))
  ].join("\n")

describe("secrets never leak", () => {
  for (const c of errorCases) {
    it.effect(`${c.name}: the error and the log lines name no key, secret, signature or signed URL`, () =>
      Effect.gen(function*() {
        const lines: Array<string> = []
        const capture = Logger.layer([
          Logger.make(({ message }) => {
            lines.push(Util.inspect(message, { depth: 10 }))
          })
        ])
        const fake = yield* FakeBinance.FakeBinance
        yield* fake.enqueueFault(
          FakeBinance.Fault.respond({ status: c.status, body: c.body, headers: { ...c.headers } }),
          { path: PM, count: 10 }
        )
        const exit = yield* runWithTime(
          Effect.exit(
            PortfolioMargin.pmAccountInfo({ asset: "BTC" }).pipe(
              Effect.tapCause((cause) => Effect.logError(cause)),
              Effect.provide(capture)
            )
          )
        )
        expect(Exit.isFailure(exit)).toBe(true)
        const error = Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined
        const signatures = (yield* requests(PM)).flatMap((entry) =>
          entry.signature === undefined ? [] : [Redacted.value(entry.signature)]
        )
        expect(signatures.length).toBeGreaterThan(0)
        const text = `${render(error)}\n${lines.join("\n")}`
        for (const secret of [KEY, SECRET, ...signatures, "signature=", "timestamp="]) {
          expect(text).not.toContain(secret)
        }
      }).pipe(Effect.provide(env({ maxRetries: 1 }))))
  }
})
