/**
 * The `account-info` program, apart from argument parsing: pick the target (Binance or the demo fake),
 * read each asset, print a table or JSON lines.
 */
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as Console from "effect/Console"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as BinanceClock from "../../BinanceClock.js"
import * as BinanceConfig from "../../BinanceConfig.js"
import * as BinanceHttpClient from "../../BinanceHttpClient.js"
import * as Credentials from "../../Credentials.js"
import * as PortfolioMargin from "../../PortfolioMargin.js"
import * as PlainOptions from "../core/options.js"
import * as Demo from "./demo.js"
import * as Render from "./render.js"

/**
 * Bad flags or a bad combination of them. Its message says what to do instead.
 *
 * @internal
 */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

/** @internal */
export interface Flags {
  readonly asset: ReadonlyArray<string>
  readonly recvWindow: Option.Option<number>
  readonly json: boolean
  readonly baseUrl: Option.Option<string>
  readonly env: Option.Option<BinanceConfig.Environment>
  readonly demo: boolean
  readonly market: Option.Option<BinanceConfig.Market>
  readonly verbose: boolean
}

const firstOf = (names: ReadonlyArray<string>): Config.Config<string | undefined> =>
  Config.map(
    Config.all(names.map((name) => Config.option(Config.string(name)))),
    (values) => values.find(Option.isSome)?.value
  )

/** HTTPS_PROXY, HTTP_PROXY and NO_PROXY (upper case first, then lower case). @internal */
export const proxyVariables = Config.all({
  https: firstOf(["HTTPS_PROXY", "https_proxy"]),
  http: firstOf(["HTTP_PROXY", "http_proxy"]),
  noProxy: firstOf(["NO_PROXY", "no_proxy"])
})

/**
 * The proxy for a base URL under the proxy variables, or undefined (none set, or NO_PROXY matches).
 *
 * @internal
 */
export const proxyFor = (
  baseUrl: string,
  variables: {
    readonly https?: string | undefined
    readonly http?: string | undefined
    readonly noProxy?: string | undefined
  }
): string | undefined => {
  const url = new URL(baseUrl)
  const https = url.protocol === "https:"
  const proxy = https ? variables.https : variables.http
  if (proxy === undefined || proxy.trim() === "") return undefined
  const port = url.port !== "" ? url.port : https ? "443" : "80"
  return PlainOptions.bypassesProxy(variables.noProxy, url.hostname, port) ? undefined : proxy
}

// Upper-cased because Binance's symbols are; "btc,eth" and repeated flags both work.
const parseAssets = (flags: Flags): ReadonlyArray<string> => {
  const assets = flags.asset.flatMap((a) => a.split(",")).map((a) => a.trim().toUpperCase()).filter((a) => a !== "")
  return [...new Set(assets)]
}

const target = (flags: Flags) =>
  Effect.gen(function*() {
    if (flags.demo) {
      if (Option.isSome(flags.baseUrl) || Option.isSome(flags.env)) {
        return yield* new UsageError({
          message: "--demo runs against its own local fake exchange: leave out --base-url and --env."
        })
      }
      const demo = yield* Demo.start
      yield* Console.error(
        `Demo: a fake Binance is serving on ${demo.baseUrl} inside this process, with a demo account signed by a ` +
          "fresh Ed25519 key. Nothing leaves this machine."
      )
      return {
        credentials: demo.credentials,
        config: BinanceConfig.layer({ baseUrl: demo.baseUrl, market: Option.getOrUndefined(flags.market) }),
        baseUrl: demo.baseUrl,
        demo: true
      }
    }
    if (Option.isSome(flags.baseUrl) && Option.isSome(flags.env)) {
      return yield* new UsageError({ message: "Give either --base-url or --env, not both." })
    }
    const options = {
      baseUrl: Option.getOrUndefined(flags.baseUrl),
      environment: Option.getOrUndefined(flags.env),
      market: Option.getOrUndefined(flags.market)
    }
    const resolved = BinanceConfig.make(options)
    if (Either.isLeft(resolved)) return yield* resolved.left
    return {
      credentials: Credentials.layerConfig(),
      config: BinanceConfig.layer(options),
      baseUrl: resolved.right.baseUrl,
      demo: false
    }
  })

// `--env demo` is Binance's Demo Trading site, which needs keys from that site: say where the offline demo is.
const demoTradingHint = (flags: Flags): string =>
  Option.contains(flags.env, "demo")
    ? "\n--env demo-trading (or --env demo) calls Binance's Demo Trading site with keys made there. For the " +
      "offline demo, with no keys, run: effect-binance-pm account-info --demo"
    : ""

/**
 * Runs `account-info`. Parameters are checked before credentials are read, and credentials before anything
 * is sent. The scope of the demo fake ends with the program, so the process can exit.
 *
 * @internal
 */
export const accountInfo = (flags: Flags) =>
  Effect.gen(function*() {
    const assets = parseAssets(flags)
    if (assets.length === 0 && !flags.demo) {
      return yield* new UsageError({
        message: "Which asset? Give --asset, for example: effect-binance-pm account-info --asset BTC" +
          demoTradingHint(flags)
      })
    }
    const recvWindow = Option.getOrUndefined(flags.recvWindow)
    // The same checks as each call makes, up front: a bad --asset is reported before credentials are looked at.
    for (const asset of assets) {
      const checked = PortfolioMargin.validateParams({ asset, recvWindow }, 5000)
      if (Either.isLeft(checked)) return yield* checked.left
    }
    const { baseUrl, config, credentials, demo } = yield* target(flags)
    // The offline demo never leaves the process: no proxy for it.
    const proxy = demo ? undefined : proxyFor(baseUrl, yield* proxyVariables)
    const checkedProxy = proxy === undefined ? undefined : BinanceHttpClient.validateProxy(proxy)
    if (checkedProxy !== undefined && Either.isLeft(checkedProxy)) return yield* checkedProxy.left
    if (flags.verbose) {
      yield* Console.error(
        `Calling ${baseUrl}${flags.market._tag === "Some" && flags.market.value === "coin-m" ? " (COIN-M)" : ""}` +
          (checkedProxy === undefined ? ", no proxy" : ` through the proxy ${checkedProxy.right.host}`)
      )
    }
    const layer = Layer.mergeAll(
      credentials.pipe(
        Layer.catchAll((error) =>
          Layer.fail(
            demoTradingHint(flags) === "" ? error : new UsageError({
              message: Render.invalidConfigurationText(error) + demoTradingHint(flags)
            })
          )
        )
      ),
      config,
      BinanceClock.layer,
      // The library's own node:http client: a refused connection reads ECONNREFUSED, not "fetch failed".
      proxy === undefined ? BinanceHttpClient.layer() : BinanceHttpClient.layer({ proxy })
    )
    const rows = yield* Effect.forEach(
      assets.length === 0 ? Demo.defaultAssets : assets,
      (asset) =>
        flags.verbose
          ? Effect.gen(function*() {
            const start = yield* Clock.currentTimeMillis
            const row = yield* PortfolioMargin.pmAccountInfoResult({ asset, recvWindow })
            const took = (yield* Clock.currentTimeMillis) - start
            yield* Console.error(
              `${asset}: ${row.attempts} attempt${row.attempts === 1 ? "" : "s"}, used weight ${
                row.usedWeight ?? "unknown"
              }, ${took} ms`
            )
            return row
          })
          : PortfolioMargin.pmAccountInfoResult({ asset, recvWindow })
    ).pipe(Effect.provide(layer))
    yield* Console.log(flags.json ? Render.jsonLines(rows) : Render.table(rows))
  }).pipe(Effect.scoped)
