// The floor: what any Node client must do at least — sign, send over a kept-alive connection, parse.
import * as Crypto from "node:crypto"
import { Agent, request } from "undici"
import { check, type RowSpec } from "./types.js"

export const floor: RowSpec = {
  id: "floor",
  label: "floor: undici.request + createHmac + JSON.parse",
  make: async ({ apiKey, baseUrl, secretKey }) => {
    const dispatcher = new Agent({ keepAliveTimeout: 60_000 })
    const headers = { "x-mbx-apikey": apiKey }
    const call = async () => {
      const query = `asset=BTC&recvWindow=5000&timestamp=${Date.now()}`
      const signature = Crypto.createHmac("sha256", secretKey).update(query).digest("hex")
      const response = await request(`${baseUrl}/fapi/v1/pmAccountInfo?${query}&signature=${signature}`, {
        headers,
        dispatcher
      })
      return JSON.parse(await response.body.text()) as unknown
    }
    check("floor", (await call()) as never)
    return { id: "floor", label: floor.label, call, close: () => dispatcher.close() }
  }
}
