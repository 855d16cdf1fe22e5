/**
 * Forward proxies in plain node, for both editions' `BinanceHttpClient`: the request options of a request forwarded
 * to an `http:` target, and the https agent that tunnels to `https:` targets with `CONNECT`. The proxy's
 * credentials are asked for (`authorization()`) only when a request goes out, so each edition keeps them in its
 * `Redacted`; errors name the proxy's host and port only.
 */
// Kept in the emitted .d.ts: a consumer's TypeScript 7 loads no @types by itself, and this file's types name `node:*`.
/// <reference types="node" preserve="true" />
import * as Http from "node:http"
import * as Https from "node:https"
import type * as Net from "node:net"
import * as Tls from "node:tls"

/** Where the proxy listens, without credentials. */
export interface ProxyAddress {
  readonly hostname: string
  readonly port: number
  /** `host:port`: safe to show. */
  readonly host: string
}

/** The `Proxy-Authorization` value, or undefined: a secret. */
export type Authorization = () => string | undefined

/** `host:port` of a connection's target, as a `CONNECT` names it (an IPv6 literal bracketed). */
const targetOf = (
  options: { readonly host?: string | null | undefined; readonly port?: number | string | null | undefined },
  port: number
) => {
  const host = options.host ?? "localhost"
  return { host, target: `${host.includes(":") ? `[${host}]` : host}:${options.port ?? port}` }
}

/**
 * Opens a `CONNECT` tunnel through the proxy to `target` and gives `done` its socket, or an error that names the
 * proxy's host and port and the target only.
 */
const openTunnel = (
  proxy: ProxyAddress,
  authorization: Authorization,
  target: string,
  localAddress: string | undefined,
  done: (error: Error | null, socket?: Net.Socket) => void
): void => {
  const headers: Record<string, string> = { host: target }
  const credentials = authorization()
  if (credentials !== undefined) headers["proxy-authorization"] = credentials
  const connect = Http.request({
    hostname: proxy.hostname,
    port: proxy.port,
    method: "CONNECT",
    path: target,
    headers,
    agent: false,
    localAddress
  })
  connect.once("connect", (response, socket, head) => {
    if (response.statusCode !== 200) {
      socket.destroy()
      done(new Error(`proxy ${proxy.host} refused the tunnel to ${target}: ${response.statusCode}`), socket)
      return
    }
    // What the proxy sent after its 200 is the tunnel's first bytes (none: unshifting nothing is a no-op).
    socket.unshift(head)
    done(null, socket)
  })
  connect.once("error", (cause) => done(new Error(`proxy ${proxy.host} unreachable: ${cause.message}`)))
  connect.end()
}

/** An https agent whose connections are CONNECT tunnels through the proxy, then TLS to the target inside. */
export const tunnelAgent = (
  proxy: ProxyAddress,
  authorization: Authorization,
  agentOptions: Https.AgentOptions
): Https.Agent => {
  const agent = new Https.Agent(agentOptions)
  agent.createConnection = (options, callback) => {
    const { host, target } = targetOf({ host: options.host ?? options.hostname, port: options.port }, 443)
    openTunnel(proxy, authorization, target, agentOptions.localAddress, (error, socket) => {
      if (error !== null) return callback?.(error, socket as never)
      const { host: _h, hostname: _n, path: _p, port: _o, ...tlsOptions } = options as Tls.ConnectionOptions & {
        readonly hostname?: string
        readonly path?: string
      }
      const secure = Tls.connect({ ...tlsOptions, socket: socket!, servername: options.servername ?? host })
      // The tunnel goes with the TLS socket over it: node does not always close a socket it wrapped, and a tunnel
      // left open would hold the proxy's end (seen when a WebSocket closes).
      secure.once("close", () => socket!.destroy())
      callback?.(null, secure)
    })
    return undefined
  }
  return agent
}

/**
 * An http agent whose connections are CONNECT tunnels through the proxy, plain inside: a `ws:` WebSocket through
 * the proxy (an upgrade is not something a forwarding proxy is bound to pass on; a tunnel carries anything).
 */
export const plainTunnelAgent = (
  proxy: ProxyAddress,
  authorization: Authorization,
  agentOptions: Http.AgentOptions & { readonly localAddress?: string | undefined }
): Http.Agent => {
  const agent = new Http.Agent(agentOptions)
  agent.createConnection = (options, callback) => {
    const { target } = targetOf({ host: options.host ?? options.hostname, port: options.port }, 80)
    // The tunnel's socket is the connection itself: its error or its socket, as is.
    openTunnel(
      proxy,
      authorization,
      target,
      agentOptions.localAddress,
      (error, socket) => callback?.(error, socket as never)
    )
    return undefined as never
  }
  return agent
}

/**
 * The options of one request over the agents: to the target itself, or — through a proxy to an `http:` target —
 * forwarded (an `https:` target goes to itself: the https agent tunnels each connection with `CONNECT`).
 */
export const requestOptions = (
  agents: { readonly http: Http.Agent; readonly https: Https.Agent },
  proxy: ProxyAddress | undefined,
  authorization: Authorization,
  method: string,
  url: URL,
  headers: Readonly<Record<string, string>>
): Http.RequestOptions => {
  const https = url.protocol === "https:"
  if (proxy !== undefined && !https) return forwarded(proxy, authorization, agents.http, method, url, headers)
  const options: Http.RequestOptions = {
    method,
    // URL keeps IPv6 literals bracketed; node wants them bare.
    hostname: url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname,
    path: url.pathname + url.search,
    headers,
    agent: https ? agents.https : agents.http
  }
  if (url.port !== "") options.port = url.port
  return options
}

/**
 * The options of a request forwarded through the proxy (an `http:` target): the absolute URL as the request
 * target, the proxy's credentials beside it.
 */
const forwarded = (
  proxy: ProxyAddress,
  authorization: Authorization,
  agent: Http.Agent,
  method: string,
  url: URL,
  headers: Readonly<Record<string, string>>
): Http.RequestOptions => {
  const sent: Record<string, string> = { ...headers, host: url.host }
  const credentials = authorization()
  if (credentials !== undefined) sent["proxy-authorization"] = credentials
  return {
    method,
    hostname: proxy.hostname,
    port: proxy.port,
    path: url.origin + url.pathname + url.search,
    headers: sent,
    agent
  }
}
