import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { BinanceClock, BinanceConfig, type BinanceError, Credentials, RateLimit } from "../../src/index.js"
import { API_KEY, HMAC_SECRET } from "./keys.js"
import { type Handler, mockHttp } from "./mockHttp.js"

export const hmacCredentials = Credentials.layerHmac({ apiKey: API_KEY, secretKey: HMAC_SECRET })

/** Everything pmAccountInfo needs, over a scripted in-memory HttpClient, with a fresh clock and gate. */
export const testEnv = (
  handler: Handler,
  options: BinanceConfig.Options = {},
  credentials: Layer.Layer<Credentials.Credentials, BinanceError.InvalidConfiguration> = hmacCredentials
) => {
  const http = mockHttp(handler)
  const clock = Effect.runSync(BinanceClock.make)
  const gate = RateLimit.makeUnsafe()
  const layer = Layer.mergeAll(
    http.layer,
    credentials,
    // One clock and one gate per env, so state carries over between calls that each provide the layer.
    Layer.succeed(BinanceClock.BinanceClock, clock),
    Layer.succeed(RateLimit.RateLimit, gate),
    BinanceConfig.layer(options)
  )
  return { requests: http.requests, layer, clock, gate }
}
