/**
 * API credentials and request signing, declared once for both editions: each edition's `Credentials` module
 * re-exports them with its own version tags and declares its own `Credentials` service and layers; how a `Config`
 * is read and its variable named is each edition's `internal/config.ts`. Keys are parsed and checked once; the
 * resulting service signs a query string synchronously with a cached `KeyObject`.
 */
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as EditionConfig from "../../config.js"
import type { Refusal } from "../../core/endpoint.js"
import * as Keys from "../../core/keys.js"
import * as Dialect from "../../dialect.js"
import { InvalidConfiguration } from "./BinanceError.js"

/** How requests are signed: HMAC-SHA256 (hex), RSA PKCS#1 v1.5 SHA-256 or Ed25519 (both base64). */
export type KeyType = Keys.KeyType

/** Checked credentials: `apiKey` (sent as `X-MBX-APIKEY`, redacted), `keyType`, and `sign`. */
export type Service = Keys.Credentials<Redacted.Redacted<string>>

/** A string or a `Redacted` string. */
export type Secret = string | Redacted.Redacted<string>

/** The API key and the HMAC secret, each a string or a `Redacted` string. */
export type HmacOptions = Keys.HmacOptions<Redacted.Redacted<string>>

/** The API key, the PEM private key and its passphrase if it is encrypted, each a string or a `Redacted` string. */
export type PrivateKeyOptions = Keys.PrivateKeyOptions<Redacted.Redacted<string>>

const secrets: Keys.Secrets<Redacted.Redacted<string>> = {
  reveal: (value) => Redacted.isRedacted(value) ? Redacted.value(value) : value,
  redact: (text) => Redacted.make(text)
}

const checked = (made: Service | Refusal): Dialect.Result<Service, InvalidConfiguration> =>
  "field" in made ? Dialect.resultFail(new InvalidConfiguration(made)) : Dialect.resultSucceed(made)

/** Builds HMAC-SHA256 credentials. */
export const makeHmac = (options: HmacOptions): Dialect.Result<Service, InvalidConfiguration> =>
  checked(Keys.makeHmac(options, secrets))

/** Builds RSA or Ed25519 credentials from a PEM private key. The key type is read from the parsed key. */
export const makePrivateKey = (options: PrivateKeyOptions): Dialect.Result<Service, InvalidConfiguration> =>
  checked(Keys.makePrivateKey(options, secrets))

/**
 * Where `layerConfig` reads credentials from: `apiKey`, and `secretKey`, `privateKey`, `privateKeyFile` and
 * `passphrase` (each optional, as `Option`).
 */
export type Configs = Keys.Configs<
  Config.Config<Redacted.Redacted<string>>,
  Config.Config<Option.Option<Redacted.Redacted<string>>>,
  Config.Config<Option.Option<string>>
>

/**
 * The environment variables: `BINANCE_API_KEY` and exactly one of `BINANCE_SECRET_KEY`,
 * `BINANCE_PRIVATE_KEY` or `BINANCE_PRIVATE_KEY_FILE`, plus `BINANCE_PRIVATE_KEY_PASSPHRASE` if encrypted.
 */
export const defaultConfigs: Configs = Keys.configsOf({
  secret: (name) => Dialect.configRedacted(name),
  optionalSecret: (name) => Config.option(Dialect.configRedacted(name)),
  optionalText: (name) => Config.option(Dialect.configString(name))
})

const Env = Keys.CREDENTIALS_ENV

/**
 * Reads credentials from `Config` (the environment by default, see `defaultConfigs`). Errors name the
 * variables actually configured: the custom names passed in `configs`, the defaults for the rest.
 */
export const makeConfig = (
  configs: Partial<Configs> = {}
): Effect.Effect<Service, InvalidConfiguration> =>
  Effect.gen(function*() {
    const c = { ...defaultConfigs, ...configs }
    const apiKey = yield* EditionConfig.readConfig(c.apiKey, Env.apiKey)
    const secretKey = yield* EditionConfig.readConfig(c.secretKey, Env.secretKey)
    const privateKey = yield* EditionConfig.readConfig(c.privateKey, Env.privateKey)
    const privateKeyFile = yield* EditionConfig.readConfig(c.privateKeyFile, Env.privateKeyFile)
    const passphrase = yield* EditionConfig.readConfig(c.passphrase, Env.passphrase)
    const given =
      [Option.isSome(secretKey), Option.isSome(privateKey), Option.isSome(privateKeyFile)].filter(Boolean).length
    if (given !== 1) {
      const [secretName, privateKeyName, fileName] = yield* Effect.all([
        EditionConfig.configName(c.secretKey, Env.secretKey),
        EditionConfig.configName(c.privateKey, Env.privateKey),
        EditionConfig.configName(c.privateKeyFile, Env.privateKeyFile)
      ])
      return yield* new InvalidConfiguration(Keys.keySourceRefusal(given, [secretName, privateKeyName, fileName]))
    }
    if (Option.isSome(secretKey)) return yield* Dialect.fromResult(makeHmac({ apiKey, secretKey: secretKey.value }))
    const pem = Option.isSome(privateKey) ? privateKey.value : yield* Effect.matchEffect(
      Effect.tryPromise({
        try: () => Keys.readKeyFile(Option.getOrThrow(privateKeyFile)).then((text) => Redacted.make(text)),
        catch: Keys.errorCode
      }),
      {
        onFailure: (code) =>
          Effect.flatMap(EditionConfig.configName(c.privateKeyFile, Env.privateKeyFile), (field) =>
            Effect.fail(new InvalidConfiguration(Keys.unreadableKeyFile(field, code)))),
        onSuccess: (text) =>
          Effect.succeed(text)
      }
    )
    return yield* Dialect.fromResult(
      makePrivateKey({ apiKey, privateKey: pem, passphrase: Option.getOrUndefined(passphrase) })
    )
  })
