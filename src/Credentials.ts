/**
 * API credentials and request signing. Keys are parsed and checked once, when the layer is built; the
 * resulting service signs a query string synchronously with a cached `KeyObject`.
 *
 * @since 0.1.0
 */
import type * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as ConfigProviderPathPatch from "effect/ConfigProviderPathPatch"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as HashSet from "effect/HashSet"
import * as Layer from "effect/Layer"
import * as Fs from "node:fs/promises"
import type { InvalidConfiguration } from "./BinanceError.js"
import { fromConfigError } from "./internal/config.js"
import * as Api from "./internal/wiring/api/Credentials.js"

// Declared once for both editions in internal/wiring/api/Credentials.ts; here with this edition's version tags.

/**
 * @since 0.1.0
 * @category Models
 */
export { type KeyType } from "./internal/wiring/api/Credentials.js"

/**
 * @since 0.1.0
 * @category Models
 */
export { type Service } from "./internal/wiring/api/Credentials.js"

/**
 * @since 0.1.0
 * @category Models
 */
export { type Secret } from "./internal/wiring/api/Credentials.js"

/**
 * @since 0.1.0
 * @category Models
 */
export { type HmacOptions } from "./internal/wiring/api/Credentials.js"

/**
 * @since 0.1.0
 * @category Models
 */
export { type PrivateKeyOptions } from "./internal/wiring/api/Credentials.js"

/**
 * @since 0.1.0
 * @category Constructors
 */
export { makeHmac } from "./internal/wiring/api/Credentials.js"

/**
 * @since 0.1.0
 * @category Constructors
 */
export { makePrivateKey } from "./internal/wiring/api/Credentials.js"

/**
 * @since 0.1.0
 * @category Models
 */
export { type Configs } from "./internal/wiring/api/Credentials.js"

/**
 * @since 0.1.0
 * @category Constructors
 */
export { defaultConfigs } from "./internal/wiring/api/Credentials.js"

/**
 * @since 0.1.0
 * @category Context
 */
export class Credentials extends Context.Tag("effect-binance-pm/Credentials")<Credentials, Api.Service>() {}

/**
 * HMAC-SHA256 credentials. Fails with `InvalidConfiguration` when built if the key or secret is unusable.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerHmac = (options: Api.HmacOptions): Layer.Layer<Credentials, InvalidConfiguration> =>
  Layer.effect(Credentials, Api.makeHmac(options))

/**
 * RSA or Ed25519 credentials from a PEM private key (PKCS#8 or PKCS#1, optionally encrypted). A malformed key
 * or a wrong passphrase fails the layer with `InvalidConfiguration`.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerPrivateKey = (options: Api.PrivateKeyOptions): Layer.Layer<Credentials, InvalidConfiguration> =>
  Layer.effect(Credentials, Api.makePrivateKey(options))

// The name a `Config` reads (its path, joined with "_" as the environment provider does), found by running it
// against a provider that has nothing and records what was asked. Used only to word errors, so that custom
// names given to `layerConfig` are the ones reported.
const configName = (config: Config.Config<unknown>, fallback: string): Effect.Effect<string> => {
  const asked: Array<string> = []
  const recorder = ConfigProvider.fromFlat(ConfigProvider.makeFlat({
    load: (path) => {
      asked.push(path.join("_"))
      return Effect.fail(ConfigError.MissingData([...path], "not set"))
    },
    enumerateChildren: () => Effect.succeed(HashSet.empty()),
    patch: ConfigProviderPathPatch.empty
  }))
  return config.pipe(
    Effect.withConfigProvider(recorder),
    Effect.ignore,
    Effect.map(() => asked[0] ?? fallback)
  )
}

const reader: Api.ConfigReader = {
  read: (config) => Effect.mapError(config, fromConfigError),
  nameOf: configName,
  readFile: (path) => Fs.readFile(path, "utf8")
}

/**
 * Reads credentials from `Config` (the environment by default, see `defaultConfigs`). Errors name the
 * variables actually configured: the custom names passed in `configs`, the defaults for the rest.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeConfig = (
  configs: Partial<Api.Configs> = {}
): Effect.Effect<Api.Service, InvalidConfiguration> => Api.makeConfigWith(reader, configs)

/**
 * Credentials from `Config`; see `makeConfig`.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerConfig = (
  configs: Partial<Api.Configs> = {}
): Layer.Layer<Credentials, InvalidConfiguration> => Layer.effect(Credentials, makeConfig(configs))
