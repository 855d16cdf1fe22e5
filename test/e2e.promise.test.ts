// The Promise API end to end, as its users get it: each edition's packed tarball (test/utils/editions.ts), its
// createClient pointed at its own served FakeBinance, over real loopback HTTP.
import { describe, expect, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import { promisify } from "node:util"
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

// Effect 3 keeps its process-wide values (fiber refs, scheduler, metric registry) in one map on `globalThis`, shared
// by every copy of effect 3 in a process: the bundled Promise entry must not run on an app's copy, nor the app on
// the bundle's (scripts/build-promise.mjs).
describe("the Effect 3 edition's bundled Promise entry", () => {
  const edition = editions.find((each) => each.edition === 3)!
  const script = (load: (pkg: string) => string) => `
    const { createClient } = ${load("effect-binance-pm/promise")}
    const client = createClient({ apiKey: ${JSON.stringify(API_KEY)}, secretKey: ${JSON.stringify(HMAC_SECRET)},
      baseUrl: process.argv[1] })
    const info = await client.pmAccountInfo({ asset: "BTC" })
    await client.close()
    const before = globalThis["effect/GlobalValue"]
    const Effect = ${load("effect/Effect")}
    Effect.runSync(Effect.succeed(1))
    const app = globalThis["effect/GlobalValue"]
    const own = globalThis["effect-binance-pm/promise/GlobalValue"]
    console.log(JSON.stringify({
      asset: info.asset,
      before: before === undefined,
      own: own.size,
      app: app.size,
      shared: [...app.keys()].filter((key) => own.get(key) === app.get(key)).length
    }))`

  it.each(
    [
      ["ESM", "module", (pkg: string) => `await import(${JSON.stringify(pkg)})`],
      // CommonJS has no top-level await: the script runs in an async function.
      ["CJS", "commonjs", (pkg: string) => `require(${JSON.stringify(pkg)})`]
    ] as const
  )(
    "keeps its own process-wide values beside an app's effect 3 (%s)",
    (_format, inputType, load) =>
      edition.withFake({ accounts }, async ({ baseUrl }) => {
        const body = inputType === "module" ? script(load) : `(async () => { ${script(load)} })()`
        const { stdout } = await promisify(execFile)(
          process.execPath,
          [`--input-type=${inputType}`, "-e", body, baseUrl],
          { cwd: edition.folder }
        )
        const seen = JSON.parse(stdout) as Record<string, unknown>
        expect(seen).toMatchObject({ asset: "BTC", before: true, shared: 0 })
        // Both copies did make their values: they just made them apart.
        expect(seen.own).toBeGreaterThan(10)
        expect(seen.app).toBeGreaterThan(10)
      })
  )
})
