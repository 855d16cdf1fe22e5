// client.watch of the Promise API against a served FakeBinance (Effect 3 edition): the shared spec
// (test/cases/watchPromise.ts) with this edition's fake and Promise API.
import * as Effect from "effect/Effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as FakeBinance from "../src/FakeBinance.js"
import { createClient } from "../src/promise.js"
import { watchPromiseSpec } from "./cases/watchPromise.js"

watchPromiseSpec({
  describe,
  it,
  expect,
  beforeAll,
  afterAll,
  start: FakeBinance.start,
  createClient,
  run: Effect.runPromise
})
