// Keys and signing (src/internal/core/keys.ts), shared by both editions: how a PEM is read (literal "\n", stray
// whitespace), which input an unusable key is blamed on, and what each refusal says.
import { describe, expect, it } from "@effect/vitest"
import * as Crypto from "node:crypto"
import * as Keys from "../src/internal/core/keys.js"
import { edPkcs8, PASSPHRASE, rsaEncryptedPkcs1, rsaEncryptedPkcs8, rsaPkcs1, rsaPkcs8 } from "./utils/keys.js"

const refusal = (result: Keys.Signer | { field: string; reason: string }) => {
  expect(Keys.isSigner(result)).toBe(false)
  return result as { field: string; reason: string }
}

describe("the API key", () => {
  it("must be visible ASCII, without spaces or line breaks", () => {
    expect(Keys.checkApiKey("vmPUZE6mv9SD5VNH")).toBeUndefined()
    expect(Keys.checkApiKey("")).toEqual({ field: "apiKey", reason: "is empty" })
    for (const key of ["a b", "key\n", "clé"]) {
      expect(Keys.checkApiKey(key)).toEqual({
        field: "apiKey",
        reason: "must be visible ASCII without spaces or line breaks"
      })
    }
  })
})

describe("HMAC secrets", () => {
  it("sign hex HMAC-SHA256; refuse an empty secret, a PEM, and stray whitespace", () => {
    const signer = Keys.hmacSigner("s3cret") as Keys.Signer
    expect(signer.keyType).toBe("HMAC")
    expect(signer.sign("a=1")).toBe(Crypto.createHmac("sha256", "s3cret").update("a=1").digest("hex"))
    expect(refusal(Keys.hmacSigner(""))).toEqual({ field: "secretKey", reason: "is empty" })
    const pem = { field: "secretKey", reason: "looks like a PEM private key: use privateKey" }
    expect(refusal(Keys.hmacSigner(rsaPkcs8))).toEqual(pem)
    expect(refusal(Keys.hmacSigner(`${rsaPkcs8}\n`))).toEqual(pem)
    const space = { field: "secretKey", reason: "has leading or trailing whitespace" }
    expect(refusal(Keys.hmacSigner(" s3cret"))).toEqual(space)
    expect(refusal(Keys.hmacSigner("s3cret\n"))).toEqual(space)
  })
})

describe("private keys", () => {
  it("read PEMs with literal \\n sequences and with whitespace around them", () => {
    const escaped = rsaPkcs8.trim().replace(/\n/g, "\\n")
    for (const text of [escaped, `  ${escaped}  `, `\n  ${rsaPkcs8}  \n`, `${edPkcs8}\n\n`]) {
      expect(Keys.isSigner(Keys.privateKeySigner(text, undefined)), text.slice(0, 20)).toBe(true)
    }
    expect((Keys.privateKeySigner(rsaPkcs1, undefined) as Keys.Signer).keyType).toBe("RSA")
    expect((Keys.privateKeySigner(edPkcs8, undefined) as Keys.Signer).keyType).toBe("Ed25519")
  })

  it("refuse text that is not a PEM private key block, even one that contains a block further down", () => {
    const notPem = {
      field: "privateKey",
      reason: "must be PEM text: a BEGIN PRIVATE KEY (or BEGIN RSA PRIVATE KEY) block"
    }
    expect(refusal(Keys.privateKeySigner("hello", undefined))).toEqual(notPem)
    expect(refusal(Keys.privateKeySigner(`my key:\n${rsaPkcs8}`, undefined))).toEqual(notPem)
  })

  it("blame the passphrase for an encrypted key (missing, empty or wrong), the key otherwise", () => {
    for (const pem of [rsaEncryptedPkcs8, rsaEncryptedPkcs1]) {
      const missing = { field: "passphrase", reason: "the private key is encrypted: give its passphrase" }
      expect(refusal(Keys.privateKeySigner(pem, undefined))).toEqual(missing)
      expect(refusal(Keys.privateKeySigner(pem, ""))).toEqual(missing)
      expect(refusal(Keys.privateKeySigner(pem, "wrong"))).toEqual({
        field: "passphrase",
        reason: "could not be decrypted: wrong passphrase"
      })
      expect(Keys.isSigner(Keys.privateKeySigner(pem, PASSPHRASE))).toBe(true)
    }
    const damaged = rsaPkcs8.replace(/\n[A-Za-z0-9+/]{20}/, "\nAAAAAAAAAAAAAAAAAAAA")
    const refused = refusal(Keys.privateKeySigner(damaged, undefined))
    expect(refused.field).toBe("privateKey")
    // OpenSSL's own code is kept as information (never the key)
    expect(refused.reason).toMatch(/^is not a PEM RSA or Ed25519 private key \(ERR_[A-Z0-9_]+\)$/)
  })

  it("refuse keys of another type, naming it", () => {
    const ec = Crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({
      type: "pkcs8",
      format: "pem"
    })
    expect(refusal(Keys.privateKeySigner(ec.toString(), undefined))).toEqual({
      field: "privateKey",
      reason: "is a ec key; Binance accepts RSA and Ed25519"
    })
  })
})

describe("credentials' options", () => {
  it("are read from the documented environment variables", () => {
    expect(Keys.CREDENTIALS_ENV).toEqual({
      apiKey: "BINANCE_API_KEY",
      secretKey: "BINANCE_SECRET_KEY",
      privateKey: "BINANCE_PRIVATE_KEY",
      privateKeyFile: "BINANCE_PRIVATE_KEY_FILE",
      passphrase: "BINANCE_PRIVATE_KEY_PASSPHRASE"
    })
  })

  it("must be an object", () => {
    expect(Keys.checkCredentialsObject({})).toBeUndefined()
    expect(Keys.checkCredentialsObject([])).toBeUndefined()
    for (const options of [null, undefined, "key", 42, true, () => ({})]) {
      expect(Keys.checkCredentialsObject(options)).toEqual({ field: "credentials", reason: "must be an object" })
    }
  })

  it("a secret that is not a string is told so, by its field", () => {
    expect(Keys.notAString("secretKey")).toEqual({
      field: "secretKey",
      reason: "must be a string or a Redacted string"
    })
  })

  it("name the keys to choose from, as configured, and how many were set", () => {
    expect(Keys.keySourceRefusal(0, ["S", "P", "F"])).toEqual({
      field: "credentials",
      reason: "set exactly one of S, P or F (found 0)"
    })
    expect(Keys.keySourceRefusal(2, ["MY_SECRET", "BINANCE_PRIVATE_KEY", "BINANCE_PRIVATE_KEY_FILE"]).reason)
      .toBe("set exactly one of MY_SECRET, BINANCE_PRIVATE_KEY or BINANCE_PRIVATE_KEY_FILE (found 2)")
  })
})

describe("a key file that cannot be read", () => {
  it("is blamed on its variable, with the read's error code", () => {
    expect(Keys.unreadableKeyFile("KEY_FILE", "ENOENT")).toEqual({
      field: "KEY_FILE",
      reason: "cannot be read (ENOENT)"
    })
    expect(Keys.unreadableKeyFile("KEY_FILE", "")).toEqual({
      field: "KEY_FILE",
      reason: "cannot be read (unknown error)"
    })
  })

  it("keeps the error's code, or none", () => {
    expect(Keys.errorCode(Object.assign(new Error("x"), { code: "EACCES" }))).toBe("EACCES")
    expect(Keys.errorCode({ code: 13 })).toBe("13")
    for (const error of [new Error("x"), null, undefined, "ENOENT", 2]) expect(Keys.errorCode(error)).toBe("")
  })
})

describe("credentials, in any edition's secrets", () => {
  // A dialect whose secrets are boxes: what a box holds is revealed, anything else is itself.
  interface Box {
    readonly held: string
  }
  const secrets: Keys.Secrets<Box> = {
    reveal: (value) => typeof value === "object" && value !== null && "held" in value ? value.held : value,
    redact: (text) => ({ held: text })
  }

  it("hold the API key as a secret and sign with the key given, plain or held", () => {
    const hmac = Keys.makeHmac({ apiKey: { held: "key" }, secretKey: "s3cret" }, secrets) as Keys.Credentials<Box>
    expect(hmac.apiKey).toEqual({ held: "key" })
    expect(hmac.keyType).toBe("HMAC")
    expect(hmac.sign("a=1")).toBe((Keys.hmacSigner("s3cret") as Keys.Signer).sign("a=1"))
    const ed = Keys.makePrivateKey({ apiKey: "key", privateKey: { held: edPkcs8 } }, secrets) as Keys.Credentials<Box>
    expect(ed.apiKey).toEqual({ held: "key" })
    expect(ed.keyType).toBe("Ed25519")
    const rsa = Keys.makePrivateKey(
      { apiKey: "key", privateKey: rsaEncryptedPkcs8, passphrase: { held: PASSPHRASE } },
      secrets
    ) as Keys.Credentials<Box>
    expect(rsa.keyType).toBe("RSA")
  })

  it("refuse, first: options that are not an object, then the API key, then the key to sign with", () => {
    for (const options of [null, undefined, 1]) {
      expect(Keys.makeHmac(options as never, secrets)).toEqual(Keys.checkCredentialsObject(null))
      expect(Keys.makePrivateKey(options as never, secrets)).toEqual(Keys.checkCredentialsObject(null))
    }
    expect(Keys.makeHmac({ apiKey: 1 as never, secretKey: 2 as never }, secrets)).toEqual(Keys.notAString("apiKey"))
    expect(Keys.makeHmac({ apiKey: "", secretKey: 2 as never }, secrets)).toEqual(Keys.checkApiKey(""))
    expect(Keys.makeHmac({ apiKey: "key", secretKey: 2 as never }, secrets)).toEqual(Keys.notAString("secretKey"))
    expect(Keys.makeHmac({ apiKey: "key", secretKey: "" }, secrets)).toEqual(Keys.hmacSigner(""))
    expect(Keys.makePrivateKey({ apiKey: "key", privateKey: 2 as never }, secrets)).toEqual(
      Keys.notAString("privateKey")
    )
    expect(Keys.makePrivateKey({ apiKey: "key", privateKey: edPkcs8, passphrase: 3 as never }, secrets)).toEqual(
      Keys.notAString("passphrase")
    )
    expect(Keys.makePrivateKey({ apiKey: "key", privateKey: rsaEncryptedPkcs1 }, secrets)).toEqual({
      field: "passphrase",
      reason: "the private key is encrypted: give its passphrase"
    })
  })
})

describe("the default Configs (configsOf)", () => {
  it("reads each option from its variable, as a required secret, an optional secret or an optional text", () => {
    expect(Keys.configsOf({
      secret: (name) => `secret ${name}`,
      optionalSecret: (name) => `optional secret ${name}`,
      optionalText: (name) => `optional text ${name}`
    })).toEqual({
      apiKey: "secret BINANCE_API_KEY",
      secretKey: "optional secret BINANCE_SECRET_KEY",
      privateKey: "optional secret BINANCE_PRIVATE_KEY",
      privateKeyFile: "optional text BINANCE_PRIVATE_KEY_FILE",
      passphrase: "optional secret BINANCE_PRIVATE_KEY_PASSPHRASE"
    })
  })
})
