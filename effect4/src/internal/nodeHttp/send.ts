/**
 * `core/nodeSend`'s request over `BinanceHttpClient`'s agents, with the proxy's credentials read from this edition's
 * `Redacted` only when a request goes out.
 */
import * as Redacted from "effect/Redacted"
import * as CoreAgents from "../core/agents.js"
import * as NodeSend from "../core/nodeSend.js"
import type * as ProxyAgent from "../core/proxyAgent.js"

/** `BinanceHttpClient`'s agents, as far as sending needs them. */
type Agents = NodeSend.Agents & {
  readonly proxy?: { readonly authorization?: Redacted.Redacted<string> | undefined } | undefined
}

/**
 * The `Proxy-Authorization` value of a checked proxy, read from its `Redacted` only when a request goes out.
 *
 * @internal
 */
export const authorizationOf = (proxy: Agents["proxy"]): ProxyAgent.Authorization =>
  CoreAgents.authorizationOf(proxy, Redacted.value)

/** @internal */
export const send = (
  agents: Agents,
  method: string,
  url: URL,
  headers: Readonly<Record<string, string>>,
  body: Uint8Array | string | undefined,
  done: (result: NodeSend.Received | NodeSend.Failure) => void,
  timeoutMs?: number | undefined
): () => void => NodeSend.send(agents, authorizationOf(agents.proxy), method, url, headers, body, done, timeoutMs)

/** @internal */
export const direct = (agents: Agents): NodeSend.Direct => NodeSend.directOf(agents, authorizationOf(agents.proxy))
