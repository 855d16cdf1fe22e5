import type * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as ConfigProviderPathPatch from "effect/ConfigProviderPathPatch"
import * as Effect from "effect/Effect"
import * as HashSet from "effect/HashSet"
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

/**
 * The name a `Config` reads (its path, joined with "_" as the environment provider does), found by running it
 * against a provider that has nothing and records what was asked. Used only to word errors, so that custom
 * names given to `layerConfig` are the ones reported.
 *
 * @internal
 */
export const configName = (config: Config.Config<unknown>, fallback: string): Effect.Effect<string> => {
  const asked: Array<string> = []
  const recorder = ConfigProvider.fromFlat(ConfigProvider.makeFlat({
    load: (path) => {
      asked.push(path.join("_"))
      return Effect.fail(ConfigError.MissingData([...path], "not set"))
    },
    enumerateChildren: () => Effect.succeed(HashSet.empty()),
    patch: ConfigProviderPathPatch.empty
  }))
  return config.pipe(
    Effect.withConfigProvider(recorder),
    Effect.ignore,
    Effect.map(() => asked[0] ?? fallback)
  )
}

/**
 * A config's value, or its error as `InvalidConfiguration`. Effect 3's config errors always name their variable,
 * so `_name` (the one to blame otherwise) is not needed.
 *
 * @internal
 */
export const readConfig = <A>(config: Config.Config<A>, _name: string): Effect.Effect<A, InvalidConfiguration> =>
  Effect.mapError(config, fromConfigError)
