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
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Fs from "node:fs/promises"
import { InvalidConfiguration } from "./BinanceError.js"
import { fromConfigError } from "./internal/config.js"
import * as Keys from "./internal/core/keys.js"
import {
  type Configs,
  defaultConfigs,
  type HmacOptions,
  makeHmac,
  makePrivateKey,
  type PrivateKeyOptions,
  type Service
} from "./internal/wiring/api/Credentials.js"

// Declared once for both editions in internal/wiring/api/Credentials.ts; here with this edition's version tags.

/**
 * @since 0.1.0
 * @category Models
 */
export type { KeyType } from "./internal/wiring/api/Credentials.js"

/**
 * @since 0.1.0
 * @category Models
 */
export type { Service } from "./internal/wiring/api/Credentials.js"

/**
 * @since 0.1.0
 * @category Models
 */
export type { Secret } from "./internal/wiring/api/Credentials.js"

/**
 * @since 0.1.0
 * @category Models
 */
export type { HmacOptions } from "./internal/wiring/api/Credentials.js"

/**
 * @since 0.1.0
 * @category Models
 */
export type { PrivateKeyOptions } from "./internal/wiring/api/Credentials.js"

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
export type { Configs } from "./internal/wiring/api/Credentials.js"

/**
 * @since 0.1.0
 * @category Constructors
 */
export { defaultConfigs } from "./internal/wiring/api/Credentials.js"

/**
 * @since 0.1.0
 * @category Context
 */
export class Credentials extends Context.Tag("effect-binance-pm/Credentials")<Credentials, Service>() {}

/**
 * HMAC-SHA256 credentials. Fails with `InvalidConfiguration` when built if the key or secret is unusable.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerHmac = (options: HmacOptions): Layer.Layer<Credentials, InvalidConfiguration> =>
  Layer.effect(Credentials, makeHmac(options))

/**
 * RSA or Ed25519 credentials from a PEM private key (PKCS#8 or PKCS#1, optionally encrypted). A malformed key
 * or a wrong passphrase fails the layer with `InvalidConfiguration`.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerPrivateKey = (options: PrivateKeyOptions): Layer.Layer<Credentials, InvalidConfiguration> =>
  Layer.effect(Credentials, makePrivateKey(options))

const Env = Keys.CREDENTIALS_ENV

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

/**
 * Reads credentials from `Config` (the environment by default, see `defaultConfigs`). Errors name the
 * variables actually configured: the custom names passed in `configs`, the defaults for the rest.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeConfig = (
  configs: Partial<Configs> = {}
): Effect.Effect<Service, InvalidConfiguration> =>
  Effect.gen(function*() {
    const c = { ...defaultConfigs, ...configs }
    const read = <A>(config: Config.Config<A>) => Effect.mapError(config, fromConfigError)
    const apiKey = yield* read(c.apiKey)
    const secretKey = yield* read(c.secretKey)
    const privateKey = yield* read(c.privateKey)
    const privateKeyFile = yield* read(c.privateKeyFile)
    const passphrase = yield* read(c.passphrase)
    const given =
      [Option.isSome(secretKey), Option.isSome(privateKey), Option.isSome(privateKeyFile)].filter(Boolean).length
    if (given !== 1) {
      const [secretName, privateKeyName, fileName] = yield* Effect.all([
        configName(c.secretKey, Env.secretKey),
        configName(c.privateKey, Env.privateKey),
        configName(c.privateKeyFile, Env.privateKeyFile)
      ])
      return yield* new InvalidConfiguration(Keys.keySourceRefusal(given, [secretName, privateKeyName, fileName]))
    }
    if (Option.isSome(secretKey)) return yield* makeHmac({ apiKey, secretKey: secretKey.value })
    const pem = Option.isSome(privateKey) ? privateKey.value : yield* Effect.tryPromise({
      try: () => Fs.readFile(Option.getOrThrow(privateKeyFile), "utf8").then(Redacted.make),
      catch: Keys.errorCode
    }).pipe(
      Effect.catchAll((code) =>
        Effect.flatMap(configName(c.privateKeyFile, Env.privateKeyFile), (field) =>
          new InvalidConfiguration(Keys.unreadableKeyFile(field, code)))
      )
    )
    return yield* makePrivateKey({ apiKey, privateKey: pem, passphrase: Option.getOrUndefined(passphrase) })
  })

/**
 * Credentials from `Config`; see `makeConfig`.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerConfig = (
  configs: Partial<Configs> = {}
): Layer.Layer<Credentials, InvalidConfiguration> => Layer.effect(Credentials, makeConfig(configs))
