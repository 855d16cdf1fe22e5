/**
 * A watcher whose client has a proxy, in a runtime without the `ws` package (mocked away here): the stream would go
 * around the proxy with the global `WebSocket`, so the watcher fails at once with `InvalidConfiguration`, which
 * never quotes the proxy's credentials. With the stream off, `ws` is not needed.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { vi } from "vitest"
import * as BinanceHttpClient from "../src/BinanceHttpClient.js"
import { BinanceClock, BinanceConfig, Credentials, RateLimit } from "../src/index.js"
import * as Watch from "../src/Watch.js"
import { KEY, SECRET } from "./FakeBinance.helpers.js"

vi.mock("ws", () => {
  throw new Error("Cannot find package 'ws'")
})

const PASSWORD = "pr0xy-p@ss-w0rd"
const layer = (proxy: string | undefined) =>
  Layer.mergeAll(
    BinanceHttpClient.layer(proxy === undefined ? {} : { proxy: Redacted.make(proxy) }),
    Credentials.layerHmac({ apiKey: KEY, secretKey: SECRET }),
    Layer.effect(BinanceClock.BinanceClock, BinanceClock.make),
    RateLimit.layer,
    BinanceConfig.layer({ baseUrl: "http://127.0.0.1:9" })
  )

describe("Watch through a proxy, without ws", () => {
  it.scoped("the stream on: InvalidConfiguration that names ws, never the credentials", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(
        Watch.make({ assets: ["BTC"] }).pipe(
          Effect.provide(layer(`http://desk:${encodeURIComponent(PASSWORD)}@127.0.0.1:9`))
        )
      )
      expect(Exit.isFailure(exit)).toBe(true)
      const error = Exit.isFailure(exit) ? exit.cause : undefined
      expect(String(error)).toContain("a proxy needs the `ws` package for the stream")
      expect(JSON.stringify(error)).not.toContain(PASSWORD)
      expect(String(error)).not.toContain("desk")
    }))

  it.scoped("the stream off: no WebSocket needed", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(
        Watch.make({ assets: ["BTC"], stream: false }).pipe(Effect.provide(layer("http://127.0.0.1:9")))
      )
      expect(Exit.isSuccess(exit)).toBe(true)
    }))
})
