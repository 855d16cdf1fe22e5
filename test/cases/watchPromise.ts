// client.watch of the Promise API against a served FakeBinance, over real loopback HTTP and WebSocket, written once:
// test/Watch.promise.test.ts (Effect 3) and effect4/test/Watch.promise.test.ts (Effect 4) register it with their own
// vitest and pass their edition's `FakeBinance.start`, `createClient` and how to run the fake's effects.
import type * as Effect from "effect/Effect"
import type * as Vitest from "vitest"
import type * as FakeBinance from "../../src/FakeBinance.js"
import type * as PromiseApi from "../../src/promise.js"
import { API_KEY as KEY, HMAC_SECRET as SECRET } from "../utils/keys.js"
import { badPromiseWatchOptions, badWsBaseUrls, LISTEN_KEY } from "./watchWatcher.js"

type WatchEvent = PromiseApi.WatchEvent

const PM = "/fapi/v1/pmAccountInfo"
const BTC = { maxWithdrawAmount: "27.43689636", maxWithdrawAmountUSD: "1627523.32459208" }

/** What the spec uses of an edition and of its test runner (typed as the Effect 3 sources and vitest 3). */
export interface WatchPromiseKit {
  readonly describe: (name: string, body: () => void) => void
  readonly it: (name: string, body: () => Promise<void> | void) => void
  readonly expect: typeof Vitest.expect
  readonly beforeAll: (body: () => Promise<void>) => void
  readonly afterAll: (body: () => Promise<void>) => void
  readonly start: typeof FakeBinance.start
  readonly createClient: typeof PromiseApi.createClient
  /** Runs one of the edition's fake's effects. */
  readonly run: <A, E>(effect: Effect.Effect<A, E>) => Promise<A>
}

export const watchPromiseSpec = (kit: WatchPromiseKit): void => {
  const { afterAll, beforeAll, createClient, describe, expect, it, run } = kit
  let served: FakeBinance.Started
  beforeAll(async () => {
    served = await kit.start({ accounts: [{ apiKey: KEY, hmacSecret: SECRET, assets: { BTC } }] })
  })
  afterAll(() => served.close())

  const options = () => ({
    apiKey: KEY,
    secretKey: SECRET,
    baseUrl: served.baseUrl,
    wsBaseUrl: served.baseUrl.replace("http:", "ws:")
  })

  /** Events of the iteration until one matches, with a deadline. */
  const until = async (iterator: AsyncIterator<WatchEvent>, match: (event: WatchEvent) => boolean) => {
    const deadline = Date.now() + 5000
    while (Date.now() < deadline) {
      const next = await iterator.next()
      if (next.done === true) throw new Error("the iteration ended")
      if (match(next.value)) return next.value
    }
    throw new Error("no matching event within 5 s")
  }

  describe("createClient({ wsBaseUrl }) and client.watch: bad input", () => {
    it("refuses a bad wsBaseUrl with InvalidConfiguration", () => {
      for (const wsBaseUrl of badWsBaseUrls) {
        expect(() => createClient({ ...options(), wsBaseUrl: wsBaseUrl as string })).toThrow(
          expect.objectContaining({ _tag: "InvalidConfiguration", field: "wsBaseUrl" })
        )
      }
    })

    it("refuses bad watch options at once, before anything is sent", async () => {
      const client = createClient(options())
      const before = await run(served.fake.requestCount)
      for (const [watchOptions, field] of badPromiseWatchOptions) {
        expect(() => client.watch(watchOptions as never)).toThrow(
          expect.objectContaining({ _tag: "InvalidConfiguration", field })
        )
      }
      expect(await run(served.fake.requestCount)).toBe(before)
      await client.close()
    })
  })

  describe("client.watch over loopback", () => {
    it("iterates events, keeps latest, joins fresh reads; client.close() closes the watcher", async () => {
      const client = createClient(options())
      const watcher = client.watch({ assets: ["BTC"] })
      const iterator = watcher[Symbol.asyncIterator]()
      // The stream comes up and the first read is answered, in either order.
      const first: Array<WatchEvent> = []
      await until(iterator, (e) => {
        first.push(e)
        return first.some((x) => x.type === "stream") && first.some((x) => x.type === "asset")
      })
      expect(first).toContainEqual({ type: "stream", state: "up" })
      const asset = first.find((e) => e.type === "asset")
      expect(asset).toMatchObject({ type: "asset", asset: "BTC", ...BTC })
      expect(watcher.latest("BTC")).toEqual(asset)
      expect(watcher.latest("ETH")).toBeUndefined()

      const reads = async () => (await run(served.fake.requests)).filter((entry) => entry.path === PM).length
      const before = await reads()
      const fresh = await Promise.all(Array.from({ length: 5 }, () => watcher.fresh("BTC")))
      expect(fresh.every((event) => event.at === fresh[0]!.at)).toBe(true)
      expect(await reads()).toBe(before + 1)
      await expect(watcher.fresh("DOGE")).rejects.toMatchObject({ _tag: "InvalidConfiguration" })

      await served.fake.pushStreamEvent({ e: "RISK_LEVEL_CHANGE", E: Date.now(), s: "FORCE_LIQUIDATION" }).pipe(run)
      expect(await until(iterator, (e) => e.type === "risk")).toMatchObject({ level: "FORCE_LIQUIDATION" })

      await client.close()
      // The iteration ends; the key is deleted; no connection is left; a closed client refuses.
      for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
        expect(next.value.type).not.toBe("asset")
      }
      const keys = (await run(served.fake.requests)).filter((entry) => entry.path === LISTEN_KEY)
      expect(keys.map((entry) => entry.method)).toEqual(["POST", "DELETE"])
      // The server sees the close once the closing handshake is done.
      for (let i = 0; i < 200 && await run(served.fake.streamConnections) > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      expect(await run(served.fake.streamConnections)).toBe(0)
      await expect(watcher.fresh("BTC")).rejects.toMatchObject({ _tag: "ClientClosed" })
      expect(() => client.watch({ assets: ["BTC"] })).toThrow(expect.objectContaining({ _tag: "ClientClosed" }))
    })

    it("stream: false polls alone; the signal closes the watcher", async () => {
      const client = createClient(options())
      const controller = new AbortController()
      const watcher = client.watch({ assets: ["BTC"], stream: false, signal: controller.signal })
      const seen: Array<WatchEvent> = []
      for await (const event of watcher) {
        seen.push(event)
        controller.abort()
      }
      expect(seen).toEqual([expect.objectContaining({ type: "asset", asset: "BTC" })])
      await client.close()
    })
  })
}
