// client.watch of the Promise API against a served FakeBinance (Effect 4 edition; Node 20: the `ws` package): the
// shared spec (test/cases/watchPromise.ts) with this edition's fake and Promise API, typed there as Effect 3's.
import * as Effect from "effect/Effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type WatchPromiseKit, watchPromiseSpec } from "../../test/cases/watchPromise.js"
import * as FakeBinance from "../src/FakeBinance.js"
import { createClient } from "../src/promise.js"

watchPromiseSpec({
  describe,
  it,
  expect: expect as unknown as WatchPromiseKit["expect"],
  beforeAll,
  afterAll,
  start: FakeBinance.start as unknown as WatchPromiseKit["start"],
  createClient: createClient as unknown as WatchPromiseKit["createClient"],
  run: Effect.runPromise as unknown as WatchPromiseKit["run"]
})
