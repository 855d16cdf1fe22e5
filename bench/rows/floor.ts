// The floor: what any Node client must do at least — sign, send over a kept-alive connection, parse.
import * as Crypto from "node:crypto"
import * as Http from "node:http"
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

/**
 * The same floor over `node:http` with a keep-alive agent: the client this library's `BinanceHttpClient` sends with
 * (the floor above uses undici's, as ccxt does).
 */
export const floorNodeHttp: RowSpec = {
  id: "floor-node-http",
  label: "floor over node:http: http.request (keep-alive Agent) + createHmac + JSON.parse",
  make: async ({ apiKey, baseUrl, secretKey }) => {
    const agent = new Http.Agent({ keepAlive: true })
    const base = new URL(baseUrl)
    const headers = { "x-mbx-apikey": apiKey }
    const call = () =>
      new Promise<unknown>((resolve, reject) => {
        const query = `asset=BTC&recvWindow=5000&timestamp=${Date.now()}`
        const signature = Crypto.createHmac("sha256", secretKey).update(query).digest("hex")
        const req = Http.request({
          hostname: base.hostname,
          port: base.port,
          path: `/fapi/v1/pmAccountInfo?${query}&signature=${signature}`,
          headers,
          agent
        })
        req.on("error", reject)
        req.on("response", (response) => {
          const chunks: Array<Buffer> = []
          response.on("data", (chunk: Buffer) => chunks.push(chunk))
          response.on("error", reject)
          response.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))))
        })
        req.end()
      })
    check("floor-node-http", (await call()) as never)
    return { id: "floor-node-http", label: floorNodeHttp.label, call, close: async () => agent.destroy() }
  }
}
