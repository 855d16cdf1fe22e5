import { describe, expect, it } from "@effect/vitest"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { Credentials } from "../src/index.js"
import { hmacVectors, PAYLOAD } from "./cases/signing.js"
import {
  API_KEY,
  ecPkcs8,
  edEncryptedPkcs8,
  edPkcs8,
  edPublicKey,
  HMAC_SECRET,
  PASSPHRASE,
  rsaEncryptedPkcs1,
  rsaEncryptedPkcs8,
  rsaPkcs1,
  rsaPublicKey
} from "./utils/keys.js"

const verifies = (service: Credentials.Service, algorithm: string | null, publicKey: Crypto.KeyObject) =>
  Crypto.verify(
    algorithm,
    Buffer.from(PAYLOAD),
    publicKey,
    Buffer.from(decodeURIComponent(service.sign(PAYLOAD)), "base64")
  )

describe("Credentials", () => {
  it("HMAC: the reference vectors", () => {
    const service = Either.getOrThrow(Credentials.makeHmac({ apiKey: API_KEY, secretKey: Redacted.make(HMAC_SECRET) }))
    expect(service.keyType).toBe("HMAC")
    // the shared vectors (test/cases/signing.ts)
    for (const { payload, signature } of hmacVectors) expect(service.sign(payload)).toBe(signature)
  })

  it("encrypted PEMs with the right passphrase: RSA PKCS#8, RSA PKCS#1, Ed25519", () => {
    const cases = [
      { pem: rsaEncryptedPkcs8, type: "RSA", algorithm: "sha256", publicKey: rsaPublicKey },
      { pem: rsaEncryptedPkcs1, type: "RSA", algorithm: "sha256", publicKey: rsaPublicKey },
      { pem: edEncryptedPkcs8, type: "Ed25519", algorithm: null, publicKey: edPublicKey }
    ] as const
    for (const { algorithm, pem, publicKey, type } of cases) {
      const service = Either.getOrThrow(
        Credentials.makePrivateKey({ apiKey: API_KEY, privateKey: pem, passphrase: Redacted.make(PASSPHRASE) })
      )
      expect(service.keyType).toBe(type)
      expect(verifies(service, algorithm, publicKey)).toBe(true)
    }
  })

  it("PEMs from env vars with literal \\n sequences are accepted", () => {
    const flattened = rsaPkcs1.trim().replace(/\n/g, "\\n")
    const service = Either.getOrThrow(Credentials.makePrivateKey({ apiKey: API_KEY, privateKey: flattened }))
    expect(verifies(service, "sha256", rsaPublicKey)).toBe(true)
  })

  const invalid: ReadonlyArray<[string, () => Either.Either<Credentials.Service, unknown>, string, RegExp]> = [
    [
      "wrong passphrase",
      () => Credentials.makePrivateKey({ apiKey: API_KEY, privateKey: rsaEncryptedPkcs8, passphrase: "nope" }),
      "passphrase",
      /passphrase/
    ],
    [
      "encrypted key without passphrase",
      () => Credentials.makePrivateKey({ apiKey: API_KEY, privateKey: edEncryptedPkcs8 }),
      "passphrase",
      /encrypted/
    ],
    [
      "malformed PEM",
      () =>
        Credentials.makePrivateKey({
          apiKey: API_KEY,
          privateKey: "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----"
        }),
      "privateKey",
      /not a PEM RSA or Ed25519/
    ],
    ["not a PEM", () => Credentials.makePrivateKey({ apiKey: API_KEY, privateKey: "hello" }), "privateKey", /PEM/],
    ["an EC key", () => Credentials.makePrivateKey({ apiKey: API_KEY, privateKey: ecPkcs8 }), "privateKey", /ec key/],
    ["empty secret", () => Credentials.makeHmac({ apiKey: API_KEY, secretKey: "" }), "secretKey", /empty/],
    [
      "secret with a newline",
      () => Credentials.makeHmac({ apiKey: API_KEY, secretKey: `${HMAC_SECRET}\n` }),
      "secretKey",
      /whitespace/
    ],
    [
      "PEM given as HMAC secret",
      () => Credentials.makeHmac({ apiKey: API_KEY, secretKey: edPkcs8.trim() }),
      "secretKey",
      /privateKey/
    ],
    [
      "PEM read from a file (trailing newline) given as HMAC secret",
      () => Credentials.makeHmac({ apiKey: API_KEY, secretKey: `${edPkcs8.trim()}\n` }),
      "secretKey",
      /looks like a PEM private key: use privateKey/
    ],
    ["empty API key", () => Credentials.makeHmac({ apiKey: "", secretKey: HMAC_SECRET }), "apiKey", /empty/],
    [
      "API key with a space",
      () => Credentials.makeHmac({ apiKey: "ab cd", secretKey: HMAC_SECRET }),
      "apiKey",
      /visible ASCII/
    ],
    [
      "API key not a string",
      () => Credentials.makeHmac({ apiKey: 42 as never, secretKey: HMAC_SECRET }),
      "apiKey",
      /string/
    ]
  ]
  for (const [name, build, field, reason] of invalid) {
    it(`${name} → InvalidConfiguration(${field}) at build time, with no secret in it`, () => {
      const result = build()
      expect(Either.isLeft(result)).toBe(true)
      const error = Either.isLeft(result) ? result.left as Error & { field: string } : undefined
      expect(error).toMatchObject({ _tag: "InvalidConfiguration", field })
      expect(error!.message).toMatch(reason)
      const rendered = `${String(error)} ${JSON.stringify(error)} ${error!.stack}`
      expect(rendered).not.toContain(PASSPHRASE)
      expect(rendered).not.toContain(HMAC_SECRET)
      expect(rendered).not.toContain("PRIVATE KEY-----")
    })
  }

  describe("layerConfig", () => {
    const withEnv = (env: Record<string, string>) => Effect.withConfigProvider(ConfigProvider.fromJson(env))
    const sign = Effect.map(Credentials.Credentials, (c) => ({ type: c.keyType, signature: c.sign(PAYLOAD) }))

    it.effect("BINANCE_API_KEY + BINANCE_SECRET_KEY → HMAC", () =>
      Effect.gen(function*() {
        const result = yield* sign.pipe(
          Effect.provide(Credentials.layerConfig()),
          withEnv({ BINANCE_API_KEY: API_KEY, BINANCE_SECRET_KEY: HMAC_SECRET })
        )
        expect(result).toEqual({
          type: "HMAC",
          signature: "26cd108c6472eb30e9ff5d0f5d56b09bc9d2937272c3b9a46d0320e27b70cb4b"
        })
      }))

    it.effect("BINANCE_PRIVATE_KEY + BINANCE_PRIVATE_KEY_PASSPHRASE → RSA", () =>
      Effect.gen(function*() {
        const result = yield* sign.pipe(
          Effect.provide(Credentials.layerConfig()),
          withEnv({
            BINANCE_API_KEY: API_KEY,
            BINANCE_PRIVATE_KEY: rsaEncryptedPkcs8,
            BINANCE_PRIVATE_KEY_PASSPHRASE: PASSPHRASE
          })
        )
        expect(result.type).toBe("RSA")
      }))

    it.effect("BINANCE_PRIVATE_KEY_FILE is read; a missing file is a typed error", () =>
      Effect.gen(function*() {
        const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "ebpm-"))
        const file = Path.join(dir, "key.pem")
        Fs.writeFileSync(file, edPkcs8)
        const result = yield* sign.pipe(
          Effect.provide(Credentials.layerConfig()),
          withEnv({ BINANCE_API_KEY: API_KEY, BINANCE_PRIVATE_KEY_FILE: file })
        )
        expect(result.type).toBe("Ed25519")
        const error = yield* Effect.flip(sign.pipe(
          Effect.provide(Credentials.layerConfig()),
          withEnv({ BINANCE_API_KEY: API_KEY, BINANCE_PRIVATE_KEY_FILE: Path.join(dir, "missing.pem") })
        ))
        expect(error).toMatchObject({ _tag: "InvalidConfiguration", field: "BINANCE_PRIVATE_KEY_FILE" })
        expect(error.message).toContain("ENOENT")
        Fs.rmSync(dir, { recursive: true })
      }))

    it.effect("none or two of the key variables → InvalidConfiguration naming them", () =>
      Effect.gen(function*() {
        for (
          const env of [
            { BINANCE_API_KEY: API_KEY },
            { BINANCE_API_KEY: API_KEY, BINANCE_SECRET_KEY: HMAC_SECRET, BINANCE_PRIVATE_KEY: edPkcs8 }
          ]
        ) {
          const error = yield* Effect.flip(sign.pipe(Effect.provide(Credentials.layerConfig()), withEnv(env)))
          expect(error).toMatchObject({ _tag: "InvalidConfiguration", field: "credentials" })
          expect(error.message).toContain("BINANCE_SECRET_KEY")
        }
      }))

    it.effect("a missing BINANCE_API_KEY is an InvalidConfiguration naming it", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(
          sign.pipe(Effect.provide(Credentials.layerConfig()), withEnv({ BINANCE_SECRET_KEY: HMAC_SECRET }))
        )
        expect(error).toMatchObject({ _tag: "InvalidConfiguration", field: "BINANCE_API_KEY", reason: "is not set" })
        expect(String(error)).not.toContain(HMAC_SECRET)
      }))

    it.effect("custom variable names are the ones the errors name", () =>
      Effect.gen(function*() {
        const custom = Credentials.layerConfig({
          apiKey: Config.redacted("PM_READER_API_KEY"),
          privateKeyFile: Config.option(Config.string("PM_READER_KEY_FILE"))
        })
        const twoKeys = yield* Effect.flip(sign.pipe(
          Effect.provide(custom),
          withEnv({ PM_READER_API_KEY: API_KEY, PM_READER_KEY_FILE: "/nowhere.pem", BINANCE_SECRET_KEY: HMAC_SECRET })
        ))
        expect(twoKeys).toMatchObject({
          _tag: "InvalidConfiguration",
          field: "credentials",
          reason: "set exactly one of BINANCE_SECRET_KEY, BINANCE_PRIVATE_KEY or PM_READER_KEY_FILE (found 2)"
        })
        const unreadable = yield* Effect.flip(sign.pipe(
          Effect.provide(custom),
          withEnv({ PM_READER_API_KEY: API_KEY, PM_READER_KEY_FILE: "/nowhere/missing.pem" })
        ))
        expect(unreadable).toMatchObject({
          _tag: "InvalidConfiguration",
          field: "PM_READER_KEY_FILE",
          reason: "cannot be read (ENOENT)"
        })
        const noApiKey = yield* Effect.flip(sign.pipe(Effect.provide(custom), withEnv({ PM_READER_KEY_FILE: "/x" })))
        expect(noApiKey).toMatchObject({ field: "PM_READER_API_KEY", reason: "is not set" })
      }))
  })
})
