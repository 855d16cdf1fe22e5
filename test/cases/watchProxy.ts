// The watcher's stream through the client's proxy, over real HTTP and WebSocket on loopback: a forward proxy
// (test/utils/loopback.ts) in front of a served FakeBinance. No Effect here: the proxy's credentials and what must
// never leak of them, the CONNECT records the proxy's log must hold, a proxy that refuses every tunnel and the
// reason the watcher must give, and the Promise API's case whole. test/Watch.proxy.test.ts (Effect 3) and
// effect4/test/Watch.proxy.test.ts (Effect 4) serve the fake and the proxy and run their edition's watcher.
import type * as Net from "node:net"
import * as Util from "node:util"
import type { Seen } from "../utils/loopback.js"

const USER = "desk-user"
const PASSWORD = "pr0xy-p@ss-w0rd"
export const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`

/** The proxy's URL with the client's credentials in it. */
export const withCredentials = (url: string) =>
  url.replace("http://", `http://${USER}:${encodeURIComponent(PASSWORD)}@`)

/** Whether a value quotes the proxy's credentials in any form, inspected or serialised. */
export const leaks = (value: unknown) =>
  [Util.inspect(value, { depth: 10 }), JSON.stringify(value)].some((text) =>
    text.includes(PASSWORD) || text.includes(encodeURIComponent(PASSWORD)) || text.includes(BASIC.slice(6))
  )

/** The tunnels in a proxy's log. */
export const tunnels = (seen: ReadonlyArray<Seen>) => seen.filter((entry) => entry.method === "CONNECT")

/** The one tunnel the stream must have opened, to `target`, with `authorization`. */
export const oneTunnel = (target: string, authorization: string | undefined): Array<Seen> => [
  { method: "CONNECT", target, authorization }
]

/** Whether the reads went through the proxy too (forwarded: an http: target). */
export const forwardedReads = (seen: ReadonlyArray<Seen>, baseUrl: string) =>
  seen.some((entry) => entry.method === "POST" && entry.target.startsWith(baseUrl))

/** Forwarded requests pass; every CONNECT is refused, as a locked-down egress would. */
export const refuseTunnels = (server: Net.Server) => {
  server.removeAllListeners("connect")
  server.on("connect", (_req: unknown, socket: Net.Socket) => {
    socket.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
  })
}

/** What a `stream: down` event's reason must say when the proxy on `proxyPort` refuses the tunnel to the fake. */
export const refusedReason = (proxyPort: number, baseUrl: string) =>
  `proxy 127.0.0.1:${proxyPort} refused the tunnel to ${new URL(baseUrl).host}: 403`

/** The stream URL of a served fake. */
export const wsUrl = (baseUrl: string) => baseUrl.replace("http:", "ws:")

/** What a case uses of an edition's Promise API. */
export interface PromiseClient {
  readonly watch: (options: { readonly assets: ReadonlyArray<string> }) => AsyncIterable<{ readonly type: string }>
  readonly close: () => Promise<void>
}

/**
 * `createClient({ proxy }).watch` against a served fake behind a served proxy (with `BASIC` required): the first
 * `stream` event and the proxy's tunnels, to compare with `promiseWatchExpected(baseUrl)`.
 */
export const promiseWatch = async (
  createClient: (options: {
    apiKey: string
    secretKey: string
    baseUrl: string
    wsBaseUrl: string
    proxy: string
  }) => PromiseClient,
  credentials: { readonly apiKey: string; readonly secretKey: string },
  baseUrl: string,
  proxy: { readonly url: string; readonly seen: ReadonlyArray<Seen> }
) => {
  const client = createClient({
    ...credentials,
    baseUrl,
    wsBaseUrl: wsUrl(baseUrl),
    proxy: withCredentials(proxy.url)
  })
  try {
    const iterator = client.watch({ assets: ["BTC"] })[Symbol.asyncIterator]()
    for (;;) {
      const { done, value } = await iterator.next()
      if (done === true || value.type === "stream") return { event: value, tunnels: tunnels(proxy.seen) }
    }
  } finally {
    await client.close()
  }
}

export const promiseWatchExpected = (baseUrl: string) => ({
  event: { type: "stream", state: "up" },
  tunnels: oneTunnel(new URL(baseUrl).host, BASIC)
})
