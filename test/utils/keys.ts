import * as Crypto from "node:crypto"

export const HMAC_SECRET = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9"
export const VECTOR_TIME = 1591702613943
export const API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"

/** RFC 8032 §7.1 TEST 1 as PKCS#8 PEM (from the reference). */
export const ED25519_RFC8032 = [
  "-----BEGIN PRIVATE KEY-----",
  "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g",
  "-----END PRIVATE KEY-----"
].join("\n")

export const ED25519_VECTOR_SIGNATURE =
  "nP06F5IsUCEn4kxFSFvERuxTmYNvdTGwxezJfbUOh+5WRO6BC7YPIkTAzX42ud+9069FAtchmK/61r3PDngeCg=="

const rsa = Crypto.generateKeyPairSync("rsa", { modulusLength: 2048 })
const ed = Crypto.generateKeyPairSync("ed25519")

export const rsaPublicKey = rsa.publicKey
export const rsaPkcs8 = rsa.privateKey.export({ type: "pkcs8", format: "pem" }).toString()
export const rsaPkcs1 = rsa.privateKey.export({ type: "pkcs1", format: "pem" }).toString()
export const PASSPHRASE = "correct horse battery staple"
export const rsaEncryptedPkcs8 = rsa.privateKey
  .export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: PASSPHRASE })
  .toString()
export const rsaEncryptedPkcs1 = rsa.privateKey
  .export({ type: "pkcs1", format: "pem", cipher: "aes-256-cbc", passphrase: PASSPHRASE })
  .toString()
export const edPublicKey = ed.publicKey
export const edPkcs8 = ed.privateKey.export({ type: "pkcs8", format: "pem" }).toString()
export const edEncryptedPkcs8 = ed.privateKey
  .export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: PASSPHRASE })
  .toString()
export const ecPkcs8 = Crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey
  .export({ type: "pkcs8", format: "pem" })
  .toString()
