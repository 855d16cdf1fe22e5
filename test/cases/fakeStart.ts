// FakeBinance.start from plain async code, as a Promise user or a test runner other than Effect's uses it: the
// Promise API's client against it over loopback, and `close()` leaves no socket behind. No Effect here: each case
// runs against an edition's `start` and Promise API and returns what it saw; test/FakeBinance.start.test.ts
// (Effect 3) and effect4/test/FakeBinance.start.test.ts (Effect 4) compare it with `expected`.
import * as Net from "node:net"
import type { ServeOptions } from "../../src/internal/core/fake/model.js"

/** What a case uses of an edition. */
export interface StartEdition {
  readonly start: (options?: ServeOptions) => Promise<{
    readonly baseUrl: string
    readonly fake: { readonly baseUrl: string | undefined }
    readonly close: () => Promise<void>
  }>
  readonly createClient: (options: { apiKey: string; secretKey: string; baseUrl: string }) => {
    readonly pmAccountInfoResult: (
      params: { readonly asset: string }
    ) => Promise<{ readonly info: unknown; readonly attempts: number; readonly usedWeight: number | undefined }>
    readonly close: () => Promise<void>
  }
  readonly FakeBinanceError: abstract new(...args: never) => unknown
}

export interface StartCase {
  readonly name: string
  readonly run: (edition: StartEdition) => Promise<unknown>
  readonly expected: unknown
}

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

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = Net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as Net.AddressInfo
      server.close(() => resolve(port))
    })
  })

export const startCases: ReadonlyArray<StartCase> = [
  {
    name: "serves the fake on loopback for the Promise API; close() leaves no socket",
    run: async ({ createClient, start }) => {
      const before = tcpHandles()
      const started = await start({ accounts: [account] })
      const client = createClient({ apiKey: "test-key", secretKey: "test-secret", baseUrl: started.baseUrl })
      const result = await client.pmAccountInfoResult({ asset: "BTC" })
      // The server closes its side of the client's kept-alive connection too.
      await started.close()
      await client.close()
      return {
        loopback: /^http:\/\/127\.0\.0\.1:\d+$/.test(started.baseUrl),
        fakeBaseUrl: started.fake.baseUrl === started.baseUrl,
        result: [result.info, result.attempts, result.usedWeight],
        afterClose: await refused(started.baseUrl),
        socketsLeft: await settledTcpHandles(before) - before,
        secondClose: await started.close().then(() => "harmless")
      }
    },
    expected: {
      loopback: true,
      fakeBaseUrl: true,
      result: [{ asset: "BTC", ...BTC }, 1, 5],
      afterClose: "ECONNREFUSED",
      socketsLeft: 0,
      secondClose: "harmless"
    }
  },
  {
    name: "takes serve's options: a fixed port, and bad options reject with FakeBinanceError before listening",
    run: async ({ FakeBinanceError, start }) => {
      const free = await freePort()
      const started = await start({ port: free, weightLimit: 100 })
      const busy = await start({ port: free }).catch((error: unknown) => error)
      await started.close()
      const before = tcpHandles()
      const bad = await start({ weightLimit: 0 }).catch((error: unknown) => error)
      return {
        fixedPort: started.baseUrl === `http://127.0.0.1:${free}`,
        busy: [
          busy instanceof FakeBinanceError,
          (busy as Error).message.includes(`cannot listen on 127.0.0.1:${free}`)
        ],
        bad: [(bad as { _tag?: string })._tag, (bad as Error).message],
        socketsLeft: await settledTcpHandles(before) - before
      }
    },
    expected: {
      fixedPort: true,
      busy: [true, true],
      bad: ["FakeBinanceError", "weightLimit must be a positive integer"],
      socketsLeft: 0
    }
  }
]
