import { createClient, isClientError } from "effect-binance-pm/promise"
import { FakeBinance } from "effect-binance-pm/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const BTC = { maxWithdrawAmount: "27.43689636", maxWithdrawAmountUSD: "1627523.32459208" }

describe("my service, against a fake Binance", () => {
  let fake: FakeBinance.Started
  beforeAll(async () => {
    fake = await FakeBinance.start({ accounts: [{ apiKey: "test-key", hmacSecret: "test-secret", assets: { BTC } }] })
  })
  afterAll(() => fake.close())

  const client = () => createClient({ apiKey: "test-key", secretKey: "test-secret", baseUrl: fake.baseUrl })

  it("reads BTC over HTTP", async () => {
    const binance = client()
    try {
      expect(await binance.pmAccountInfo({ asset: "BTC" })).toEqual({ asset: "BTC", ...BTC })
    } finally {
      await binance.close()
    }
  })

  it("rejects an asset the account does not hold with Binance's -1108", async () => {
    const binance = client()
    try {
      const error = await binance.pmAccountInfo({ asset: "DOGE" }).catch((e: unknown) => e)
      expect(isClientError(error) && error._tag === "BinanceApiError" && error.code).toBe(-1108)
    } finally {
      await binance.close()
    }
  })
})
