/**
 * API credentials and request signing. Keys are parsed and checked once, when the layer is built; the
 * resulting service signs a query string synchronously with a cached `KeyObject`.
 *
 * @since 1.0.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { InvalidConfiguration } from "./BinanceError.js"
import * as Api from "./internal/wiring/api/Credentials.js"

// Declared once for both editions in internal/wiring/api/Credentials.ts; here with this edition's version tags.

/**
 * @since 1.0.0
 * @category Models
 */
export { type KeyType } from "./internal/wiring/api/Credentials.js"

/**
 * @since 1.0.0
 * @category Models
 */
export { type Service } from "./internal/wiring/api/Credentials.js"

/**
 * @since 1.0.0
 * @category Models
 */
export { type Secret } from "./internal/wiring/api/Credentials.js"

/**
 * @since 1.0.0
 * @category Models
 */
export { type HmacOptions } from "./internal/wiring/api/Credentials.js"

/**
 * @since 1.0.0
 * @category Models
 */
export { type PrivateKeyOptions } from "./internal/wiring/api/Credentials.js"

/**
 * @since 1.0.0
 * @category Constructors
 */
export { makeHmac } from "./internal/wiring/api/Credentials.js"

/**
 * @since 1.0.0
 * @category Constructors
 */
export { makePrivateKey } from "./internal/wiring/api/Credentials.js"

/**
 * @since 1.0.0
 * @category Models
 */
export { type Configs } from "./internal/wiring/api/Credentials.js"

/**
 * @since 1.0.0
 * @category Constructors
 */
export { defaultConfigs } from "./internal/wiring/api/Credentials.js"

/**
 * @since 1.0.0
 * @category Constructors
 */
export { makeConfig } from "./internal/wiring/api/Credentials.js"

/**
 * @since 1.0.0
 * @category Context
 */
export class Credentials extends Context.Service<Credentials, Api.Service>()("effect-binance-pm/Credentials") {}

/**
 * HMAC-SHA256 credentials. Fails with `InvalidConfiguration` when built if the key or secret is unusable.
 *
 * @since 1.0.0
 * @category Layers
 */
export const layerHmac = (options: Api.HmacOptions): Layer.Layer<Credentials, InvalidConfiguration> =>
  Layer.effect(Credentials, Effect.fromResult(Api.makeHmac(options)))

/**
 * RSA or Ed25519 credentials from a PEM private key (PKCS#8 or PKCS#1, optionally encrypted). A malformed key
 * or a wrong passphrase fails the layer with `InvalidConfiguration`.
 *
 * @since 1.0.0
 * @category Layers
 */
export const layerPrivateKey = (options: Api.PrivateKeyOptions): Layer.Layer<Credentials, InvalidConfiguration> =>
  Layer.effect(Credentials, Effect.fromResult(Api.makePrivateKey(options)))

/**
 * Credentials from `Config`; see `makeConfig`.
 *
 * @since 1.0.0
 * @category Layers
 */
export const layerConfig = (
  configs: Partial<Api.Configs> = {}
): Layer.Layer<Credentials, InvalidConfiguration> => Layer.effect(Credentials, Api.makeConfig(configs))
