// Signing cost per key type: our Credentials vs the official SDK's RequestSigner (@binance/common).
import { RequestSigner } from "@binance/common"
import * as Either from "effect/Either"
import * as Crypto from "node:crypto"
import { Credentials } from "../src/index.js"
import { opsMicros } from "./measure.js"

export interface SigningRow {
  readonly keyType: string
  readonly oursUs: number
  readonly officialUs: number
}

const SECRET = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9"

const pem = (type: "ed25519" | "rsa") => {
  const { privateKey } = type === "rsa"
    ? Crypto.generateKeyPairSync("rsa", { modulusLength: 2048 })
    : Crypto.generateKeyPairSync("ed25519")
  return privateKey.export({ type: "pkcs8", format: "pem" }).toString()
}

/**
 * Both sides build the query from the same parameters each time: ours by concatenation (what
 * PortfolioMargin does), theirs through `sign(params)` (which builds the query string itself). Ours also
 * URL-encodes base64 signatures, as it must before they go in the URL.
 */
export const runSigning = (options: { readonly quick: boolean }): ReadonlyArray<SigningRow> => {
  const rounds = options.quick ? 3 : 7
  const rsaKey = pem("rsa")
  const edKey = pem("ed25519")
  const cases = [
    {
      keyType: "HMAC-SHA256",
      n: options.quick ? 5_000 : 20_000,
      ours: Either.getOrThrow(Credentials.makeHmac({ apiKey: "k", secretKey: SECRET })),
      official: new RequestSigner({ apiSecret: SECRET })
    },
    {
      keyType: "Ed25519",
      n: options.quick ? 1_000 : 4_000,
      ours: Either.getOrThrow(Credentials.makePrivateKey({ apiKey: "k", privateKey: edKey })),
      official: new RequestSigner({ privateKey: edKey })
    },
    {
      keyType: "RSA-2048",
      n: options.quick ? 200 : 800,
      ours: Either.getOrThrow(Credentials.makePrivateKey({ apiKey: "k", privateKey: rsaKey })),
      official: new RequestSigner({ privateKey: rsaKey })
    }
  ]
  const base = Date.now()
  return cases.map(({ keyType, n, official, ours }) => {
    let oursUs = 0
    let officialUs = 0
    // Alternate the two so drift on a shared machine hits both alike.
    const oursRuns: Array<number> = []
    const officialRuns: Array<number> = []
    for (let r = 0; r < rounds; r++) {
      oursRuns.push(opsMicros((i) => ours.sign(`asset=BTC&recvWindow=5000&timestamp=${base + i}`), n, 1))
      officialRuns.push(opsMicros((i) => official.sign({ asset: "BTC", recvWindow: 5000, timestamp: base + i }), n, 1))
    }
    oursUs = oursRuns.sort((a, b) => a - b)[oursRuns.length >> 1]!
    officialUs = officialRuns.sort((a, b) => a - b)[officialRuns.length >> 1]!
    return { keyType, oursUs, officialUs }
  })
}
