/**
 * `--demo`: the account the offline demo reads, and a fresh key for it. The fake exchange knows the public half,
 * the command signs with the private half: the real code path runs against it, Ed25519-signed requests over
 * loopback HTTP checked exactly as Binance checks them.
 */
import * as Crypto from "node:crypto"
import type * as Model from "../fake/model.js"

/** The demo account's holdings, as Binance would write them (trailing zeros kept). */
export const assets: Readonly<Record<string, Model.AssetAmounts>> = {
  BTC: { maxWithdrawAmount: "27.43689636", maxWithdrawAmountUSD: "1627523.32459208" },
  ETH: { maxWithdrawAmount: "152.80000000", maxWithdrawAmountUSD: "519520.00000000" },
  USDT: { maxWithdrawAmount: "250000.00000000", maxWithdrawAmountUSD: "250000.00000000" }
}

/** What `--demo` shows without `--asset`. */
export const defaultAssets: ReadonlyArray<string> = ["BTC", "ETH", "USDT"]

/** A demo account with a fresh Ed25519 key pair: the fake gets `account`, the client `apiKey` and `privateKey`. */
export const makeAccount = (): {
  readonly account: Model.Account
  readonly apiKey: string
  readonly privateKey: string
} => {
  const { privateKey, publicKey } = Crypto.generateKeyPairSync("ed25519")
  const apiKey = `demo${Crypto.randomBytes(16).toString("hex")}`
  return {
    account: { apiKey, publicKey, assets },
    apiKey,
    privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString()
  }
}
