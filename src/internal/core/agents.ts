/**
 * The keep-alive agents both editions' `BinanceHttpClient` send through, in plain node: their options and defaults,
 * and building and destroying them. Through a proxy, the https agent tunnels (see `proxyAgent.ts`).
 */
import * as Http from "node:http"
import * as Https from "node:https"
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
