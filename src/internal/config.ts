import type * as ConfigError from "effect/ConfigError"
import { InvalidConfiguration } from "../BinanceError.js"

/**
 * A `ConfigError` as the library's own `InvalidConfiguration`, naming the first variable at fault (the
 * environment variable, with the default provider). Values are never quoted: they may be secrets.
 *
 * @internal
 */
export const fromConfigError = (error: ConfigError.ConfigError): InvalidConfiguration => {
  let leaf: ConfigError.ConfigError = error
  while (leaf._op === "And" || leaf._op === "Or") leaf = leaf.left
  const field = leaf.path.length > 0 ? leaf.path.join("_") : "config"
  const reason = leaf._op === "MissingData"
    ? "is not set"
    : leaf._op === "InvalidData"
    ? `is invalid: ${leaf.message}`
    : leaf.message
  return new InvalidConfiguration({ field, reason })
}
