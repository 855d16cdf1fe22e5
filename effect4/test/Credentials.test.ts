// Credentials from the environment through the Effect 4 edition: an unset variable is named as not set, a set one
// that fails a check as invalid (Effect 4 reports an unset string as the wrong type; see internal/config.ts).
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Credentials from "../src/Credentials.js"
import { KEY, SECRET } from "./helpers.js"

const fromEnv = (env: Record<string, string>) =>
  Effect.flip(Credentials.makeConfig()).pipe(
    Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromEnv({ env }))
  )

describe("Credentials.makeConfig", () => {
  it.effect("BINANCE_API_KEY unset: InvalidConfiguration names it as not set", () =>
    Effect.gen(function*() {
      const error = yield* fromEnv({ BINANCE_SECRET_KEY: SECRET })
      expect(error).toMatchObject({ _tag: "InvalidConfiguration", field: "BINANCE_API_KEY", reason: "is not set" })
    }))

  it.effect("a key given: credentials that sign", () =>
    Effect.gen(function*() {
      const credentials = yield* Credentials.makeConfig().pipe(
        Effect.provideService(
          ConfigProvider.ConfigProvider,
          ConfigProvider.fromEnv({ env: { BINANCE_API_KEY: KEY, BINANCE_SECRET_KEY: SECRET } })
        )
      )
      expect(credentials.sign("asset=BTC")).toMatch(/^[0-9a-f]{64}$/)
    }))
})
