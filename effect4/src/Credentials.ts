/**
 * API credentials and request signing. Keys are parsed and checked once, when the layer is built; the
 * resulting service signs a query string synchronously with a cached `KeyObject`.
 *
 * @since 1.0.0
 */
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Fs from "node:fs/promises"
import { InvalidConfiguration } from "./BinanceError.js"
import { fromConfigError } from "./internal/config.js"
import type { Refusal } from "./internal/core/endpoint.js"
import * as Keys from "./internal/core/keys.js"

/**
 * How requests are signed: HMAC-SHA256 (hex), RSA PKCS#1 v1.5 SHA-256 or Ed25519 (both base64).
 *
 * @since 1.0.0
 * @category Models
 */
export type KeyType = Keys.KeyType

/**
 * Checked credentials: `apiKey` (sent as `X-MBX-APIKEY`, redacted), `keyType`, and `sign`.
 *
 * @since 1.0.0
 * @category Models
 */
export type Service = Keys.Credentials<Redacted.Redacted<string>>

/**
 * @since 1.0.0
 * @category Context
 */
export class Credentials extends Context.Service<Credentials, Service>()("effect-binance-pm/Credentials") {}

/**
 * A string or a `Redacted` string.
 *
 * @since 1.0.0
 * @category Models
 */
export type Secret = string | Redacted.Redacted<string>

/**
 * The API key and the HMAC secret, each a string or a `Redacted` string.
 *
 * @since 1.0.0
 * @category Models
 */
export type HmacOptions = Keys.HmacOptions<Redacted.Redacted<string>>

/**
 * The API key, the PEM private key and its passphrase if it is encrypted, each a string or a `Redacted` string.
 *
 * @since 1.0.0
 * @category Models
 */
export type PrivateKeyOptions = Keys.PrivateKeyOptions<Redacted.Redacted<string>>

const secrets: Keys.Secrets<Redacted.Redacted<string>> = {
  reveal: (value) => Redacted.isRedacted(value) ? Redacted.value(value) : value,
  redact: (text) => Redacted.make(text)
}

type Checked<A> = Result.Result<A, InvalidConfiguration>

const checked = (made: Service | Refusal): Checked<Service> =>
  "field" in made ? Result.fail(new InvalidConfiguration(made)) : Result.succeed(made)

/**
 * Builds HMAC-SHA256 credentials.
 *
 * @since 1.0.0
 * @category Constructors
 */
export const makeHmac = (options: HmacOptions): Checked<Service> => checked(Keys.makeHmac(options, secrets))

/**
 * Builds RSA or Ed25519 credentials from a PEM private key. The key type is read from the parsed key.
 *
 * @since 1.0.0
 * @category Constructors
 */
export const makePrivateKey = (options: PrivateKeyOptions): Checked<Service> =>
  checked(Keys.makePrivateKey(options, secrets))

/**
 * HMAC-SHA256 credentials. Fails with `InvalidConfiguration` when built if the key or secret is unusable.
 *
 * @since 1.0.0
 * @category Layers
 */
export const layerHmac = (options: HmacOptions): Layer.Layer<Credentials, InvalidConfiguration> =>
  Layer.effect(Credentials, Effect.fromResult(makeHmac(options)))

/**
 * RSA or Ed25519 credentials from a PEM private key (PKCS#8 or PKCS#1, optionally encrypted). A malformed key
 * or a wrong passphrase fails the layer with `InvalidConfiguration`.
 *
 * @since 1.0.0
 * @category Layers
 */
export const layerPrivateKey = (options: PrivateKeyOptions): Layer.Layer<Credentials, InvalidConfiguration> =>
  Layer.effect(Credentials, Effect.fromResult(makePrivateKey(options)))

/**
 * Where `layerConfig` reads credentials from: `apiKey`, and `secretKey`, `privateKey`, `privateKeyFile` and
 * `passphrase` (each optional, as `Option`).
 *
 * @since 1.0.0
 * @category Models
 */
export type Configs = Keys.Configs<
  Config.Config<Redacted.Redacted<string>>,
  Config.Config<Option.Option<Redacted.Redacted<string>>>,
  Config.Config<Option.Option<string>>
>

const Env = Keys.CREDENTIALS_ENV

/**
 * The environment variables: `BINANCE_API_KEY` and exactly one of `BINANCE_SECRET_KEY`,
 * `BINANCE_PRIVATE_KEY` or `BINANCE_PRIVATE_KEY_FILE`, plus `BINANCE_PRIVATE_KEY_PASSPHRASE` if encrypted.
 *
 * @since 1.0.0
 * @category Constructors
 */
export const defaultConfigs: Configs = Keys.configsOf({
  secret: (name) => Config.Redacted(name),
  optionalSecret: (name) => Config.option(Config.Redacted(name)),
  optionalText: (name) => Config.option(Config.String(name))
})

// The name a `Config` reads (its path, joined with "_" as the environment provider does), found by parsing it
// against a provider that has nothing and records what was asked. Used only to word errors, so that custom
// names given to `layerConfig` are the ones reported.
const configName = (config: Config.Config<unknown>, fallback: string): Effect.Effect<string> => {
  const asked: Array<string> = []
  const recorder = ConfigProvider.make((path) => {
    asked.push(path.map(String).join("_"))
    return Effect.succeed(undefined)
  })
  return config.parse(recorder).pipe(Effect.ignore, Effect.map(() => asked[0] ?? fallback))
}

/**
 * Reads credentials from `Config` (the environment by default, see `defaultConfigs`). Errors name the
 * variables actually configured: the custom names passed in `configs`, the defaults for the rest.
 *
 * @since 1.0.0
 * @category Constructors
 */
export const makeConfig = (
  configs: Partial<Configs> = {}
): Effect.Effect<Service, InvalidConfiguration> =>
  Effect.gen(function*() {
    const c = { ...defaultConfigs, ...configs }
    const read = <A>(config: Config.Config<A>, name: string) =>
      Effect.catch(config, (error) =>
        Effect.flatMap(configName(config, name), (fallback) => Effect.fail(fromConfigError(error, fallback))))
    const apiKey = yield* read(c.apiKey, Env.apiKey)
    const secretKey = yield* read(c.secretKey, Env.secretKey)
    const privateKey = yield* read(c.privateKey, Env.privateKey)
    const privateKeyFile = yield* read(c.privateKeyFile, Env.privateKeyFile)
    const passphrase = yield* read(c.passphrase, Env.passphrase)
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
    if (Option.isSome(secretKey)) {
      return yield* Effect.fromResult(makeHmac({ apiKey, secretKey: secretKey.value }))
    }
    const pem = Option.isSome(privateKey) ? privateKey.value : yield* Effect.tryPromise({
      try: () =>
        Fs.readFile(Option.getOrThrow(privateKeyFile), "utf8").then((text) => Redacted.make(text)),
      catch: Keys.errorCode
    }).pipe(
      Effect.catch((code) =>
        Effect.flatMap(configName(c.privateKeyFile, Env.privateKeyFile), (field) =>
          Effect.fail(
            new InvalidConfiguration(Keys.unreadableKeyFile(field, code))
          ))
      )
    )
    return yield* Effect.fromResult(
      makePrivateKey({ apiKey, privateKey: pem, passphrase: Option.getOrUndefined(passphrase) })
    )
  })

/**
 * Credentials from `Config`; see `makeConfig`.
 *
 * @since 1.0.0
 * @category Layers
 */
export const layerConfig = (
  configs: Partial<Configs> = {}
): Layer.Layer<Credentials, InvalidConfiguration> => Layer.effect(Credentials, makeConfig(configs))
