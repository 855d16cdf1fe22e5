// A watcher with a proxy and no `ws` package (Effect 3 edition): the shared cases (test/cases/watchProxyNoWs.ts)
// against this edition's Watch.make.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { vi } from "vitest"
import * as BinanceHttpClient from "../src/BinanceHttpClient.js"
import { BinanceClock, BinanceConfig, Credentials, RateLimit } from "../src/index.js"
import * as Watch from "../src/Watch.js"
import { BASE_URL, noWsCases, seen } from "./cases/watchProxyNoWs.js"
import { KEY, SECRET } from "./FakeBinance.helpers.js"

vi.mock("ws", () => {
  throw new Error("Cannot find package 'ws'")
})

const layer = (proxy: string) =>
  Layer.mergeAll(
    BinanceHttpClient.layer({ proxy: Redacted.make(proxy) }),
    Credentials.layerHmac({ apiKey: KEY, secretKey: SECRET }),
    Layer.effect(BinanceClock.BinanceClock, BinanceClock.make),
    RateLimit.layer,
    BinanceConfig.layer({ baseUrl: BASE_URL })
  )

describe("Watch through a proxy, without ws", () => {
  for (const c of noWsCases) {
    it.scoped(c.name, () =>
      Effect.gen(function*() {
        const exit = yield* Effect.exit(
          Watch.make({ assets: ["BTC"], ...(c.stream === undefined ? {} : { stream: c.stream }) }).pipe(
            Effect.provide(layer(c.proxy))
          )
        )
        expect(seen(Exit.isFailure(exit), Exit.isFailure(exit) ? exit.cause : undefined)).toEqual(c.expected)
      }))
  }
})
