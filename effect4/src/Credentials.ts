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
 * @since 1.0.0
 * @category Models
 */
export interface Service extends Keys.Signer {
  /** The API key, sent as `X-MBX-APIKEY`. */
  readonly apiKey: Redacted.Redacted<string>
}

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
 * @since 1.0.0
 * @category Models
 */
export interface HmacOptions {
  readonly apiKey: Secret
  readonly secretKey: Secret
}

/**
 * @since 1.0.0
 * @category Models
 */
export interface PrivateKeyOptions {
  readonly apiKey: Secret
  /** PEM text of an RSA or Ed25519 private key: PKCS#8 or PKCS#1, encrypted or not. */
  readonly privateKey: Secret
  readonly passphrase?: Secret | undefined
}

type Checked<A> = Result.Result<A, InvalidConfiguration>

const reveal = (field: string, value: unknown): Checked<string> => {
  const text = Redacted.isRedacted(value) ? Redacted.value(value) : value
  return typeof text === "string"
    ? Result.succeed(text)
    : Result.fail(new InvalidConfiguration(Keys.notAString(field)))
}

const checkApiKey = (input: unknown): Checked<Redacted.Redacted<string>> =>
  Result.flatMap(reveal("apiKey", input), (apiKey) => {
    const refusal = Keys.checkApiKey(apiKey)
    return refusal === undefined
      ? Result.succeed(Redacted.make(apiKey))
      : Result.fail(new InvalidConfiguration(refusal))
  })

const toService = (apiKey: Redacted.Redacted<string>, signer: Keys.Signer | Refusal): Checked<Service> =>
  Keys.isSigner(signer)
    ? Result.succeed(Credentials.of({ apiKey, keyType: signer.keyType, sign: signer.sign }))
    : Result.fail(new InvalidConfiguration(signer))

const notAnObject = (options: unknown): Checked<never> | undefined => {
  const refusal = Keys.checkCredentialsObject(options)
  return refusal === undefined ? undefined : Result.fail(new InvalidConfiguration(refusal))
}

/**
 * Builds HMAC-SHA256 credentials.
 *
 * @since 1.0.0
 * @category Constructors
 */
export const makeHmac = (options: HmacOptions): Checked<Service> =>
  notAnObject(options) ?? Result.gen(function*() {
    const apiKey = yield* checkApiKey(options.apiKey)
    const secret = yield* reveal("secretKey", options.secretKey)
    return yield* toService(apiKey, Keys.hmacSigner(secret))
  })

/**
 * Builds RSA or Ed25519 credentials from a PEM private key. The key type is read from the parsed key.
 *
 * @since 1.0.0
 * @category Constructors
 */
export const makePrivateKey = (options: PrivateKeyOptions): Checked<Service> =>
  notAnObject(options) ?? Result.gen(function*() {
    const apiKey = yield* checkApiKey(options.apiKey)
    const pem = yield* reveal("privateKey", options.privateKey)
    const passphrase = options.passphrase === undefined ? undefined : yield* reveal("passphrase", options.passphrase)
    return yield* toService(apiKey, Keys.privateKeySigner(pem, passphrase))
  })

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
 * Where `layerConfig` reads credentials from.
 *
 * @since 1.0.0
 * @category Models
 */
export interface Configs {
  readonly apiKey: Config.Config<Redacted.Redacted<string>>
  readonly secretKey: Config.Config<Option.Option<Redacted.Redacted<string>>>
  readonly privateKey: Config.Config<Option.Option<Redacted.Redacted<string>>>
  readonly privateKeyFile: Config.Config<Option.Option<string>>
  readonly passphrase: Config.Config<Option.Option<Redacted.Redacted<string>>>
}

const Env = Keys.CREDENTIALS_ENV

/**
 * The environment variables: `BINANCE_API_KEY` and exactly one of `BINANCE_SECRET_KEY`,
 * `BINANCE_PRIVATE_KEY` or `BINANCE_PRIVATE_KEY_FILE`, plus `BINANCE_PRIVATE_KEY_PASSPHRASE` if encrypted.
 *
 * @since 1.0.0
 * @category Constructors
 */
export const defaultConfigs: Configs = {
  apiKey: Config.Redacted(Env.apiKey),
  secretKey: Config.option(Config.Redacted(Env.secretKey)),
  privateKey: Config.option(Config.Redacted(Env.privateKey)),
  privateKeyFile: Config.option(Config.String(Env.privateKeyFile)),
  passphrase: Config.option(Config.Redacted(Env.passphrase))
}

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
