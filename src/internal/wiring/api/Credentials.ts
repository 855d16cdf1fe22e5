/**
 * API credentials and request signing, declared once for both editions (each edition's `Credentials` module
 * re-exports them with its own version tags, and declares its own `Credentials` service, layers and `Config`
 * reading). Keys are parsed and checked once; the resulting service signs a query string synchronously with a
 * cached `KeyObject`.
 */
import * as Config from "effect/Config"
import type * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
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
