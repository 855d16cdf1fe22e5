// Every key-error case, run in one process in several shuffled (seeded) orders: the field an error names must
// not depend on what OpenSSL did before. It once did: the passphrase-or-key decision read OpenSSL's error code,
// which comes off a per-thread queue, and "wrong passphrase" named `privateKey` in a full run but not alone.
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Crypto from "node:crypto"
import { Credentials } from "../src/index.js"
import { createClient } from "../src/promise.js"
import * as corpus from "./cases/corpus.js"
import {
  API_KEY,
  ecPkcs8,
  edEncryptedPkcs8,
  edPkcs8,
  PASSPHRASE,
  rsaEncryptedPkcs1,
  rsaEncryptedPkcs8,
  rsaPkcs1,
  rsaPkcs8
} from "./utils/keys.js"

interface Case {
  readonly name: string
  /** The error's field, or "ok" for the valid keys mixed in (a success must not disturb the next failure). */
  readonly field: string
  readonly run: () => unknown
}

/** The error's field and reason (without the OpenSSL code, which is informative only), or "ok". */
const outcome = (run: () => unknown): { readonly field: string; readonly reason?: string } => {
  let result: unknown
  try {
    result = run()
  } catch (error) {
    result = Either.left(error)
  }
  if (Either.isEither(result) && Either.isLeft(result)) {
    const error = result.left as { readonly _tag?: string; readonly field?: string; readonly reason?: string }
    expect(error._tag).toBe("InvalidConfiguration")
    return { field: String(error.field), reason: String(error.reason).replace(/ \([A-Z0-9_]+\)$/, "") }
  }
  return { field: "ok" }
}

const effectCase = (name: string, field: string, options: Record<string, unknown>): Case => ({
  name: `Effect: ${name}`,
  field,
  run: () => Credentials.makePrivateKey({ apiKey: API_KEY, ...options } as never)
})

/** Damages the body of a PEM (keeps its header lines): drops a line from the middle, so the DER is cut short. */
const damaged = (pem: string): string => {
  const lines = pem.trim().split("\n")
  const middle = Math.floor(lines.length / 2)
  return [...lines.slice(0, middle), ...lines.slice(middle + 1)].join("\n")
}

const cases: ReadonlyArray<Case> = [
  // The corpus's key cases, through both APIs.
  ...corpus.options.filter((c) => c.effect.layer._tag === "PrivateKey").flatMap((c): Array<Case> => [
    {
      name: `Effect: ${c.name}`,
      field: c.effect.field,
      run: () => Credentials.makePrivateKey((c.effect.layer as { options: Record<string, unknown> }).options as never)
    },
    {
      name: `Promise: ${c.name}`,
      field: c.promise.field,
      run: () => createClient({ apiKey: corpus.API_KEY, secretKey: corpus.SECRET_KEY, ...c.promise.options } as never)
    }
  ]),
  effectCase("wrong passphrase, PKCS#1 (Proc-Type: 4,ENCRYPTED)", "passphrase", {
    privateKey: rsaEncryptedPkcs1,
    passphrase: "nope"
  }),
  effectCase("wrong passphrase, Ed25519", "passphrase", { privateKey: edEncryptedPkcs8, passphrase: "nope" }),
  effectCase("wrong passphrase, literal \\n from an env var", "passphrase", {
    privateKey: rsaEncryptedPkcs8.trim().replace(/\n/g, "\\n"),
    passphrase: "nope"
  }),
  effectCase("encrypted PKCS#1 without passphrase", "passphrase", { privateKey: rsaEncryptedPkcs1 }),
  effectCase("encrypted PKCS#8 with an empty passphrase", "passphrase", {
    privateKey: rsaEncryptedPkcs8,
    passphrase: ""
  }),
  effectCase("encrypted and damaged, right passphrase", "passphrase", {
    privateKey: damaged(rsaEncryptedPkcs8),
    passphrase: PASSPHRASE
  }),
  effectCase("unencrypted and damaged", "privateKey", { privateKey: damaged(rsaPkcs8) }),
  effectCase("unencrypted and damaged, with a passphrase", "privateKey", {
    privateKey: damaged(rsaPkcs1),
    passphrase: PASSPHRASE
  }),
  effectCase("an EC key with a passphrase", "privateKey", { privateKey: ecPkcs8, passphrase: PASSPHRASE }),
  effectCase("a public key", "privateKey", {
    privateKey: Crypto.createPublicKey(rsaPkcs8).export({ type: "spki", format: "pem" }).toString()
  }),
  // Valid keys between the failures.
  effectCase("RSA PKCS#8", "ok", { privateKey: rsaPkcs8 }),
  effectCase("RSA PKCS#1 encrypted, right passphrase", "ok", { privateKey: rsaEncryptedPkcs1, passphrase: PASSPHRASE }),
  effectCase("Ed25519 PKCS#8", "ok", { privateKey: edPkcs8 }),
  effectCase("Ed25519 encrypted, right passphrase", "ok", { privateKey: edEncryptedPkcs8, passphrase: PASSPHRASE }),
  effectCase("unencrypted RSA given a passphrase it does not need", "ok", {
    privateKey: rsaPkcs1,
    passphrase: PASSPHRASE
  }),
  // Other OpenSSL failures that leave errors behind: a non-PEM public key parse, a bad decrypt of raw data.
  {
    name: "OpenSSL noise: a failed createPublicKey and a failed decipher",
    field: "ok",
    run: () => {
      try {
        Crypto.createPublicKey("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")
      } catch {
        // expected
      }
      try {
        const decipher = Crypto.createDecipheriv("aes-128-cbc", Buffer.alloc(16), Buffer.alloc(16))
        decipher.update(Buffer.alloc(16))
        decipher.final()
      } catch {
        // expected
      }
      return Either.right("noise")
    }
  }
]

/** mulberry32: a small seeded PRNG, so an order that fails can be replayed from its seed. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const shuffled = <A>(items: ReadonlyArray<A>, seed: number): Array<A> => {
  const next = random(seed)
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

describe("key errors name the same field whatever ran before (one process, shuffled orders)", () => {
  it("the corpus holds the key cases this spec relies on", () => {
    const names = cases.map((c) => c.name)
    expect(names).toContain("Effect: wrong passphrase")
    expect(names).toContain("Promise: wrong passphrase")
    expect(names).toContain("Effect: malformed PEM")
    expect(names).toContain("Effect: encrypted privateKey without its passphrase")
  })

  it("each case alone names its field", () => {
    for (const c of cases) expect(outcome(c.run).field, c.name).toBe(c.field)
  })

  for (const seed of [1, 7, 42, 1234, 20261124, 99991]) {
    it(`order seeded ${seed}, each case three times: same field and reason every time`, () => {
      const seen = new Map<string, { readonly field: string; readonly reason?: string }>()
      for (const c of shuffled([...cases, ...cases, ...cases], seed)) {
        const got = outcome(c.run)
        expect(got.field, `${c.name} (seed ${seed})`).toBe(c.field)
        const first = seen.get(c.name)
        if (first === undefined) seen.set(c.name, got)
        else expect(got, `${c.name} (seed ${seed})`).toEqual(first)
      }
      expect(seen.size).toBe(cases.length)
    })
  }
})
