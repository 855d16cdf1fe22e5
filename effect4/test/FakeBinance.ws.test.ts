// The fake's listenKey endpoints and the served fake's user-data stream (Effect 4 edition): the shared cases
// (test/cases/fakeStream.ts) against this edition's served fake, its calls run with `Effect.runPromise`.
import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import { streamCases } from "../../test/cases/fakeStream.js"
import * as FakeBinance from "../src/FakeBinance.js"

const edition = { start: FakeBinance.start, run: Effect.runPromise, read: Effect.runSync, answer: Effect.runPromise }

describe("FakeBinance listenKey and served user-data stream", () => {
  for (const c of streamCases) it(c.name, async () => expect(await c.run(edition)).toEqual(c.expected), c.timeoutMs)
})
