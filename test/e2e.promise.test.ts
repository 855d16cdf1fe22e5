// The Promise API end to end, as its users get it: each edition's packed tarball (test/utils/editions.ts), its
// createClient pointed at its own served FakeBinance, over real loopback HTTP.
import { describe, expect, it } from "@effect/vitest"
import { byName, type Edition, editions } from "./utils/editions.js"
import { API_KEY, HMAC_SECRET } from "./utils/keys.js"

const PM = "/fapi/v1/pmAccountInfo"
const BTC = { maxWithdrawAmount: "27.43689636", maxWithdrawAmountUSD: "1627523.32459208" }
const accounts = [{ apiKey: API_KEY, hmacSecret: HMAC_SECRET, assets: { BTC } }]

const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error)

describe.each(byName)("Promise API end to end: %s", (_name, edition: Edition) => {
  const { createClient, AbortError } = edition.promise

  it("resolves to Binance's exact strings", () =>
    edition.withFake({ accounts }, async ({ baseUrl, fake }) => {
      const client = createClient({ apiKey: API_KEY, secretKey: HMAC_SECRET, baseUrl })
      try {
        expect(await client.pmAccountInfo({ asset: "BTC", recvWindow: 3000 })).toEqual({ asset: "BTC", ...BTC })
        const [entry] = await edition.run(fake.requests)
        expect(entry).toMatchObject({ path: PM, verdict: "ok" })
        expect(entry!.query).toMatch(/^asset=BTC&recvWindow=3000&timestamp=\d+&signature=<redacted>$/)
      } finally {
        await client.close()
      }
    }))

  it("rejects with the tagged error itself, holding no secret", () =>
    edition.withFake({ accounts }, async ({ baseUrl }) => {
      const wrongSecret = "0".repeat(64)
      const client = createClient({ apiKey: API_KEY, secretKey: wrongSecret, baseUrl, maxRetries: 0 })
      const other = createClient({ apiKey: API_KEY, secretKey: HMAC_SECRET, baseUrl })
      try {
        const error = await rejection(client.pmAccountInfo({ asset: "BTC" }))
        expect(error).toBeInstanceOf(Error)
        expect(error).toMatchObject({ _tag: "InvalidSignature", status: 400, code: -1022 })
        expect(`${error?.message} ${error?.stack} ${JSON.stringify(error)}`).not.toContain(wrongSecret)
        const unknown = await rejection(other.pmAccountInfo({ asset: "DOGE" }))
        expect(unknown).toMatchObject({ _tag: "BinanceApiError", status: 400, code: -1108, msg: "Invalid asset." })
      } finally {
        await Promise.all([client.close(), other.close()])
      }
    }))

  it("aborting the signal rejects the call in flight with AbortError, promptly", () =>
    edition.withFake({ accounts }, async ({ baseUrl, fake }) => {
      const client = createClient({ apiKey: API_KEY, secretKey: HMAC_SECRET, baseUrl })
      try {
        await edition.run(fake.enqueueFault(edition.FakeBinance.Fault.delay("60 seconds"), { path: PM }))
        const controller = new AbortController()
        const pending = rejection(client.pmAccountInfo({ asset: "BTC" }, { signal: controller.signal }))
        while ((await edition.run(fake.requestCount)) === 0) await new Promise((resolve) => setTimeout(resolve, 5))
        const started = Date.now()
        controller.abort(new Error("user gave up"))
        const error = await pending
        // promptly: well before the minute the server holds the request (generous for a loaded 2-core machine)
        expect(Date.now() - started).toBeLessThan(10_000)
        expect(error).toBeInstanceOf(AbortError)
        expect(error).toMatchObject({ _tag: "Aborted", name: "AbortError" })
        // An already-aborted signal sends nothing.
        const again = await rejection(client.pmAccountInfo({ asset: "BTC" }, { signal: controller.signal }))
        expect(again).toBeInstanceOf(AbortError)
        expect(await edition.run(fake.requestCount)).toBe(1)
      } finally {
        await client.close()
      }
    }))

  it("close() resolves, and later calls reject without sending", () =>
    edition.withFake({ accounts }, async ({ baseUrl, fake }) => {
      const client = createClient({ apiKey: API_KEY, secretKey: HMAC_SECRET, baseUrl })
      expect((await client.pmAccountInfo({ asset: "BTC" })).asset).toBe("BTC")
      await expect(client.close()).resolves.toBeUndefined()
      const error = await rejection(client.pmAccountInfo({ asset: "BTC" }))
      expect(error).toMatchObject({ _tag: "ClientClosed", during: false })
      expect(await edition.run(fake.requestCount)).toBe(1)
    }))
})

describe("the packed tarballs", () => {
  it("are the two editions, each with its own Effect", async () => {
    expect(editions.map((e) => e.edition)).toEqual([3, 4])
    for (const edition of editions) {
      const { version } = await import(`${edition.folder}/node_modules/effect/package.json`, { with: { type: "json" } })
      expect(version.split(".")[0]).toBe(String(edition.edition))
      // The library resolves its Effect from the consumer folder, not from this repo.
      expect(edition.folder.startsWith(process.cwd())).toBe(false)
    }
  })
})
