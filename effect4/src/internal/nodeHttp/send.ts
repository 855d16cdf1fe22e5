/**
 * `core/nodeSend`'s request over `BinanceHttpClient`'s agents, with the proxy's credentials read from this edition's
 * `Redacted` only when a request goes out.
 */
import * as Redacted from "effect/Redacted"
import * as NodeSend from "../core/nodeSend.js"
import type * as ProxyAgent from "../core/proxyAgent.js"

/** A checked proxy, as far as sending needs it: where it is, and its credentials in `Redacted`. */
type Proxy = ProxyAgent.ProxyAddress & { readonly authorization?: Redacted.Redacted<string> | undefined }

/** `BinanceHttpClient`'s agents, as far as sending needs them. */
type Agents = NodeSend.Agents & { readonly proxy?: Proxy | undefined }

/**
 * The `Proxy-Authorization` value of a checked proxy, read only when a request goes out.
 *
 * @internal
 */
export const authorizationOf = (proxy: Proxy | undefined): ProxyAgent.Authorization =>
  proxy?.authorization === undefined ? noAuthorization : () => Redacted.value(proxy.authorization!)

const noAuthorization: ProxyAgent.Authorization = () => undefined

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
