/**
 * Where a client built by `BinanceHttpClient` with a proxy keeps its egress (`proxy host:port`), so that the gate
 * keys its budget by proxy and base URL unless `BinanceConfig.egress` names one. A registered symbol: a client of
 * either edition, or of another copy of the library, is read the same way.
 */
import { budgetKey } from "./options.js"

export const EgressKey: unique symbol = Symbol.for("effect-binance-pm/BinanceHttpClient/egress")

/**
 * The key of the budget a client's requests count against: by base URL and egress. The egress of a client that
 * leaves through a proxy is the proxy's, unless the config names one.
 */
export const budgetKeyOf = (
  config: { readonly baseUrl: string; readonly egress?: string | undefined },
  client: object
): string => budgetKey({ baseUrl: config.baseUrl, egress: config.egress ?? clientEgress(client) })

/** The egress a client carries, if any. */
export const clientEgress = (client: object): string | undefined =>
  (client as { readonly [EgressKey]?: string })[EgressKey]
