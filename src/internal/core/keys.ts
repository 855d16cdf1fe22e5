/**
 * API keys, secrets and private keys: checked, parsed once, and turned into a signer of the exact query bytes.
 * No Effect here: both editions build their credentials with these, and hold the results in `Redacted`.
 */
import * as Crypto from "node:crypto"
import * as Fs from "node:fs/promises"
import type { Refusal } from "./endpoint.js"

/** How requests are signed: HMAC-SHA256 (hex), RSA PKCS#1 v1.5 SHA-256 or Ed25519 (both base64, URL-encoded). */
export type KeyType = "HMAC" | "RSA" | "Ed25519"

export interface Signer {
  readonly keyType: KeyType
  /**
   * Signs the exact query-string bytes and returns the `signature` parameter value, already URL-encoded.
   * The result is a secret: put it in the request and nowhere else.
   */
  readonly sign: (payload: string) => string
}

/** The environment variables credentials are read from by default, by option. */
export const CREDENTIALS_ENV = {
  apiKey: "BINANCE_API_KEY",
  secretKey: "BINANCE_SECRET_KEY",
  privateKey: "BINANCE_PRIVATE_KEY",
  privateKeyFile: "BINANCE_PRIVATE_KEY_FILE",
  passphrase: "BINANCE_PRIVATE_KEY_PASSPHRASE"
} as const

/**
 * Where `Credentials.layerConfig` reads credentials from, in an edition's `Config`: the API key (required, a
 * secret), and the secret key, the private key, its file's path and its passphrase (each optional; all but the
 * path are secrets). Exactly one key to sign with must be set.
 */
export interface Configs<RequiredSecret, OptionalSecret, OptionalText> {
  readonly apiKey: RequiredSecret
  readonly secretKey: OptionalSecret
  readonly privateKey: OptionalSecret
  readonly privateKeyFile: OptionalText
  readonly passphrase: OptionalSecret
}

/** The default `Configs`: each option read from its variable of `CREDENTIALS_ENV`, by the edition's readers. */
export const configsOf = <RequiredSecret, OptionalSecret, OptionalText>(read: {
  readonly secret: (name: string) => RequiredSecret
  readonly optionalSecret: (name: string) => OptionalSecret
  readonly optionalText: (name: string) => OptionalText
}): Configs<RequiredSecret, OptionalSecret, OptionalText> => ({
  apiKey: read.secret(CREDENTIALS_ENV.apiKey),
  secretKey: read.optionalSecret(CREDENTIALS_ENV.secretKey),
  privateKey: read.optionalSecret(CREDENTIALS_ENV.privateKey),
  privateKeyFile: read.optionalText(CREDENTIALS_ENV.privateKeyFile),
  passphrase: read.optionalSecret(CREDENTIALS_ENV.passphrase)
})

/** The credentials' options must be an object (a JavaScript caller may pass anything). */
export const checkCredentialsObject = (options: unknown): Refusal | undefined =>
  options === null || typeof options !== "object" ? { field: "credentials", reason: "must be an object" } : undefined

/** A secret option, once revealed, must be a string. */
export const notAString = (field: string): Refusal => ({ field, reason: "must be a string or a Redacted string" })

/**
 * What is told when not exactly one key to sign with is configured: `given` is how many are; `names` are the
 * secret key's, the private key's and the key file's, as configured (so that custom names are the ones reported).
 */
export const keySourceRefusal = (
  given: number,
  names: readonly [secretKey: string, privateKey: string, privateKeyFile: string]
): Refusal => ({
  field: "credentials",
  reason: `set exactly one of ${names[0]}, ${names[1]} or ${names[2]} (found ${given})`
})

/** The system error code of a failed file read (`ENOENT`, `EACCES`, …), or `""` when it has none. */
export const errorCode = (error: unknown): string =>
  typeof error === "object" && error !== null && "code" in error ? String(error.code) : ""

/** A key file that could not be read: `field` is its variable's name; `code` the read's error code, or `""`. */
export const unreadableKeyFile = (field: string, code: string): Refusal => ({
  field,
  reason: `cannot be read (${code === "" ? "unknown error" : code})`
})

/** The API key: it goes into an HTTP header, so anything but visible ASCII is a copy-paste accident. */
export const checkApiKey = (apiKey: string): Refusal | undefined => {
  if (apiKey.length === 0) return { field: "apiKey", reason: "is empty" }
  if (!/^[\x21-\x7e]+$/.test(apiKey)) {
    return { field: "apiKey", reason: "must be visible ASCII without spaces or line breaks" }
  }
  return undefined
}

/** An HMAC secret. */
export const hmacSigner = (secret: string): Signer | Refusal => {
  if (secret.length === 0) return { field: "secretKey", reason: "is empty" }
  // Before the whitespace check: a PEM read from a file ends with a newline, and the useful hint is the PEM.
  if (secret.includes("PRIVATE KEY")) {
    return { field: "secretKey", reason: "looks like a PEM private key: use privateKey" }
  }
  if (secret.trim() !== secret) return { field: "secretKey", reason: "has leading or trailing whitespace" }
  const key = Crypto.createSecretKey(Buffer.from(secret, "utf8"))
  return { keyType: "HMAC", sign: (payload) => Crypto.createHmac("sha256", key).update(payload).digest("hex") }
}

// Keys kept in environment variables often arrive with literal "\n" sequences instead of line breaks.
// PEM text holds no backslash, so a literal `\n` can only be an escaped line break.
const normalisePem = (pem: string): string => pem.replace(/\\n/g, "\n").trim()

// An encrypted PEM says so in its header lines: PKCS#8 `BEGIN ENCRYPTED PRIVATE KEY`, or PKCS#1 (traditional
// OpenSSL) `Proc-Type: 4,ENCRYPTED`. Which input is at fault is decided from the PEM itself, never from OpenSSL's
// error code: that code comes off a per-thread error queue and differs from call to call in one process.
const isEncryptedPem = (pem: string): boolean =>
  pem.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----") || pem.includes("\nProc-Type: 4,ENCRYPTED")

/** An RSA or Ed25519 private key in PEM (PKCS#8 or PKCS#1, encrypted or not). The key type is read from the key. */
export const privateKeySigner = (text: string, passphrase: string | undefined): Signer | Refusal => {
  const pem = normalisePem(text)
  if (!/^-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(pem)) {
    return { field: "privateKey", reason: "must be PEM text: a BEGIN PRIVATE KEY (or BEGIN RSA PRIVATE KEY) block" }
  }
  if (isEncryptedPem(pem) && (passphrase === undefined || passphrase === "")) {
    return { field: "passphrase", reason: "the private key is encrypted: give its passphrase" }
  }
  let key: Crypto.KeyObject
  try {
    // A passphrase must be supplied (even empty) or node prompts on the TTY for encrypted keys.
    key = Crypto.createPrivateKey({ key: pem, format: "pem", passphrase: passphrase ?? "" })
  } catch (error) {
    if (isEncryptedPem(pem)) return { field: "passphrase", reason: "could not be decrypted: wrong passphrase" }
    // node's crypto errors carry OpenSSL's code (e.g. ERR_OSSL_UNSUPPORTED).
    const code = String((error as { readonly code?: unknown }).code)
    return { field: "privateKey", reason: `is not a PEM RSA or Ed25519 private key (${code})` }
  }
  switch (key.asymmetricKeyType) {
    case "ed25519":
      return {
        keyType: "Ed25519",
        sign: (payload) => encodeURIComponent(Crypto.sign(null, Buffer.from(payload), key).toString("base64"))
      }
    case "rsa":
      return {
        keyType: "RSA",
        sign: (payload) => encodeURIComponent(Crypto.sign("sha256", Buffer.from(payload), key).toString("base64"))
      }
    default:
      return {
        field: "privateKey",
        reason: `is a ${String(key.asymmetricKeyType)} key; Binance accepts RSA and Ed25519`
      }
  }
}

export const isSigner = (u: Signer | Refusal): u is Signer => "sign" in u

/** An edition's secrets: `reveal` reads one (a plain string is itself), `redact` holds a string as one. */
export interface Secrets<Secret> {
  readonly reveal: (value: unknown) => unknown
  readonly redact: (text: string) => Secret
}

/** Checked credentials: the API key (a secret), and its signer. */
export interface Credentials<Secret> extends Signer {
  /** The API key, sent as `X-MBX-APIKEY`. */
  readonly apiKey: Secret
}

/** What `Credentials.makeHmac` and `layerHmac` take. */
export interface HmacOptions<Secret> {
  readonly apiKey: string | Secret
  readonly secretKey: string | Secret
}

/** What `Credentials.makePrivateKey` and `layerPrivateKey` take. */
export interface PrivateKeyOptions<Secret> {
  readonly apiKey: string | Secret
  /** PEM text of an RSA or Ed25519 private key: PKCS#8 or PKCS#1, encrypted or not. */
  readonly privateKey: string | Secret
  readonly passphrase?: string | Secret | undefined
}

const revealText = <Secret>(field: string, value: unknown, secrets: Secrets<Secret>): string | Refusal => {
  const text = secrets.reveal(value)
  return typeof text === "string" ? text : notAString(field)
}

// The checks of both kinds, in order: the options are an object, the API key, then the key to sign with.
const credentials = <Secret>(
  options: unknown,
  secrets: Secrets<Secret>,
  signer: (options: Readonly<Record<string, unknown>>) => Signer | Refusal
): Credentials<Secret> | Refusal => {
  const notAnObject = checkCredentialsObject(options)
  if (notAnObject !== undefined) return notAnObject
  const fields = options as Readonly<Record<string, unknown>>
  const apiKey = revealText("apiKey", fields.apiKey, secrets)
  if (typeof apiKey !== "string") return apiKey
  const refusal = checkApiKey(apiKey)
  if (refusal !== undefined) return refusal
  const signed = signer(fields)
  return isSigner(signed) ? { apiKey: secrets.redact(apiKey), keyType: signed.keyType, sign: signed.sign } : signed
}

/** HMAC-SHA256 credentials, or the first refusal. */
export const makeHmac = <Secret>(
  options: HmacOptions<Secret>,
  secrets: Secrets<Secret>
): Credentials<Secret> | Refusal =>
  credentials(options, secrets, (fields) => {
    const secret = revealText("secretKey", fields.secretKey, secrets)
    return typeof secret === "string" ? hmacSigner(secret) : secret
  })

/** RSA or Ed25519 credentials from a PEM private key, or the first refusal. */
export const makePrivateKey = <Secret>(
  options: PrivateKeyOptions<Secret>,
  secrets: Secrets<Secret>
): Credentials<Secret> | Refusal =>
  credentials(options, secrets, (fields) => {
    const pem = revealText("privateKey", fields.privateKey, secrets)
    if (typeof pem !== "string") return pem
    const passphrase = fields.passphrase === undefined
      ? undefined
      : revealText("passphrase", fields.passphrase, secrets)
    return typeof passphrase === "object" ? passphrase : privateKeySigner(pem, passphrase)
  })

/** The text of a key file (a failure's code is `errorCode`'s). */
export const readKeyFile = (path: string): Promise<string> => Fs.readFile(path, "utf8")
