import type * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import type * as SchemaIssue from "effect/SchemaIssue"
import { InvalidConfiguration } from "../BinanceError.js"

interface Leaf {
  readonly path: ReadonlyArray<PropertyKey>
  readonly missing: boolean
}

// The first leaf of a schema issue, with the path that leads to it.
const firstLeaf = (issue: SchemaIssue.Issue, path: ReadonlyArray<PropertyKey>): Leaf => {
  switch (issue._tag) {
    case "Pointer":
      return firstLeaf(issue.issue, [...path, ...issue.path])
    case "Composite":
    case "AnyOf":
      return issue.issues.length > 0 ? firstLeaf(issue.issues[0]!, path) : { path, missing: false }
    case "Filter":
    case "Encoding":
      return firstLeaf(issue.issue, path)
    case "MissingKey":
      return { path, missing: true }
    // An unset variable reaches a string schema as `undefined`: Effect 4 reports it as the wrong type (with no input
    // reported), where a set variable, always a string, could only fail a later check.
    case "InvalidType":
      return { path, missing: issue.input === undefined }
    default:
      return { path, missing: false }
  }
}

/**
 * A `ConfigError` as the library's own `InvalidConfiguration`, naming the variable at fault (the environment
 * variable, with the default provider). Values are never quoted: they may be secrets.
 *
 * @internal
 */
export const fromConfigError = (error: Config.ConfigError, fallback = "config"): InvalidConfiguration => {
  const cause = error.cause
  if (cause._tag === "SourceError") {
    return new InvalidConfiguration({ field: fallback, reason: "could not be read from the configuration source" })
  }
  const leaf = firstLeaf(cause.issue, [])
  const field = leaf.path.length > 0 ? leaf.path.map(String).join("_") : fallback
  return new InvalidConfiguration({ field, reason: leaf.missing ? "is not set" : "is invalid" })
}

/**
 * The name a `Config` reads (its path, joined with "_" as the environment provider does), found by parsing it
 * against a provider that has nothing and records what was asked. Used only to word errors, so that custom
 * names given to `layerConfig` are the ones reported.
 *
 * @internal
 */
export const configName = (config: Config.Config<unknown>, fallback: string): Effect.Effect<string> => {
  const asked: Array<string> = []
  const recorder = ConfigProvider.make((path) => {
    asked.push(path.map(String).join("_"))
    return Effect.succeed(undefined)
  })
  return config.parse(recorder).pipe(Effect.ignore, Effect.map(() => asked[0] ?? fallback))
}

/**
 * A config's value, or its error as `InvalidConfiguration`, blaming `name` (or the variable `config` reads) when
 * the error names no variable.
 *
 * @internal
 */
export const readConfig = <A>(config: Config.Config<A>, name: string): Effect.Effect<A, InvalidConfiguration> =>
  Effect.catch(
    config,
    (error) => Effect.flatMap(configName(config, name), (fallback) => Effect.fail(fromConfigError(error, fallback)))
  )
