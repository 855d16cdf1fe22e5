// The bad-input corpus: every input below must be refused with a typed error naming the field, before a single
// request is sent, through the Effect API and the Promise API alike. test/corpus.test.ts (Effect 3) and
// effect4/test/corpus.test.ts (Effect 4) run it. No Effect imports: both editions read this table.
//
// Read it as a table: what the caller passes, and the field the error must name.
import { ecPkcs8, PASSPHRASE, rsaEncryptedPkcs8 } from "../utils/keys.js"

/** Secrets the corpus uses; no error may repeat them. */
export const API_KEY = "corpusApiKey0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
export const SECRET_KEY = "corpus-secret-5f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70"
export const WRONG_PASSPHRASE = "not the passphrase"

/** A call's parameters (`pmAccountInfo(params)`), and the field the `InvalidParameters` must name. */
export interface CallCase {
  readonly name: string
  readonly params: unknown
  readonly field: "asset" | "recvWindow" | "params"
}

const asset = (name: string, value: unknown): CallCase => ({
  name: `asset ${name}`,
  params: { asset: value },
  field: "asset"
})
const recvWindow = (name: string, value: unknown): CallCase => ({
  name: `recvWindow ${name}`,
  params: { asset: "BTC", recvWindow: value },
  field: "recvWindow"
})

export const calls: ReadonlyArray<CallCase> = [
  asset("empty", ""),
  asset("a space", " "),
  asset("lower case", "btc"),
  asset("smuggling a parameter", "BTC&timestamp=1"),
  asset("with a fragment", "BTC#"),
  asset("with a line feed", "BTC\n"),
  asset("with a trailing space", "BTC "),
  asset("with a NUL", "BTC\u0000"),
  asset("percent-encoded", "BTC%26x%3D1"),
  asset("unicode (₿)", "₿"),
  asset("unicode (ÄBC)", "ÄBC"),
  asset("astral unicode (𝔹TC)", "𝔹TC"),
  asset("right-to-left override", "\u202eCTB"),
  asset("21 characters", "A".repeat(21)),
  asset("10,000 characters", "A".repeat(10_000)),
  asset("null", null),
  asset("undefined", undefined),
  asset("a number", 42),
  asset("NaN", Number.NaN),
  asset("true", true),
  asset("an object", {}),
  asset("an array", ["BTC"]),
  asset("an object with toString", { toString: () => "BTC" }),
  asset("a symbol", Symbol("BTC")),
  recvWindow("0", 0),
  recvWindow("-1", -1),
  recvWindow("60001", 60_001),
  recvWindow("1.5", 1.5),
  recvWindow("NaN", Number.NaN),
  recvWindow("Infinity", Infinity),
  recvWindow("-Infinity", -Infinity),
  recvWindow("\"5000\" (a string)", "5000"),
  recvWindow("null", null),
  recvWindow("true", true),
  recvWindow("a bigint", 5000n),
  { name: "params null", params: null, field: "params" },
  { name: "params undefined", params: undefined, field: "params" },
  { name: "params a string", params: "BTC", field: "params" },
  { name: "params a number", params: 1, field: "params" }
]

/**
 * The same mistake in the client's options: `promise` goes to `createClient` (merged over a valid HMAC client
 * aimed at the fake), `effect` names the layer that receives it in the Effect API, and each says which field
 * its `InvalidConfiguration` must name.
 */
export interface OptionsCase {
  readonly name: string
  readonly promise: { readonly options: Record<string, unknown>; readonly field: string }
  readonly effect: {
    readonly layer: EffectLayer
    readonly field: string
  }
}

/** Which Effect API layer gets the bad input. */
export type EffectLayer =
  | { readonly _tag: "Hmac"; readonly options: Record<string, unknown> }
  | { readonly _tag: "PrivateKey"; readonly options: Record<string, unknown> }
  /** `Credentials.layerConfig()` over these environment variables. */
  | { readonly _tag: "Env"; readonly env: Record<string, string> }
  | { readonly _tag: "Config"; readonly options: Record<string, unknown> }

const MALFORMED_PEM =
  "-----BEGIN PRIVATE KEY-----\nMIIBVgIBADANBgkqhkiG9w0BAQEFAASCAUAwggE8AgEAAkEAq7BFUpkGp3+LQmlQ\n-----END PRIVATE KEY-----"

const baseUrl = (name: string, value: string): OptionsCase => ({
  name: `baseUrl ${name}`,
  promise: { options: { baseUrl: value }, field: "baseUrl" },
  effect: { layer: { _tag: "Config", options: { baseUrl: value } }, field: "baseUrl" }
})

export const options: ReadonlyArray<OptionsCase> = [
  {
    name: "apiKey missing",
    promise: { options: { apiKey: undefined }, field: "apiKey" },
    effect: { layer: { _tag: "Hmac", options: { secretKey: SECRET_KEY } }, field: "apiKey" }
  },
  {
    name: "apiKey missing from the environment",
    promise: { options: { apiKey: undefined }, field: "apiKey" },
    effect: { layer: { _tag: "Env", env: { BINANCE_SECRET_KEY: SECRET_KEY } }, field: "BINANCE_API_KEY" }
  },
  {
    name: "apiKey empty",
    promise: { options: { apiKey: "" }, field: "apiKey" },
    effect: { layer: { _tag: "Hmac", options: { apiKey: "", secretKey: SECRET_KEY } }, field: "apiKey" }
  },
  {
    name: "apiKey with a line break",
    promise: { options: { apiKey: `${API_KEY}\n` }, field: "apiKey" },
    effect: { layer: { _tag: "Hmac", options: { apiKey: `${API_KEY}\n`, secretKey: SECRET_KEY } }, field: "apiKey" }
  },
  {
    name: "apiKey a number",
    promise: { options: { apiKey: 12345 }, field: "apiKey" },
    effect: { layer: { _tag: "Hmac", options: { apiKey: 12345, secretKey: SECRET_KEY } }, field: "apiKey" }
  },
  {
    name: "both secretKey and privateKey",
    promise: { options: { privateKey: rsaEncryptedPkcs8, privateKeyPassphrase: PASSPHRASE }, field: "secretKey" },
    effect: {
      layer: {
        _tag: "Env",
        env: { BINANCE_API_KEY: API_KEY, BINANCE_SECRET_KEY: SECRET_KEY, BINANCE_PRIVATE_KEY: rsaEncryptedPkcs8 }
      },
      field: "credentials"
    }
  },
  {
    name: "neither secretKey nor privateKey",
    promise: { options: { secretKey: undefined }, field: "secretKey" },
    effect: { layer: { _tag: "Env", env: { BINANCE_API_KEY: API_KEY } }, field: "credentials" }
  },
  {
    name: "secretKey empty",
    promise: { options: { secretKey: "" }, field: "secretKey" },
    effect: { layer: { _tag: "Hmac", options: { apiKey: API_KEY, secretKey: "" } }, field: "secretKey" }
  },
  {
    name: "secretKey that is a PEM",
    promise: { options: { secretKey: rsaEncryptedPkcs8 }, field: "secretKey" },
    effect: { layer: { _tag: "Hmac", options: { apiKey: API_KEY, secretKey: rsaEncryptedPkcs8 } }, field: "secretKey" }
  },
  {
    name: "malformed PEM",
    promise: { options: { secretKey: undefined, privateKey: MALFORMED_PEM }, field: "privateKey" },
    effect: {
      layer: { _tag: "PrivateKey", options: { apiKey: API_KEY, privateKey: MALFORMED_PEM } },
      field: "privateKey"
    }
  },
  {
    name: "privateKey not PEM at all",
    promise: { options: { secretKey: undefined, privateKey: SECRET_KEY }, field: "privateKey" },
    effect: { layer: { _tag: "PrivateKey", options: { apiKey: API_KEY, privateKey: SECRET_KEY } }, field: "privateKey" }
  },
  {
    name: "privateKey an EC key",
    promise: { options: { secretKey: undefined, privateKey: ecPkcs8 }, field: "privateKey" },
    effect: { layer: { _tag: "PrivateKey", options: { apiKey: API_KEY, privateKey: ecPkcs8 } }, field: "privateKey" }
  },
  {
    name: "encrypted privateKey without its passphrase",
    promise: { options: { secretKey: undefined, privateKey: rsaEncryptedPkcs8 }, field: "privateKeyPassphrase" },
    effect: {
      layer: { _tag: "PrivateKey", options: { apiKey: API_KEY, privateKey: rsaEncryptedPkcs8 } },
      field: "passphrase"
    }
  },
  {
    name: "wrong passphrase",
    promise: {
      options: { secretKey: undefined, privateKey: rsaEncryptedPkcs8, privateKeyPassphrase: WRONG_PASSPHRASE },
      field: "privateKeyPassphrase"
    },
    effect: {
      layer: {
        _tag: "PrivateKey",
        options: { apiKey: API_KEY, privateKey: rsaEncryptedPkcs8, passphrase: WRONG_PASSPHRASE }
      },
      field: "passphrase"
    }
  },
  baseUrl("http:// to a non-loopback host", "http://fapi.binance.com"),
  baseUrl("http:// to a private address", "http://10.0.0.1:8080"),
  baseUrl("ftp://", "ftp://fapi.binance.com"),
  baseUrl("file://", "file:///etc/passwd"),
  baseUrl("javascript:", "javascript:alert(1)"),
  baseUrl("with a path", "https://fapi.binance.com/fapi/v1"),
  baseUrl("with a query", "https://fapi.binance.com/?proxy=1"),
  baseUrl("with a fragment", "https://fapi.binance.com/#x"),
  baseUrl("with credentials", "https://user:pass@fapi.binance.com"),
  baseUrl("not a URL", "fapi.binance.com"),
  baseUrl("empty", ""),
  {
    name: "environment unknown",
    promise: { options: { environment: "staging" }, field: "environment" },
    effect: { layer: { _tag: "Config", options: { environment: "staging" } }, field: "environment" }
  },
  {
    name: "recvWindow 0 as an option",
    promise: { options: { recvWindow: 0 }, field: "recvWindow" },
    effect: { layer: { _tag: "Config", options: { recvWindow: 0 } }, field: "recvWindow" }
  },
  {
    name: "recvWindow 60001 as an option",
    promise: { options: { recvWindow: 60_001 }, field: "recvWindow" },
    effect: { layer: { _tag: "Config", options: { recvWindow: 60_001 } }, field: "recvWindow" }
  },
  {
    name: "recvWindow \"5000\" as an option",
    promise: { options: { recvWindow: "5000" }, field: "recvWindow" },
    effect: { layer: { _tag: "Config", options: { recvWindow: "5000" } }, field: "recvWindow" }
  },
  {
    name: "timeout 0",
    promise: { options: { timeoutMs: 0 }, field: "timeoutMs" },
    effect: { layer: { _tag: "Config", options: { timeout: 0 } }, field: "timeout" }
  },
  {
    name: "timeout NaN",
    promise: { options: { timeoutMs: Number.NaN }, field: "timeoutMs" },
    effect: { layer: { _tag: "Config", options: { timeout: Number.NaN } }, field: "timeout" }
  },
  {
    name: "maxRetries -1",
    promise: { options: { maxRetries: -1 }, field: "maxRetries" },
    effect: { layer: { _tag: "Config", options: { maxRetries: -1 } }, field: "maxRetries" }
  },
  {
    name: "weightLimit 0",
    promise: { options: { weightLimit: 0 }, field: "weightLimit" },
    effect: { layer: { _tag: "Config", options: { weightLimit: 0 } }, field: "weightLimit" }
  },
  {
    name: "a misspelt option",
    promise: { options: { secretkey: SECRET_KEY }, field: "secretkey" },
    effect: { layer: { _tag: "Hmac", options: { apiKey: API_KEY, secretkey: SECRET_KEY } }, field: "secretKey" }
  }
]
