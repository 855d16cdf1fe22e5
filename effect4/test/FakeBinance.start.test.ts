// FakeBinance.start from plain async code, as a Promise user or a test runner other than Effect's uses it: the
// Promise API's client against it over loopback, and `close()` leaves no socket behind. No Effect in the bodies.
// test/FakeBinance.start.test.ts is the same spec on the Effect 3 edition.
import * as Net from "node:net"
import { describe, expect, it } from "vitest"
import { createClient } from "../src/promise.js"
import { FakeBinance } from "../src/testing.js"

const BTC = { maxWithdrawAmount: "27.43689636", maxWithdrawAmountUSD: "1627523.32459208" }
const account = { apiKey: "test-key", hmacSecret: "test-secret", assets: { BTC } }

const tcpHandles = () => process.getActiveResourcesInfo().filter((name) => name.startsWith("TCP")).length

// Closed sockets leave the handle list on a later turn of the event loop: look again for up to a second.
const settledTcpHandles = async (expected: number) => {
  for (let i = 0; i < 50 && tcpHandles() !== expected; i++) await new Promise((resolve) => setTimeout(resolve, 20))
  return tcpHandles()
}

const refused = (baseUrl: string) =>
  new Promise<string>((resolve) => {
    const { hostname, port } = new URL(baseUrl)
    const socket = Net.connect(Number(port), hostname)
    socket.once("connect", () => {
      socket.destroy()
      resolve("connected")
    })
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"))
  })

describe("FakeBinance.start", () => {
  it("serves the fake on loopback for the Promise API; close() leaves no socket", async () => {
    const before = tcpHandles()
    const started = await FakeBinance.start({ accounts: [account] })
    expect(started.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(started.fake.baseUrl).toBe(started.baseUrl)
    const client = createClient({ apiKey: "test-key", secretKey: "test-secret", baseUrl: started.baseUrl })
    const result = await client.pmAccountInfoResult({ asset: "BTC" })
    expect([result.info, result.attempts, result.usedWeight]).toEqual([{ asset: "BTC", ...BTC }, 1, 5])
    // The server closes its side of the client's kept-alive connection too.
    await started.close()
    await client.close()
    expect(await refused(started.baseUrl)).toBe("ECONNREFUSED")
    expect(await settledTcpHandles(before)).toBe(before)
    await started.close() // a second close is harmless
  })

  it("takes serve's options: a fixed port, and bad options reject with FakeBinanceError before listening", async () => {
    const free = await new Promise<number>((resolve) => {
      const server = Net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as Net.AddressInfo
        server.close(() => resolve(port))
      })
    })
    const started = await FakeBinance.start({ port: free, weightLimit: 100 })
    expect(started.baseUrl).toBe(`http://127.0.0.1:${free}`)
    const busy = await FakeBinance.start({ port: free }).catch((error: unknown) => error)
    await started.close()
    expect(busy).toBeInstanceOf(FakeBinance.FakeBinanceError)
    expect((busy as Error).message).toContain(`cannot listen on 127.0.0.1:${free}`)
    const before = tcpHandles()
    const bad = await FakeBinance.start({ weightLimit: 0 }).catch((error: unknown) => error)
    expect([(bad as { _tag?: string })._tag, (bad as Error).message]).toEqual([
      "FakeBinanceError",
      "weightLimit must be a positive integer"
    ])
    expect(await settledTcpHandles(before)).toBe(before)
  })
})
