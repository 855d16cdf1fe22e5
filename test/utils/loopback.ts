/**
 * Plain node servers on loopback for the proxy specs of both editions (each wraps them in its own Effect, see
 * `utils/proxy.ts`): a tiny forward proxy — plain forwarding of absolute-URI requests (`http:` targets) and
 * `CONNECT` tunnels (`https:` targets) — that records what it saw and demands `Proxy-Authorization` when given one
 * to expect (407 otherwise); and an https origin that relays to an http one.
 */
import * as Http from "node:http"
import * as Https from "node:https"
import * as Net from "node:net"
import * as Tls from "node:tls"

export interface Seen {
  readonly method: string
  readonly target: string
  readonly authorization: string | undefined
}

export interface Served {
  readonly server: Http.Server | Https.Server
  readonly port: number
}

const listen = (server: Http.Server | Https.Server): Promise<Served> =>
  new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.address() as Net.AddressInfo).port }))
  )

// A proxy's CONNECT tunnels leave the HTTP server's books (`closeAllConnections` does not see them) but `close` waits
// for them: they are ended here, so that a spec's teardown never waits on a tunnel whose other end closes later.
const tunnelsOf = new WeakMap<Http.Server, Set<Net.Socket>>()

export const close = ({ server }: Served): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections()
    for (const socket of tunnelsOf.get(server as Http.Server) ?? []) socket.destroy()
    server.close(() => resolve())
  })

export const startProxy = async (
  options: { readonly authorization?: string | undefined } = {}
): Promise<Served & { readonly url: string; readonly seen: Array<Seen> }> => {
  const seen: Array<Seen> = []
  const allowed = (authorization: string | undefined) =>
    options.authorization === undefined || authorization === options.authorization
  const server = Http.createServer((req, res) => {
    const authorization = req.headers["proxy-authorization"]
    seen.push({ method: req.method ?? "", target: req.url ?? "", authorization })
    if (!allowed(authorization)) {
      res.writeHead(407, { "proxy-authenticate": "Basic realm=\"spec\"", "content-length": "0" })
      res.end()
      return
    }
    const target = new URL(req.url ?? "")
    const headers = { ...req.headers }
    delete headers["proxy-authorization"]
    const upstream = Http.request({
      hostname: target.hostname,
      port: target.port,
      path: target.pathname + target.search,
      method: req.method,
      headers
    }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    upstream.on("error", () => res.destroy())
    req.pipe(upstream)
  })
  server.on("connect", (req: Http.IncomingMessage, socket: Net.Socket, head: Buffer) => {
    const authorization = req.headers["proxy-authorization"]
    seen.push({ method: "CONNECT", target: req.url ?? "", authorization })
    if (!allowed(authorization)) {
      socket.end("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
      return
    }
    const [host, port] = (req.url ?? "").split(":")
    const upstream = Net.connect(Number(port), host, () => {
      socket.write("HTTP/1.1 200 Connection Established\r\n\r\n")
      if (head.length > 0) upstream.write(head)
      upstream.pipe(socket)
      socket.pipe(upstream)
    })
    upstream.on("error", () => socket.destroy())
    socket.on("error", () => upstream.destroy())
    const tunnels = tunnelsOf.get(server) ?? new Set<Net.Socket>()
    tunnelsOf.set(server, tunnels.add(socket).add(upstream))
    socket.on("close", () => tunnels.delete(socket))
    upstream.on("close", () => tunnels.delete(upstream))
  })
  const served = await listen(server)
  return { ...served, url: `http://127.0.0.1:${served.port}`, seen }
}

/** An https origin on loopback (self-signed) that relays every request to `upstream` (an http origin). */
export const startTlsRelay = async (
  upstream: string,
  tls: { readonly cert: string; readonly key: string }
): Promise<Served & { readonly baseUrl: string }> => {
  const server = Https.createServer(tls, (req, res) => {
    const relay = Http.request(`${upstream}${req.url ?? "/"}`, { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers)
      r.pipe(res)
    })
    relay.on("error", () => res.destroy())
    req.pipe(relay)
  })
  const served = await listen(server)
  return { ...served, baseUrl: `https://127.0.0.1:${served.port}` }
}

/**
 * A TLS endpoint on loopback (self-signed) that passes the clear bytes on to `port` on loopback: a `wss:` origin in
 * front of an http one (the fake's stream). `close` ends every connection and the server.
 */
export const startTlsTerminator = async (
  port: number,
  tls: { readonly cert: string; readonly key: string }
): Promise<{ readonly port: number; readonly close: () => Promise<void> }> => {
  const open = new Set<Net.Socket>()
  const server = Tls.createServer(tls, (clear) => {
    const upstream = Net.connect(port, "127.0.0.1")
    open.add(clear).add(upstream)
    clear.pipe(upstream).pipe(clear)
    // One side gone, both gone: no half-open TLS to linger.
    upstream.on("close", () => clear.destroy())
    clear.on("close", () => upstream.destroy())
    upstream.on("error", () => clear.destroy())
    clear.on("error", () => upstream.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    port: (server.address() as Net.AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of open) socket.destroy()
        server.close(() => resolve())
      })
  }
}
