/**
 * `--demo`: a fake Binance on loopback and an account to read from it, so the CLI can be tried without an
 * account, keys or network. The real code path runs against it: Ed25519-signed requests over HTTP, checked
 * by the fake exactly as Binance checks them.
 */
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as Crypto from "node:crypto"
import type * as BinanceError from "../../BinanceError.js"
import * as Credentials from "../../Credentials.js"
import * as FakeBinance from "../../FakeBinance.js"

/**
 * The demo account's holdings, as Binance would write them (trailing zeros kept).
 *
 * @internal
 */
export const assets: Readonly<Record<string, FakeBinance.AssetAmounts>> = {
  BTC: { maxWithdrawAmount: "27.43689636", maxWithdrawAmountUSD: "1627523.32459208" },
  ETH: { maxWithdrawAmount: "152.80000000", maxWithdrawAmountUSD: "519520.00000000" },
  USDT: { maxWithdrawAmount: "250000.00000000", maxWithdrawAmountUSD: "250000.00000000" }
}

/** @internal */
export const defaultAssets: ReadonlyArray<string> = ["BTC", "ETH", "USDT"]

/** @internal */
export interface Demo {
  readonly baseUrl: string
  readonly credentials: Layer.Layer<Credentials.Credentials, BinanceError.InvalidConfiguration>
}

/**
 * Serves the fake for as long as the scope is open, with a fresh Ed25519 key pair: the fake knows the
 * public half, the client signs with the private half.
 *
 * @internal
 */
export const start: Effect.Effect<Demo, never, Scope.Scope> = Effect.gen(function*() {
  const { privateKey, publicKey } = Crypto.generateKeyPairSync("ed25519")
  const apiKey = `demo${Crypto.randomBytes(16).toString("hex")}`
  const { baseUrl } = yield* FakeBinance.serve({ accounts: [{ apiKey, publicKey, assets }] }).pipe(Effect.orDie)
  return {
    baseUrl,
    credentials: Credentials.layerPrivateKey({
      apiKey,
      privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString()
    })
  }
})
