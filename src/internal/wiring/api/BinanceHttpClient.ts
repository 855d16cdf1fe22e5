/**
 * `BinanceHttpClient`'s declarations that both editions share, written once: each edition's `BinanceHttpClient`
 * module re-exports them under its own `@since`. The client itself (`makeWithAgents`, over the edition's platform
 * `HttpClient`) stays in the edition's module.
 */
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { InvalidConfiguration } from "../../../BinanceError.js"
// The edition's client. A cycle (the edition's module re-exports this one), harmless: only `make`, when called,
// reads it; nothing here runs at load.
import { makeWithAgents } from "../../../BinanceHttpClient.js"
import * as CoreAgents from "../../core/agents.js"
import * as Dialect from "../../dialect.js"

/**
 * The agents' options (`maxSockets`, `maxFreeSockets`, `idleTimeoutMs`, `agentOptions`) and `proxy`, a forward
 * proxy `http://[user:password@]host:port` (plain or `Redacted`; an invalid one fails `make` and `layer` with
 * `InvalidConfiguration`, which never quotes it).
 */
export type Options = CoreAgents.ClientOptions<Redacted.Redacted<string>>

/**
 * A checked forward proxy, as the agents use it. Its `authorization` is redacted.
 */
export type Proxy = CoreAgents.Proxy<Redacted.Redacted<string>>

/**
 * The agents a client sends through (and the proxy they go through, if any).
 */
export type Agents = CoreAgents.ClientAgents<Redacted.Redacted<string>>

// The proxy checked, its credentials redacted, or what is wrong with it (never quoting it).
const checkProxy = (proxy: string | Redacted.Redacted<string>) =>
  CoreAgents.checkProxy(Redacted.isRedacted(proxy) ? Redacted.value(proxy) : proxy, Redacted.make)

/**
 * Checks a proxy URL, `http://[user:password@]host[:port]`. The error never quotes the URL.
 */
export const validateProxy = (
  proxy: string | Redacted.Redacted<string>
): Dialect.Result<Proxy, InvalidConfiguration> => {
  const checked = checkProxy(proxy)
  return "field" in checked ? Dialect.resultFail(new InvalidConfiguration(checked)) : Dialect.resultSucceed(checked)
}

/**
 * Keep-alive agents for `http:` and `https:`, destroyed (every socket with them) when the scope closes.
 */
export const makeAgents: {
  (options?: Options & { readonly proxy?: undefined }): Effect.Effect<Agents, never, Scope.Scope>
  (options: Options): Effect.Effect<Agents, InvalidConfiguration, Scope.Scope>
} = ((options: Options = {}): Effect.Effect<Agents, InvalidConfiguration, Scope.Scope> => {
  const proxy = options.proxy === undefined ? undefined : checkProxy(options.proxy)
  if (proxy !== undefined && "field" in proxy) return Effect.fail(new InvalidConfiguration(proxy))
  return Effect.acquireRelease(
    Effect.sync(() => CoreAgents.makeClientAgents(options, proxy, Redacted.value)),
    (agents) => Effect.sync(() => CoreAgents.destroyNodeAgents(agents))
  )
}) as typeof makeAgents

/**
 * A client with keep-alive agents of its own, destroyed with the scope.
 */
export const make: {
  (options?: Options & { readonly proxy?: undefined }): Effect.Effect<Dialect.HttpClientService, never, Scope.Scope>
  (options: Options): Effect.Effect<Dialect.HttpClientService, InvalidConfiguration, Scope.Scope>
} =
  ((options: Options = {}): Effect.Effect<Dialect.HttpClientService, InvalidConfiguration, Scope.Scope> =>
    Effect.map(makeAgents(options), makeWithAgents)) as typeof make

/**
 * The client as a layer; its sockets live as long as the layer.
 */
export const layer: {
  (options?: Options & { readonly proxy?: undefined }): Layer.Layer<Dialect.HttpClientService>
  (options: Options): Layer.Layer<Dialect.HttpClientService, InvalidConfiguration>
} =
  ((options: Options = {}): Layer.Layer<Dialect.HttpClientService, InvalidConfiguration> =>
    Dialect.layerScoped(Dialect.HttpClient, make(options))) as typeof layer
