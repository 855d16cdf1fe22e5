// One request in plain node (src/internal/core/nodeSend.ts) and its forward proxies (src/internal/core/proxyAgent.ts),
// called directly over loopback servers, for the mutation set: the whole answer, a body cut short, the deadline,
// the stop, refused connections, a socket kept alive, the tunnel and the forwarded request, and the body readers.
import { afterAll, beforeAll, describe, expect, it, vi } from "@effect/vitest"
import * as Http from "node:http"
import * as Https from "node:https"
import type * as Net from "node:net"
import * as NodeSend from "../src/internal/core/nodeSend.js"
import * as ProxyAgent from "../src/internal/core/proxyAgent.js"
import { close, type Served, startProxy, startTlsRelay } from "./utils/loopback.js"
import { TLS_CERT, TLS_KEY } from "./utils/tls.js"

type Result = NodeSend.Received | NodeSend.Failure

let origin: Served & { readonly url: string; readonly sockets: () => number }
let closedPort: number
const hanging: Array<Http.ServerResponse> = []

beforeAll(async () => {
  let sockets = 0
  const server = Http.createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => {
      const path = req.url ?? "/"
      if (path === "/hang") return void hanging.push(res)
      if (path === "/cut") {
        res.writeHead(200, { "content-length": "100" })
        res.write("only ten b")
        setTimeout(() => res.socket?.destroy(), 20)
        return
      }
      if (path === "/chunks") {
        res.writeHead(200, { "content-type": "text/plain" })
        res.write("one,")
        setTimeout(() => res.end("two"), 20)
        return
      }
      res.writeHead(201, { "x-seen": `${req.method} ${path}`, "set-cookie": ["a=1", "b=2"] })
      res.end(Buffer.concat(chunks))
    })
  })
  server.on("connection", () => sockets++)
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const port = (server.address() as Net.AddressInfo).port
  origin = { server, port, url: `http://127.0.0.1:${port}`, sockets: () => sockets }
  const spare = Http.createServer()
  await new Promise<void>((resolve) => spare.listen(0, "127.0.0.1", resolve))
  closedPort = (spare.address() as Net.AddressInfo).port
  await new Promise<void>((resolve) => spare.close(() => resolve()))
})
afterAll(async () => {
  for (const res of hanging) res.destroy()
  await close(origin)
})

const agents = (): NodeSend.Agents => ({
  http: new Http.Agent({ keepAlive: true }),
  https: new Https.Agent({ keepAlive: true, ca: TLS_CERT })
})
const noCredentials: ProxyAgent.Authorization = () => undefined

/** Sends and waits for `done`'s first call (specs that must see it called once count the calls themselves). */
const sent = (
  through: NodeSend.Agents,
  method: string,
  url: string,
  body?: string,
  timeoutMs?: number,
  authorization: ProxyAgent.Authorization = noCredentials
) =>
  new Promise<Result>((resolve) =>
    NodeSend.send(through, authorization, method, new URL(url), { "x-a": "1" }, body, resolve, timeoutMs)
  )

const received = (result: Result): NodeSend.Received => {
  expect(NodeSend.isReceived(result)).toBe(true)
  return result as NodeSend.Received
}

describe("send", () => {
  it("the whole answer: status, node's headers, the body's bytes, the peer's address", async () => {
    const result = received(await sent(agents(), "POST", `${origin.url}/echo?x=1`, "hello"))
    expect(result.status).toBe(201)
    expect(result.headers["x-seen"]).toBe("POST /echo?x=1")
    expect(result.headers["set-cookie"]).toEqual(["a=1", "b=2"])
    expect(result.bytes.toString()).toBe("hello")
    expect(result.remoteAddress).toBe("127.0.0.1")
    const empty = received(await sent(agents(), "GET", `${origin.url}/`))
    expect(empty.bytes.length).toBe(0)
  })

  it("a body in several chunks arrives whole", async () => {
    expect(received(await sent(agents(), "GET", `${origin.url}/chunks`)).bytes.toString()).toBe("one,two")
  })

  it("a kept-alive socket is reused by the next request", async () => {
    const through = agents()
    const before = origin.sockets()
    received(await sent(through, "GET", `${origin.url}/1`))
    received(await sent(through, "GET", `${origin.url}/2`))
    expect(origin.sockets() - before).toBe(1)
    through.http.destroy()
  })

  it("a body cut short after the status line: the failure holds what came of the answer", async () => {
    const result = await sent(agents(), "GET", `${origin.url}/cut`)
    expect(NodeSend.isReceived(result)).toBe(false)
    const failure = result as NodeSend.Failure
    expect(failure.body?.status).toBe(200)
    expect(failure.body?.headers["content-length"]).toBe("100")
    expect(failure.timedOut).toBeUndefined()
    expect(NodeSend.describeFailure(failure)).toBe("response Decode: ECONNRESET aborted")
  })

  it("a refused connection: no body, the cause named", async () => {
    const failure = (await sent(agents(), "GET", `http://127.0.0.1:${closedPort}/`)) as NodeSend.Failure
    expect(failure.body).toBeUndefined()
    expect(NodeSend.describeFailure(failure)).toMatch(/^Transport: ECONNREFUSED/)
  })

  it("the deadline: timedOut, once, and the request destroyed", async () => {
    const started = Date.now()
    const results: Array<Result> = []
    const result = await new Promise<Result>((resolve) =>
      NodeSend.send(agents(), noCredentials, "GET", new URL(`${origin.url}/hang`), {}, undefined, (r) => {
        results.push(r)
        resolve(r)
      }, 50)
    )
    expect(result).toEqual({ cause: undefined, body: undefined, timedOut: true })
    expect(Date.now() - started).toBeLessThan(5_000)
    // Destroying the request makes it fail ("socket hang up"): that late error is not told.
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(results).toHaveLength(1)
  })

  it("a request stopped is destroyed and never told, even after its deadline", async () => {
    const results: Array<Result> = []
    const waiting = hanging.length
    const stop = NodeSend.send(
      agents(),
      noCredentials,
      "GET",
      new URL(`${origin.url}/hang`),
      {},
      undefined,
      (r) => results.push(r),
      30
    )
    while (hanging.length === waiting) await new Promise((resolve) => setTimeout(resolve, 5))
    const res = hanging[hanging.length - 1]!
    const gone = new Promise((resolve) => res.on("close", resolve))
    stop()
    await gone
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(results).toEqual([])
  })

  it("no deadline's timer outlives the request: not after a whole answer, not after a stop", async () => {
    // A timer left behind would hold a short script's process open for the whole timeout. Only the global timers
    // are faked (node's sockets keep their own): the deadline's is the one pending.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] })
    try {
      received(await sent(agents(), "GET", `${origin.url}/t`, undefined, 600_000))
      expect(vi.getTimerCount()).toBe(0)
      const url = new URL(`${origin.url}/t`)
      const stop = NodeSend.send(agents(), noCredentials, "GET", url, {}, undefined, () => {}, 600_000)
      expect(vi.getTimerCount()).toBe(1)
      stop()
      expect(vi.getTimerCount()).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })

  it("https: TLS to the origin over the https agent", async () => {
    const relay = await startTlsRelay(origin.url, { cert: TLS_CERT, key: TLS_KEY })
    try {
      const result = received(await sent(agents(), "PUT", `${relay.baseUrl}/tls`, "x"))
      expect(result.headers["x-seen"]).toBe("PUT /tls")
    } finally {
      await close(relay)
    }
  })

  it("the direct path is a GET over the client's agents, found on the client under a key of this copy", async () => {
    const through = agents()
    const direct = NodeSend.directOf(through, noCredentials)
    // What the watcher's WebSocket leaves by: the same agents and the same proxy credentials.
    expect(direct.agents).toBe(through)
    expect(direct.authorization).toBe(noCredentials)
    const client = { [NodeSend.DirectKey]: direct }
    expect(NodeSend.clientDirect(client)).toBe(direct)
    expect(NodeSend.clientDirect({})).toBeUndefined()
    expect(NodeSend.DirectKey).not.toBe(Symbol.for("effect-binance-pm/BinanceHttpClient/direct"))
    const result = await new Promise<Result>((resolve) => direct(new URL(`${origin.url}/d`), {}, 5_000, resolve))
    expect(received(result).headers["x-seen"]).toBe("GET /d")
  })
})

describe("through a forward proxy", () => {
  const proxied = async (authorization?: string) => {
    const proxy = await startProxy({ authorization })
    const address = { hostname: "127.0.0.1", port: proxy.port, host: `127.0.0.1:${proxy.port}` }
    const through: NodeSend.Agents = {
      http: new Http.Agent(),
      https: ProxyAgent.tunnelAgent(address, () => authorization, { keepAlive: true, ca: TLS_CERT }),
      proxy: address
    }
    return { proxy, through, address }
  }

  it("an http: target is forwarded with the absolute URL and the proxy's credentials", async () => {
    const { proxy, through } = await proxied("Basic c2VjcmV0")
    try {
      const result = received(
        await sent(through, "GET", `${origin.url}/f?q=1`, undefined, 5_000, () => "Basic c2VjcmV0")
      )
      expect(result.headers["x-seen"]).toBe("GET /f?q=1")
      expect(proxy.seen).toEqual([{ method: "GET", target: `${origin.url}/f?q=1`, authorization: "Basic c2VjcmV0" }])
    } finally {
      await close(proxy)
    }
  })

  it("an https: target goes through a CONNECT tunnel, TLS inside it, credentials on the CONNECT", async () => {
    const relay = await startTlsRelay(origin.url, { cert: TLS_CERT, key: TLS_KEY })
    const { proxy, through } = await proxied("Basic c2VjcmV0")
    try {
      const result = received(await sent(through, "GET", `${relay.baseUrl}/t`))
      expect(result.headers["x-seen"]).toBe("GET /t")
      expect(proxy.seen).toEqual([{
        method: "CONNECT",
        target: `127.0.0.1:${relay.port}`,
        authorization: "Basic c2VjcmV0"
      }])
    } finally {
      // the proxy's server waits for the tunnel, which it does not count as one of its connections: end it first
      through.https.destroy()
      await close(relay)
      await close(proxy)
    }
  })

  it("a CONNECT names its target in the Host header too; no credentials, no Proxy-Authorization", async () => {
    const heads: Array<Http.IncomingHttpHeaders> = []
    const server = Http.createServer()
    server.on("connect", (req: Http.IncomingMessage, socket: Net.Socket) => {
      heads.push(req.headers)
      socket.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const port = (server.address() as Net.AddressInfo).port
    const address = { hostname: "127.0.0.1", port, host: `127.0.0.1:${port}` }
    try {
      const through = {
        http: new Http.Agent(),
        https: ProxyAgent.tunnelAgent(address, noCredentials, {}),
        proxy: address
      }
      const failure = (await sent(through, "GET", "https://[::1]:8443/x")) as NodeSend.Failure
      expect(String(failure.cause)).toBe(`Error: proxy ${address.host} refused the tunnel to [::1]:8443: 403`)
      expect(heads).toHaveLength(1)
      expect(heads[0]!.host).toBe("[::1]:8443")
      expect(heads[0]).not.toHaveProperty("proxy-authorization")
    } finally {
      await close({ server, port })
    }
  })

  it("a tunnel the proxy refuses, or a proxy that is not there: errors that name the proxy only", async () => {
    const { proxy, address } = await proxied("Basic right")
    try {
      const refused = ProxyAgent.tunnelAgent(address, () => "Basic wrong", {})
      const failure = (await sent(
        { http: new Http.Agent(), https: refused, proxy: address },
        "GET",
        "https://127.0.0.1:1/x"
      )) as NodeSend.Failure
      expect(String(failure.cause)).toBe(`Error: proxy ${address.host} refused the tunnel to 127.0.0.1:1: 407`)
    } finally {
      await close(proxy)
    }
    const gone = { hostname: "127.0.0.1", port: closedPort, host: `127.0.0.1:${closedPort}` }
    const unreachable = (await sent(
      { http: new Http.Agent(), https: ProxyAgent.tunnelAgent(gone, noCredentials, {}), proxy: gone },
      "GET",
      "https://example.invalid/x"
    )) as NodeSend.Failure
    expect(String(unreachable.cause)).toMatch(
      new RegExp(`^Error: proxy 127\\.0\\.0\\.1:${closedPort} unreachable: .*ECONNREFUSED`)
    )
  })
})

describe("request options", () => {
  const httpAgent = new Http.Agent()
  const httpsAgent = new Https.Agent()
  const both = { http: httpAgent, https: httpsAgent }
  const proxy = { hostname: "10.0.0.1", port: 3128, host: "10.0.0.1:3128" }

  it("to the target itself: bare IPv6 literals, the port only when the URL names one, the scheme's agent", () => {
    expect(ProxyAgent.requestOptions(both, undefined, noCredentials, "GET", new URL("https://[::1]:8443/a?b=1"), {
      h: "1"
    })).toEqual({
      method: "GET",
      hostname: "::1",
      path: "/a?b=1",
      headers: { h: "1" },
      agent: httpsAgent,
      port: "8443"
    })
    const plain = ProxyAgent.requestOptions(both, undefined, noCredentials, "POST", new URL("http://host/x"), {})
    expect(plain).toEqual({ method: "POST", hostname: "host", path: "/x", headers: {}, agent: httpAgent })
    expect(plain).not.toHaveProperty("port")
  })

  it("an https: target through a proxy goes to itself (the agent tunnels); an http: one to the proxy", () => {
    expect(ProxyAgent.requestOptions(both, proxy, () => "Basic x", "GET", new URL("https://h/p"), {})).toMatchObject({
      hostname: "h",
      path: "/p",
      agent: httpsAgent
    })
    expect(ProxyAgent.requestOptions(both, proxy, noCredentials, "GET", new URL("http://h:81/p?q"), { a: "b" }))
      .toStrictEqual({
        method: "GET",
        hostname: "10.0.0.1",
        port: 3128,
        path: "http://h:81/p?q",
        headers: { a: "b", host: "h:81" },
        agent: httpAgent
      })
  })
})

describe("body readers", () => {
  it("text: UTF-8, a leading byte-order mark dropped, a view into a larger buffer read alone", () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from("{\"a\":\"é\"}")])
    expect(NodeSend.textOf(bom)).toBe("{\"a\":\"é\"}")
    expect(NodeSend.textOf(Buffer.from([0xef, 0xbb]))).toBe("\ufffd") // too short for a mark
    expect(NodeSend.textOf(Buffer.from([0xef, 0xbb, 0xbf]))).toBe("") // the mark alone
    expect(NodeSend.textOf(Buffer.from([0xef, 0xbb, 0x41]))).toBe("\ufffdA")
    expect(NodeSend.textOf(Buffer.from([0xef, 0x41, 0xbf]))).toBe("\ufffdA\ufffd")
    expect(NodeSend.textOf(Buffer.from([0x41, 0xbb, 0xbf]))).toBe("A\ufffd\ufffd")
    const larger = Buffer.from("xx\ufeffhi!yy")
    expect(NodeSend.textOf(larger.subarray(2, larger.length - 2))).toBe("hi!")
  })

  it("JSON: an empty body is null; bad JSON throws what JSON.parse throws", () => {
    expect(NodeSend.jsonOf("")).toBeNull()
    expect(NodeSend.jsonOf("[1]")).toEqual([1])
    expect(() => NodeSend.jsonOf("{")).toThrow(SyntaxError)
  })

  it("an ArrayBuffer of the bytes alone, a copy", () => {
    const larger = Buffer.from("abcdef")
    const view = larger.subarray(1, 4)
    const copy = NodeSend.arrayBufferOf(view)
    expect(copy.byteLength).toBe(3)
    expect(Buffer.from(copy).toString()).toBe("bcd")
    larger[1] = 0x7a
    expect(Buffer.from(copy).toString()).toBe("bcd")
  })

  it("form data under its content type; no body is an empty form", async () => {
    // FormData's iterator is DOM.Iterable's, not in this project's lib: forEach is DOM's own.
    const pairs = (form: FormData) => {
      const out: Array<[string, FormDataEntryValue]> = []
      form.forEach((value, key) => out.push([key, value]))
      return out
    }
    const form = await NodeSend.formDataOf(Buffer.from("a=1&b=x+y"), "application/x-www-form-urlencoded")
    expect(pairs(form)).toEqual([["a", "1"], ["b", "x y"]])
    const none = await NodeSend.formDataOf(undefined, "application/x-www-form-urlencoded")
    expect(pairs(none)).toEqual([])
    await expect(NodeSend.formDataOf(Buffer.from("a=1"), undefined)).rejects.toThrow(TypeError)
  })
})
