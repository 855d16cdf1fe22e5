/**
 * Where a client built by `BinanceHttpClient` with a proxy keeps its egress (`proxy host:port`), so that the gate
 * keys its budget by proxy and base URL unless `BinanceConfig.egress` names one. A registered symbol: a client of
 * either edition, or of another copy of the library, is read the same way.
 */
export const EgressKey: unique symbol = Symbol.for("effect-binance-pm/BinanceHttpClient/egress")

/** The egress a client carries, if any. */
export const clientEgress = (client: object): string | undefined =>
  (client as { readonly [EgressKey]?: string })[EgressKey]
