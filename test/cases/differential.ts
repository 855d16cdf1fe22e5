// The differential's cases and checks, without Effect: the official connectors (@binance/derivatives-trading-usds-
// futures for USDⓈ-M, @binance/derivatives-trading-coin-futures for COIN-M, whose
// classicPortfolioMarginAccountInformation calls GET /dapi/v1/pmAccountInfo) and this library send the same request
// to the same loopback fake, with the same keys at the same fixed time. test/differential.test.ts runs them on the
// Effect 3 sources and both Promise APIs, test/packed/effect4/differential.test.ts on the Effect 4 tarball's Effect
// API. `vitest` is whichever runs the spec: the root's vitest 3, or effect4's vitest 5 through its alias.
import { DerivativesTradingCoinFutures } from "@binance/derivatives-trading-coin-futures"
import { DerivativesTradingUsdsFutures } from "@binance/derivatives-trading-usds-futures"
import { expect, vi } from "vitest"
import type * as Model from "../../src/internal/core/fake/model.js"
import { ED25519_RFC8032, edPkcs8, HMAC_SECRET, rsaPkcs8 } from "../utils/keys.js"

// Amounts that would not survive a trip through a float, with trailing zeros kept.
export const ASSETS = {
  BTC: { maxWithdrawAmount: "27.43689636000", maxWithdrawAmountUSD: "12345678901234567890.123456789012345678" },
  ETH: { maxWithdrawAmount: "0.00000001", maxWithdrawAmountUSD: "0.1000" }
}

export interface Scheme {
  readonly name: string
  readonly apiKey: string
  /** How the fake verifies the key. */
  readonly account: Omit<Model.Account, "apiKey" | "assets">
  /** How the SDK signs. */
  readonly sdk: { readonly apiSecret: string } | { readonly privateKey: string }
  /** How we sign: the Promise API's options, and the Effect API's `Credentials.layerHmac` / `layerPrivateKey`. */
  readonly options: { readonly secretKey: string } | { readonly privateKey: string }
}

const privateKeyScheme = (name: string, apiKey: string, pem: string): Scheme => ({
  name,
  apiKey,
  account: { publicKey: pem },
  sdk: { privateKey: pem },
  options: { privateKey: pem }
})

export const schemes: ReadonlyArray<Scheme> = [
  {
    name: "HMAC-SHA256",
    apiKey: "differential-hmac",
    account: { hmacSecret: HMAC_SECRET },
    sdk: { apiSecret: HMAC_SECRET },
    options: { secretKey: HMAC_SECRET }
  },
  privateKeyScheme("RSA PKCS#8", "differential-rsa", rsaPkcs8),
  privateKeyScheme("Ed25519 (generated)", "differential-ed25519", edPkcs8),
  privateKeyScheme("Ed25519 (RFC 8032 test key)", "differential-rfc8032", ED25519_RFC8032)
]

/** The Effect API's Credentials layer for `scheme`, made by the edition's own `Credentials` module. */
export const credentialsOf = <L>(
  credentials: {
    readonly layerHmac: (options: { readonly apiKey: string; readonly secretKey: string }) => L
    readonly layerPrivateKey: (options: { readonly apiKey: string; readonly privateKey: string }) => L
  },
  { apiKey, options }: Scheme
): L =>
  "secretKey" in options
    ? credentials.layerHmac({ apiKey, secretKey: options.secretKey })
    : credentials.layerPrivateKey({ apiKey, privateKey: options.privateKey })

export type Market = "usds-m" | "coin-m"
export const MARKETS: ReadonlyArray<Market> = ["usds-m", "coin-m"]
export const PATH: Record<Market, string> = { "usds-m": "/fapi/v1/pmAccountInfo", "coin-m": "/dapi/v1/pmAccountInfo" }
export const ASSET_NAMES = ["BTC", "ETH"] as const
export type AssetName = typeof ASSET_NAMES[number]
export const RECV_WINDOW = 7000

/** The SDK (and the Promise API's first call) stamps `Date.now()`: pin it for the duration of the call. */
export const withFixedDateNow = async <A>(now: number, run: () => Promise<A>): Promise<A> => {
  const spy = vi.spyOn(Date, "now").mockReturnValue(now)
  try {
    return await run()
  } finally {
    spy.mockRestore()
  }
}

/** The official connector of `market` calls the fake at `baseUrl`, at the fixed instant `now`. */
export const officialCall = (market: Market, scheme: Scheme, baseUrl: string, now: number, asset: string) =>
  withFixedDateNow(now, async () => {
    const configurationRestAPI = { apiKey: scheme.apiKey, ...scheme.sdk, basePath: baseUrl, timeout: 5000 }
    const request = { asset, recvWindow: RECV_WINDOW }
    const response = market === "usds-m"
      ? await new DerivativesTradingUsdsFutures({ configurationRestAPI }).restAPI!
        .classicPortfolioMarginAccountInformation(request)
      : await new DerivativesTradingCoinFutures({ configurationRestAPI }).restAPI!
        .classicPortfolioMarginAccountInformation(request)
    return response.data()
  })

/** The fake's accounts: the scheme's key, holding ASSETS. */
export const accountsOf = (scheme: Scheme) => [{ apiKey: scheme.apiKey, ...scheme.account, assets: ASSETS }]

/**
 * The fake's log holds the connector's request, then ours: both accepted, on the market's path, with the same
 * parameters in the same order (asset, recvWindow, the fixed timestamp), the same API key and the very same
 * signature bytes. `reveal` reads a Redacted of the fake's edition.
 */
export const expectSameRequests = <Secret>(
  log: ReadonlyArray<Model.LogEntry<Secret>>,
  expected: { readonly market: Market; readonly asset: string; readonly now: number },
  reveal: (redacted: Secret) => string
) => {
  expect(log).toHaveLength(2)
  const [sdkRequest, ourRequest] = log
  expect([sdkRequest!.verdict, ourRequest!.verdict]).toEqual(["ok", "ok"])
  expect([sdkRequest!.path, ourRequest!.path]).toEqual([PATH[expected.market], PATH[expected.market]])
  expect([...new URLSearchParams(sdkRequest!.query)]).toEqual([
    ["asset", expected.asset],
    ["recvWindow", String(RECV_WINDOW)],
    ["timestamp", String(expected.now)],
    ["signature", "<redacted>"]
  ])
  expect(ourRequest!.query).toBe(sdkRequest!.query)
  expect(reveal(ourRequest!.signature!)).toBe(reveal(sdkRequest!.signature!))
  expect(reveal(ourRequest!.apiKey!)).toBe(reveal(sdkRequest!.apiKey!))
}

/**
 * The Effect API's result against the connector's: the same body read to the same strings, and to the same exact
 * decimals. `sameDecimal` compares one of our decimals with one of the connector's strings, in the edition's Effect.
 */
export const expectSameResult = <Decimal>(
  ours: {
    readonly response: unknown
    readonly info: { readonly maxWithdrawAmount: Decimal; readonly maxWithdrawAmountUSD: Decimal }
  },
  theirs: { readonly maxWithdrawAmount?: string | undefined; readonly maxWithdrawAmountUSD?: string | undefined },
  asset: AssetName,
  sameDecimal: (ours: Decimal, theirs: string) => boolean
) => {
  expect(ours.response).toEqual(theirs)
  expect(ours.response).toEqual({ asset, ...ASSETS[asset] })
  expect(sameDecimal(ours.info.maxWithdrawAmount, theirs.maxWithdrawAmount!)).toBe(true)
  expect(sameDecimal(ours.info.maxWithdrawAmountUSD, theirs.maxWithdrawAmountUSD!)).toBe(true)
}
