// The peers, each pointed at the loopback server with nothing throttling it.
import { DerivativesTradingUsdsFutures } from "@binance/derivatives-trading-usds-futures"
import ccxt from "ccxt"
import * as Http from "node:http"
import { check, type RowSpec } from "./types.js"

const official = (id: string, label: string, keepAliveAgent: boolean): RowSpec => ({
  id,
  label,
  make: async ({ apiKey, baseUrl, secretKey }) => {
    const agent = keepAliveAgent ? new Http.Agent({ keepAlive: true }) : undefined
    const client = new DerivativesTradingUsdsFutures({
      configurationRestAPI: { apiKey, apiSecret: secretKey, basePath: baseUrl }
    })
    const restAPI = client.restAPI!
    // @binance/common copies only `httpsAgent` into axios' options, and axios uses `httpAgent` for http: URLs,
    // so over plain HTTP the agent has to go into baseOptions. Without it, axios falls back to Node's global
    // agent (keep-alive by default since Node 19).
    if (agent !== undefined) {
      const configuration = (restAPI as unknown as { configuration: { baseOptions: Record<string, unknown> } })
        .configuration
      configuration.baseOptions.httpAgent = agent
    }
    const call = async () => {
      const response = await restAPI.classicPortfolioMarginAccountInformation({ asset: "BTC" })
      return response.data()
    }
    check(id, (await call()) as never)
    return {
      id,
      label,
      call,
      close: async () => {
        agent?.destroy()
      }
    }
  }
})

export const officialKeepAlive = official(
  "official-agent",
  "@binance/derivatives-trading-usds-futures, own keep-alive http.Agent",
  true
)

export const officialDefaults = official(
  "official-default",
  "@binance/derivatives-trading-usds-futures, defaults",
  false
)

export const ccxtRow: RowSpec = {
  id: "ccxt",
  label: "ccxt binanceusdm fapiPrivateGetPmAccountInfo, enableRateLimit: false",
  make: async ({ apiKey, baseUrl, secretKey }) => {
    const exchange = new ccxt.binanceusdm({ apiKey, secret: secretKey, enableRateLimit: false })
    const urls = exchange.urls as { api: Record<string, string> }
    for (const key of Object.keys(urls.api)) {
      if (key.startsWith("fapi")) urls.api[key] = urls.api[key]!.replace("https://fapi.binance.com", baseUrl)
    }
    const call = () => exchange.fapiPrivateGetPmAccountInfo({ asset: "BTC" }) as Promise<unknown>
    check("ccxt", (await call()) as never)
    return { id: "ccxt", label: ccxtRow.label, call, close: () => exchange.close() }
  }
}
