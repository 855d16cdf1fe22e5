/**
 * API keys, secrets and private keys: checked, parsed once, and turned into a signer of the exact query bytes.
 * No Effect here: both editions build their credentials with these, and hold the results in `Redacted`.
 */
import * as Crypto from "node:crypto"
import type { Refusal } from "./endpoint.js"

/** How requests are signed: HMAC-SHA256 (hex), RSA PKCS#1 v1.5 SHA-256 or Ed25519 (both base64, URL-encoded). */
export type KeyType = "HMAC" | "RSA" | "Ed25519"

export interface Signer {
  readonly keyType: KeyType
  /** The `signature` parameter for these exact bytes, already URL-encoded. A secret. */
  readonly sign: (payload: string) => string
}

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
