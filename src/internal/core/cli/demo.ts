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

/**
 * The demo's market for `watch --demo`: BTC's price moves at each 5-second tick (these percentages, in turn), and
 * with it the account's figures the user-data stream pushes. A move of more than 1 % moves `vmw` enough for the
 * watcher to re-read every asset at once.
 */
export const btcMoves: ReadonlyArray<number> = [0.3, -0.2, 1.6, -0.4, 0.2, -1.9, 0.1, 0.5, -0.3, 2.1, -0.6, -1.4]

/** The tick (every 5 s) at which the demo's stream pushes one `RISK_LEVEL_CHANGE`, to show the risk line move. */
export const riskTick = 6

const OTHER_USD = 519520 + 250000
const BTC_AMOUNT = 27.43689636

/** The BTC figures and the account's stream figures after `tick` moves (tick 0: as {@link assets} says). */
export const market = (tick: number): {
  readonly btc: Model.AssetAmounts
  readonly account: Model.StreamAccountFigures
} => {
  let btcUsd = 1627523.32459208
  for (let i = 0; i < tick; i++) btcUsd *= 1 + btcMoves[i % btcMoves.length]! / 100
  const equity = btcUsd + OTHER_USD
  const maintenance = 284_684.6
  const fixed = (n: number) => n.toFixed(8)
  return {
    btc: { maxWithdrawAmount: fixed(BTC_AMOUNT), maxWithdrawAmountUSD: fixed(btcUsd) },
    account: {
      uniMMR: fixed(equity / maintenance),
      accountEquity: fixed(equity),
      actualEquity: fixed(equity),
      initialMargin: "190000.00000000",
      maintenanceMargin: fixed(maintenance),
      availableBalance: fixed(equity - 190_000),
      virtualMaxWithdrawUSD: fixed((equity - 190_000) * 0.86)
    }
  }
}
