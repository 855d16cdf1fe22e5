/**
 * The keep-alive agents both editions' `BinanceHttpClient` send through, in plain node: their options and defaults,
 * the proxy option's check, and building and destroying them. Through a proxy, the https agent tunnels (see
 * `proxyAgent.ts`). `Secret` is each edition's `Redacted<string>`: the proxy's credentials stay in it.
 */
import * as Http from "node:http"
import * as Https from "node:https"
import type { Refusal } from "./endpoint.js"
import { clientDirect } from "./nodeSend.js"
import { checkProxyUrl } from "./options.js"
import * as ProxyAgent from "./proxyAgent.js"

/** The agents' options, as `BinanceHttpClient`'s `Options` accepts them (besides `proxy`). */
export interface AgentOptions {
  /** Most sockets per origin (default: unlimited, as in Node). */
  readonly maxSockets?: number | undefined
  /** Most idle sockets kept per origin (default 256). */
  readonly maxFreeSockets?: number | undefined
  /** Idle sockets are closed after this many ms (default 60000). */
  readonly idleTimeoutMs?: number | undefined
  /** Extra options for both agents: TLS settings such as `ca`, or `localAddress`. */
  readonly agentOptions?: Https.AgentOptions | undefined
}

/** `BinanceHttpClient`'s `Options`: the agents' options and a forward proxy. */
export interface ClientOptions<Secret> extends AgentOptions {
  /**
   * A forward proxy, `http://[user:password@]host:port` (percent-encode special characters in credentials).
   * A `Redacted` keeps it out of your own logs too. An invalid URL fails `make` and `layer` with
   * `InvalidConfiguration`, which never quotes it.
   */
  readonly proxy?: string | Secret | undefined
}

/** A checked forward proxy, as the agents use it. Its `authorization` is redacted. */
export interface Proxy<Secret> extends ProxyAgent.ProxyAddress {
  /** The `Proxy-Authorization` header's value, when the proxy URL had credentials. */
  readonly authorization: Secret | undefined
}

/** The agents a client sends through. */
export interface ClientAgents<Secret> extends NodeAgents {
  /**
   * Set when the agents go through a proxy: `http` then keeps connections to the proxy (requests for `http:`
   * targets are forwarded), and `https` opens a `CONNECT` tunnel per connection.
   */
  readonly proxy?: Proxy<Secret> | undefined
}

/** Checks a proxy URL (already revealed), `http://[user:password@]host[:port]`; `redact` holds its credentials. */
export const checkProxy = <Secret>(
  url: unknown,
  redact: (authorization: string) => Secret
): Proxy<Secret> | Refusal => {
  const checked = checkProxyUrl(url)
  if ("field" in checked) return checked
  return { ...checked, authorization: checked.authorization === undefined ? undefined : redact(checked.authorization) }
}

const noAuthorization: ProxyAgent.Authorization = () => undefined

/** The `Proxy-Authorization` value of a checked proxy, revealed only when a request goes out. */
export const authorizationOf = <Secret>(
  proxy: { readonly authorization?: Secret | undefined } | undefined,
  reveal: (secret: Secret) => string
): ProxyAgent.Authorization => {
  const authorization = proxy?.authorization
  return authorization === undefined ? noAuthorization : () => reveal(authorization)
}

/** The defaults of `AgentOptions`. */
export const AGENT_DEFAULTS = { maxFreeSockets: 256, idleTimeoutMs: 60_000 } as const

/** The agents for `http:` and `https:` targets. */
export interface NodeAgents {
  readonly http: Http.Agent
  readonly https: Https.Agent
}

/** Node's options for both agents: keep-alive, the defaults filled in, `agentOptions` over them. */
export const nodeAgentOptions = (options: AgentOptions): Https.AgentOptions => ({
  keepAlive: true,
  maxFreeSockets: options.maxFreeSockets ?? AGENT_DEFAULTS.maxFreeSockets,
  timeout: options.idleTimeoutMs ?? AGENT_DEFAULTS.idleTimeoutMs,
  ...(options.maxSockets === undefined ? {} : { maxSockets: options.maxSockets }),
  ...options.agentOptions
})

/**
 * New agents. Through a proxy, `http` keeps connections to the proxy (requests for `http:` targets are forwarded)
 * and `https` opens a `CONNECT` tunnel per connection; `authorization` is asked for only when one opens.
 */
export const makeNodeAgents = (
  options: AgentOptions,
  proxy?: { readonly address: ProxyAgent.ProxyAddress; readonly authorization: ProxyAgent.Authorization }
): NodeAgents => {
  const agentOptions = nodeAgentOptions(options)
  return {
    http: new Http.Agent(agentOptions),
    https: proxy === undefined
      ? new Https.Agent(agentOptions)
      : ProxyAgent.tunnelAgent(proxy.address, proxy.authorization, agentOptions)
  }
}

/** Destroys both agents, and every socket with them. */
export const destroyNodeAgents = (agents: NodeAgents): void => {
  agents.http.destroy()
  agents.https.destroy()
}

/** A client's agents: through its checked proxy, if any (`reveal` reads the proxy's credentials when a tunnel opens). */
export const makeClientAgents = <Secret>(
  options: AgentOptions,
  proxy: Proxy<Secret> | undefined,
  reveal: (secret: Secret) => string
): ClientAgents<Secret> =>
  proxy === undefined ? makeNodeAgents(options) : {
    ...makeNodeAgents(options, { address: proxy, authorization: authorizationOf(proxy, reveal) }),
    proxy
  }

/**
 * The agents the watcher's WebSockets go through when `client` (built by this copy's `BinanceHttpClient`) leaves
 * by a proxy: per URL, a `CONNECT` tunnel through that proxy with the same credentials and agent options, TLS
 * inside for `wss:`. `undefined` for a client without a proxy, or one this copy did not build (its proxy, if any,
 * cannot be read): the stream then connects directly.
 */
export const streamAgentOf = (client: object): ((url: string) => Http.Agent) | undefined => {
  const direct = clientDirect(client)
  const proxy = direct?.agents.proxy
  if (direct === undefined || proxy === undefined) return undefined
  const options = direct.agents.https.options
  return (url) =>
    /^wss:/i.test(url)
      ? ProxyAgent.tunnelAgent(proxy, direct.authorization, options)
      : ProxyAgent.plainTunnelAgent(proxy, direct.authorization, options)
}

/**
 * Why a watcher's stream cannot run here: no WebSocket at all, or — through a proxy, which takes `ws`'s `agent`
 * option — no `ws`.
 */
export const noStreamSocket = (proxied: boolean): Refusal => ({
  field: "stream",
  reason: proxied
    ? "the HTTP client goes through a proxy, and a proxy needs the `ws` package for the stream: install it " +
      "(npm install ws), or watch with stream: false"
    : "this runtime has no global WebSocket: install the `ws` package (npm install ws), or watch with stream: false"
})
