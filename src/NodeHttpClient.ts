/**
 * The old name of `BinanceHttpClient`, kept so that 0.1.x code keeps compiling. It clashed with
 * `@effect/platform-node`'s `NodeHttpClient` (a different module, with `layerUndici`): import
 * `BinanceHttpClient` instead.
 *
 * @deprecated Use `BinanceHttpClient` (same members); this alias goes away in a later 0.x release.
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as BinanceHttpClient from "./BinanceHttpClient.js"

/**
 * @deprecated Use `BinanceHttpClient.Options`.
 * @since 0.1.0
 * @category Models
 */
export type Options = BinanceHttpClient.Options

/**
 * @deprecated Use `BinanceHttpClient.Agents`.
 * @since 0.1.0
 * @category Models
 */
export type Agents = BinanceHttpClient.Agents

/**
 * @deprecated Use `BinanceHttpClient.makeWithAgents`.
 * @since 0.1.0
 * @category Constructors
 */
export const makeWithAgents: (agents: Agents) => HttpClient.HttpClient = BinanceHttpClient.makeWithAgents

/**
 * @deprecated Use `BinanceHttpClient.makeAgents`.
 * @since 0.1.0
 * @category Constructors
 */
export const makeAgents: typeof BinanceHttpClient.makeAgents = BinanceHttpClient.makeAgents

/**
 * @deprecated Use `BinanceHttpClient.make`.
 * @since 0.1.0
 * @category Constructors
 */
export const make: typeof BinanceHttpClient.make = BinanceHttpClient.make

/**
 * @deprecated Use `BinanceHttpClient.layer`.
 * @since 0.1.0
 * @category Layers
 */
export const layer: typeof BinanceHttpClient.layer = BinanceHttpClient.layer
