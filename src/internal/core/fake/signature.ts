/**
 * Signature verification for the three key types fapi accepts. The payload is the raw query
 * before `&signature=`, exactly as sent.
 */
// Kept in the emitted .d.ts: a consumer's TypeScript 7 loads no @types by itself, and this file's types name `node:*`.
/// <reference types="node" preserve="true" />
import * as Crypto from "node:crypto"

export interface Verifier {
  readonly kind: "HMAC" | "RSA" | "Ed25519"
  /** `signature` is the decoded value of the `signature` parameter. */
  readonly verify: (payload: string, signature: string) => boolean
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

export const hmac = (secret: string): Verifier => ({
  kind: "HMAC",
  verify: (payload, signature) => {
    // Buffer.from(hex) silently drops bad digits, so check the shape first.
    if (!HEX_SHA256.test(signature)) return false
    const expected = Crypto.createHmac("sha256", secret).update(payload, "utf8").digest()
    return Crypto.timingSafeEqual(Buffer.from(signature, "hex"), expected)
  }
})

const asymmetric = (kind: "RSA" | "Ed25519", key: Crypto.KeyObject): Verifier => ({
  kind,
  verify: (payload, signature) => {
    if (!BASE64.test(signature) || signature.length % 4 !== 0) return false
    try {
      return Crypto.verify(
        kind === "RSA" ? "RSA-SHA256" : null,
        Buffer.from(payload, "utf8"),
        key,
        Buffer.from(signature, "base64")
      )
    } catch {
      return false
    }
  }
})

/**
 * Reads an RSA or Ed25519 key (public or private PEM, or a `KeyObject`) into a verifier.
 * Returns an error message for anything else.
 */
export const fromPublicKey = (key: string | Crypto.KeyObject): Verifier | string => {
  let publicKey: Crypto.KeyObject
  try {
    if (typeof key !== "string" && key.type === "secret") return "publicKey is a secret key, not an RSA or Ed25519 key"
    publicKey = typeof key !== "string" && key.type === "public" ? key : Crypto.createPublicKey(key)
  } catch (cause) {
    return `publicKey could not be read: ${cause instanceof Error ? cause.message : String(cause)}`
  }
  switch (publicKey.asymmetricKeyType) {
    case "rsa":
      return asymmetric("RSA", publicKey)
    case "ed25519":
      return asymmetric("Ed25519", publicKey)
    default:
      return `publicKey type ${publicKey.asymmetricKeyType} is not supported (RSA or Ed25519 only)`
  }
}
