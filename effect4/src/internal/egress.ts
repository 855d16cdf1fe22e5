import type * as HttpClient from "effect/http/HttpClient"

/**
 * Where a client built by `BinanceHttpClient` with a proxy keeps its egress (`proxy host:port`), so that the
 * gate keys its budget by proxy and base URL unless `BinanceConfig.egress` names one. The same registered symbol
 * as the Effect 3 edition's.
 *
 * @internal
 */
export const EgressKey: unique symbol = Symbol.for("effect-binance-pm/BinanceHttpClient/egress")

/** @internal */
export const clientEgress = (client: HttpClient.HttpClient): string | undefined =>
  (client as { readonly [EgressKey]?: string })[EgressKey]
