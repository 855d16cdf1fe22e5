import type * as HttpClient from "effect/http/HttpClient"
import type * as Send from "./send.js"

/**
 * Where a client built by `BinanceHttpClient` keeps its direct path: a GET straight to `send`, for this library's
 * own requests. Private to this copy of the library (not a registered symbol): another copy's client, or the same
 * one wrapped by the caller, goes through `HttpClient` as any client does.
 *
 * @internal
 */
export const DirectKey: unique symbol = Symbol("effect-binance-pm/BinanceHttpClient/direct")

/**
 * `Send.send` of a GET over the client's agents: returns what stops the request.
 *
 * @internal
 */
export type Direct = (
  url: URL,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number | undefined,
  done: (result: Send.Answer | Send.Failure) => void
) => () => void

/** @internal */
export const clientDirect = (client: HttpClient.HttpClient): Direct | undefined =>
  (client as { readonly [DirectKey]?: Direct })[DirectKey]
