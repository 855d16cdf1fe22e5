// Signing vectors both editions must reproduce: Binance's HMAC reference vectors, the RFC 8032 Ed25519 test key
// on the reference payload, and the PEM shapes that are verified against their public keys. Plain data, no
// Effect: test/Credentials.test.ts and test/PortfolioMargin.test.ts (Effect 3) and effect4/test/signing.test.ts
// (Effect 4) run it.
import type * as Crypto from "node:crypto"
import {
  ED25519_RFC8032,
  ED25519_VECTOR_SIGNATURE,
  edEncryptedPkcs8,
  edPkcs8,
  edPublicKey,
  PASSPHRASE,
  rsaEncryptedPkcs1,
  rsaEncryptedPkcs8,
  rsaPkcs1,
  rsaPkcs8,
  rsaPublicKey
} from "../utils/keys.js"

export {
  API_KEY,
  ED25519_RFC8032,
  ED25519_VECTOR_SIGNATURE,
  HMAC_SECRET,
  PASSPHRASE,
  VECTOR_TIME
} from "../utils/keys.js"

/** The payload of Binance's documented example, as this library builds it for `asset=BTC` at VECTOR_TIME. */
export const PAYLOAD = "asset=BTC&recvWindow=5000&timestamp=1591702613943"

/** HMAC-SHA256 with HMAC_SECRET: payload → hex signature (Binance's API docs' examples). */
export const hmacVectors: ReadonlyArray<{ readonly payload: string; readonly signature: string }> = [
  { payload: PAYLOAD, signature: "26cd108c6472eb30e9ff5d0f5d56b09bc9d2937272c3b9a46d0320e27b70cb4b" },
  {
    payload: "asset=BTC&timestamp=1591702613943",
    signature: "a84404dbb6474d6fc15fc607f15832009244e4cc1bee32549b788a541838145d"
  },
  {
    payload:
      "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943",
    signature: "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9"
  }
]

/** Ed25519 is deterministic: the RFC 8032 test key signs PAYLOAD to exactly this (base64, before URL-encoding). */
export const ed25519Vector = { privateKey: ED25519_RFC8032, payload: PAYLOAD, signature: ED25519_VECTOR_SIGNATURE }

/** A private key the library must accept, and how to verify what it signs (RSA and Ed25519 are checked, not compared). */
export interface PrivateKeyCase {
  readonly name: string
  readonly pem: string
  readonly passphrase?: string
  readonly keyType: "RSA" | "Ed25519"
  /** `Crypto.verify`'s algorithm: sha256 for RSA, null for Ed25519. */
  readonly algorithm: "sha256" | null
  readonly publicKey: Crypto.KeyObject
  /** Raw signature bytes. */
  readonly bytes: number
}

export const privateKeys: ReadonlyArray<PrivateKeyCase> = [
  { name: "RSA PKCS#8", pem: rsaPkcs8, keyType: "RSA", algorithm: "sha256", publicKey: rsaPublicKey, bytes: 256 },
  { name: "RSA PKCS#1", pem: rsaPkcs1, keyType: "RSA", algorithm: "sha256", publicKey: rsaPublicKey, bytes: 256 },
  { name: "Ed25519 PKCS#8", pem: edPkcs8, keyType: "Ed25519", algorithm: null, publicKey: edPublicKey, bytes: 64 },
  {
    name: "RSA PKCS#8, encrypted",
    pem: rsaEncryptedPkcs8,
    passphrase: PASSPHRASE,
    keyType: "RSA",
    algorithm: "sha256",
    publicKey: rsaPublicKey,
    bytes: 256
  },
  {
    name: "RSA PKCS#1, encrypted",
    pem: rsaEncryptedPkcs1,
    passphrase: PASSPHRASE,
    keyType: "RSA",
    algorithm: "sha256",
    publicKey: rsaPublicKey,
    bytes: 256
  },
  {
    name: "Ed25519 PKCS#8, encrypted",
    pem: edEncryptedPkcs8,
    passphrase: PASSPHRASE,
    keyType: "Ed25519",
    algorithm: null,
    publicKey: edPublicKey,
    bytes: 64
  }
]
