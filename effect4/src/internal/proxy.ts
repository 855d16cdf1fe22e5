/** Forward proxies for `BinanceHttpClient`: the checked proxy, and the https agent that tunnels through it. */
import * as Redacted from "effect/Redacted"
import * as Http from "node:http"
import * as Https from "node:https"
import * as Tls from "node:tls"

/** @internal */
export interface Proxy {
  readonly hostname: string
  readonly port: number
  readonly host: string
  readonly authorization: Redacted.Redacted<string> | undefined
}

/**
 * An https agent whose connections are CONNECT tunnels through the proxy, then TLS to the target inside. Its
 * errors name the proxy's host and port only, never its credentials.
 *
 * @internal
 */
export const tunnelAgent = (proxy: Proxy, agentOptions: Https.AgentOptions): Https.Agent => {
  const agent = new Https.Agent(agentOptions)
  agent.createConnection = (options, callback) => {
    const host = options.host ?? options.hostname ?? "localhost"
    const target = `${host.includes(":") ? `[${host}]` : host}:${options.port ?? 443}`
    const headers: Record<string, string> = { host: target }
    if (proxy.authorization !== undefined) headers["proxy-authorization"] = Redacted.value(proxy.authorization)
    const connect = Http.request({
      hostname: proxy.hostname,
      port: proxy.port,
      method: "CONNECT",
      path: target,
      headers,
      agent: false,
      ...(agentOptions.localAddress === undefined ? {} : { localAddress: agentOptions.localAddress })
    })
    connect.once("connect", (response, socket, head) => {
      if (response.statusCode !== 200) {
        socket.destroy()
        callback?.(new Error(`proxy ${proxy.host} refused the tunnel to ${target}: ${response.statusCode}`), socket)
        return
      }
      if (head.length > 0) socket.unshift(head)
      const { host: _h, hostname: _n, path: _p, port: _o, ...tlsOptions } = options as Tls.ConnectionOptions & {
        readonly hostname?: string
        readonly path?: string
      }
      callback?.(null, Tls.connect({ ...tlsOptions, socket, servername: options.servername ?? host }))
    })
    connect.once(
      "error",
      (cause) => callback?.(new Error(`proxy ${proxy.host} unreachable: ${cause.message}`), undefined as never)
    )
    connect.end()
    return undefined
  }
  return agent
}

/**
 * The request options of a request forwarded through the proxy (an `http:` target): the absolute URL as the
 * request target, the proxy's credentials beside it.
 *
 * @internal
 */
export const forwarded = (
  proxy: Proxy,
  agent: Http.Agent,
  method: string,
  url: URL,
  headers: Readonly<Record<string, string>>
): Http.RequestOptions => {
  const sent: Record<string, string> = { ...headers, host: url.host }
  if (proxy.authorization !== undefined) sent["proxy-authorization"] = Redacted.value(proxy.authorization)
  return {
    method,
    hostname: proxy.hostname,
    port: proxy.port,
    path: url.origin + url.pathname + url.search,
    headers: sent,
    agent
  }
}
