// The forward proxies' agents (src/internal/core/proxyAgent.ts) over loopback: the plain tunnel a `ws:` WebSocket
// takes, what a CONNECT names when the URL names no port, bytes a proxy sends right after its 200, the local
// address a tunnel leaves from, a target named by `host` alone, the name TLS asks for inside the tunnel. The forwarded
// request, the TLS tunnel and the refusals through `send`: test/nodeSend.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Http from "node:http"
import * as Https from "node:https"
import * as Net from "node:net"
import type * as Tls from "node:tls"
import * as NodeSend from "../src/internal/core/nodeSend.js"
import * as ProxyAgent from "../src/internal/core/proxyAgent.js"
import { close, type Served, startProxy } from "./utils/loopback.js"
import { TLS_CERT, TLS_KEY } from "./utils/tls.js"

type Result = NodeSend.Received | NodeSend.Failure

let origin: Served & { readonly url: string }

beforeAll(async () => {
  const server = Http.createServer((req, res) => {
    res.writeHead(200, { "x-seen": `${req.method} ${req.url} host=${req.headers.host}` })
    res.end("ok")
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const port = (server.address() as Net.AddressInfo).port
  origin = { server, port, url: `http://127.0.0.1:${port}` }
})
afterAll(() => close(origin))

const noCredentials: ProxyAgent.Authorization = () => undefined
const addressOf = (port: number): ProxyAgent.ProxyAddress => ({
  hostname: "127.0.0.1",
  port,
  host: `127.0.0.1:${port}`
})

/** A GET over these agents (no forwarding: each agent tunnels), waiting for its one answer. */
const get = (agents: NodeSend.Agents, url: string) =>
  new Promise<Result>((resolve) =>
    NodeSend.send(agents, noCredentials, "GET", new URL(url), {}, undefined, resolve, 10_000)
  )

/**
 * A proxy whose every CONNECT is answered by `answer` (the socket, as node's server hands it over). A CONNECT's
 * socket leaves the server's count: `stop` destroys them before closing.
 */
const connectServer = async (answer: (req: Http.IncomingMessage, socket: Net.Socket) => void) => {
  const targets: Array<string> = []
  const sockets: Array<Net.Socket> = []
  const server = Http.createServer()
  server.on("connect", (req: Http.IncomingMessage, socket: Net.Socket) => {
    targets.push(req.url ?? "")
    sockets.push(socket)
    socket.on("error", () => {})
    answer(req, socket)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const port = (server.address() as Net.AddressInfo).port
  const stop = () => {
    for (const socket of sockets) socket.destroy()
    return close({ server, port })
  }
  return { server, port, targets, sockets, stop, address: addressOf(port) }
}

/** A proxy that opens every tunnel asked for. */
const tunnelling = () =>
  connectServer((req, socket) => {
    const [host, port] = (req.url ?? "").split(":")
    const upstream = Net.connect(Number(port), host, () => {
      socket.write("HTTP/1.1 200 Connection Established\r\n\r\n")
      upstream.pipe(socket)
      socket.pipe(upstream)
    })
    upstream.on("error", () => socket.destroy())
    socket.on("close", () => upstream.destroy())
  })

const refusing = () =>
  connectServer((_req, socket) => socket.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"))

describe("plainTunnelAgent", () => {
  it("a plain request goes inside a CONNECT tunnel: the origin sees its own path, the proxy the credentials", async () => {
    const proxy = await startProxy({ authorization: "Basic c2VjcmV0" })
    const address = addressOf(proxy.port)
    const http = ProxyAgent.plainTunnelAgent(address, () => "Basic c2VjcmV0", {})
    try {
      const result = await get({ http, https: new Https.Agent() }, `${origin.url}/ws?x=1`)
      expect(NodeSend.isReceived(result)).toBe(true)
      expect((result as NodeSend.Received).headers["x-seen"]).toBe(`GET /ws?x=1 host=127.0.0.1:${origin.port}`)
      expect(proxy.seen).toEqual([
        { method: "CONNECT", target: `127.0.0.1:${origin.port}`, authorization: "Basic c2VjcmV0" }
      ])
    } finally {
      http.destroy()
      await close(proxy)
    }
  })

  it("a request that names its target by `host` alone (as the ws library does) tunnels to that host", async () => {
    const proxy = await refusing()
    try {
      const agent = ProxyAgent.plainTunnelAgent(proxy.address, noCredentials, {})
      const error = await new Promise<Error>((resolve) => {
        const req = Http.request({ host: "example.test", hostname: undefined, port: 81, path: "/x", agent })
        req.on("error", resolve)
        req.end()
      })
      expect(error.message).toBe(`proxy ${proxy.address.host} refused the tunnel to example.test:81: 403`)
      expect(proxy.targets).toEqual(["example.test:81"])
    } finally {
      await proxy.stop()
    }
  })

  it("a tunnel refused fails the request with the proxy's answer; a URL without a port tunnels to port 80", async () => {
    const proxy = await refusing()
    try {
      const http = ProxyAgent.plainTunnelAgent(proxy.address, noCredentials, {})
      const failure = (await get({ http, https: new Https.Agent() }, "http://example.test/x")) as NodeSend.Failure
      expect(failure.body).toBeUndefined()
      expect(String(failure.cause)).toBe(
        `Error: proxy ${proxy.address.host} refused the tunnel to example.test:80: 403`
      )
      expect(proxy.targets).toEqual(["example.test:80"])
    } finally {
      await proxy.stop()
    }
  })
})

describe("tunnelAgent", () => {
  it("a URL without a port tunnels to port 443", async () => {
    const proxy = await refusing()
    try {
      const https = ProxyAgent.tunnelAgent(proxy.address, noCredentials, {})
      const failure = (await get({ http: new Http.Agent(), https }, "https://example.test/x")) as NodeSend.Failure
      expect(String(failure.cause)).toBe(
        `Error: proxy ${proxy.address.host} refused the tunnel to example.test:443: 403`
      )
    } finally {
      await proxy.stop()
    }
  })

  it("a request that names its target by `host` alone (as the ws library does) tunnels to that host", async () => {
    const proxy = await refusing()
    try {
      const agent = ProxyAgent.tunnelAgent(proxy.address, noCredentials, {})
      const error = await new Promise<Error>((resolve) => {
        const req = Https.request({ host: "example.test", hostname: undefined, port: 8443, path: "/x", agent })
        req.on("error", resolve)
        req.end()
      })
      expect(error.message).toBe(`proxy ${proxy.address.host} refused the tunnel to example.test:8443: 403`)
    } finally {
      await proxy.stop()
    }
  })

  it("TLS inside the tunnel names the server node chose (the Host header's name), not the address dialled", async () => {
    const names: Array<string | false | null> = []
    const server = Https.createServer({ cert: TLS_CERT, key: TLS_KEY }, (req, res) => {
      names.push((req.socket as Tls.TLSSocket).servername)
      res.end("ok")
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const port = (server.address() as Net.AddressInfo).port
    const proxy = await tunnelling()
    // The certificate names localhost: its identity is not what this spec is about.
    const https = ProxyAgent.tunnelAgent(proxy.address, noCredentials, {
      ca: TLS_CERT,
      checkServerIdentity: () => undefined
    })
    try {
      const answer = await new Promise<Result>((resolve) =>
        NodeSend.send(
          { http: new Http.Agent(), https },
          noCredentials,
          "GET",
          new URL(`https://127.0.0.1:${port}/`),
          { host: "example.test" },
          undefined,
          resolve,
          10_000
        )
      )
      expect(NodeSend.isReceived(answer)).toBe(true)
      expect(names).toEqual(["example.test"])
    } finally {
      https.destroy()
      await proxy.stop()
      await close({ server, port })
    }
  })

  it("bytes the proxy sends right after its 200 are the tunnel's first", async () => {
    // A proxy (or a server behind it) that does not wait for the request: the answer comes with the 200, in one write.
    const proxy = await connectServer((_req, socket) => {
      socket.end(
        "HTTP/1.1 200 Connection Established\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nearly"
      )
    })
    const http = ProxyAgent.plainTunnelAgent(proxy.address, noCredentials, {})
    try {
      const result = await get({ http, https: new Https.Agent() }, "http://example.test:81/x")
      expect(NodeSend.isReceived(result)).toBe(true)
      expect((result as NodeSend.Received).bytes.toString()).toBe("early")
    } finally {
      http.destroy()
      await proxy.stop()
    }
  })

  it("the tunnel leaves from the local address given: one the host does not have cannot be bound", async () => {
    const proxy = await refusing()
    try {
      // 192.0.2.1 is TEST-NET-1 (RFC 5737): no host has it, so binding to it fails before anything is sent.
      const https = ProxyAgent.tunnelAgent(proxy.address, noCredentials, { localAddress: "192.0.2.1" })
      const failure = (await get({ http: new Http.Agent(), https }, "https://example.test/x")) as NodeSend.Failure
      expect(String(failure.cause)).toMatch(
        new RegExp(`^Error: proxy 127\\.0\\.0\\.1:${proxy.port} unreachable: .*EADDRNOTAVAIL`)
      )
      expect(proxy.targets).toEqual([])
      const plain = ProxyAgent.plainTunnelAgent(proxy.address, noCredentials, { localAddress: "192.0.2.1" })
      const refused =
        (await get({ http: plain, https: new Https.Agent() }, "http://example.test/x")) as NodeSend.Failure
      expect(String(refused.cause)).toMatch(/unreachable: .*EADDRNOTAVAIL/)
    } finally {
      await proxy.stop()
    }
  })
})
