// FakeBinance.start (Effect 3 edition) from plain async code: the shared cases (test/cases/fakeStart.ts) against
// this edition's `start` and Promise API. No Effect in the bodies.
import { describe, expect, it } from "vitest"
import { createClient } from "../src/promise.js"
import { FakeBinance } from "../src/testing.js"
import { startCases } from "./cases/fakeStart.js"

describe("FakeBinance.start", () => {
  for (const c of startCases) {
    it(c.name, async () => {
      expect(await c.run({ start: FakeBinance.start, createClient, FakeBinanceError: FakeBinance.FakeBinanceError }))
        .toEqual(c.expected)
    })
  }
})
