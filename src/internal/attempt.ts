import type * as HttpClient from "@effect/platform/HttpClient"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Redacted from "effect/Redacted"
import type * as BinanceConfig from "../BinanceConfig.js"
import { type PmAccountInfoError, ResponseDecodeError } from "../BinanceError.js"
import type * as RateLimit from "../RateLimit.js"
import * as Endpoint from "./core/endpoint.js"
import * as PlainOptions from "./core/options.js"
import * as Responses from "./core/responses.js"
import { clientEgress, get, type RawResponse, toError } from "./http.js"
import * as Metrics from "./metrics.js"

/** @internal */
export interface GatedGet {
  readonly client: HttpClient.HttpClient
  readonly config: BinanceConfig.Service
  readonly gate: RateLimit.Service
  /** Server-clock estimate: aligns weight windows, and stamps signed requests. */
  readonly now: Effect.Effect<number>
  readonly weight: number
  readonly apiKey?: Redacted.Redacted<string> | undefined
  /**
   * Builds the URL once the gate has let the request through, from the timestamp to sign (Binance's clock,
   * estimated) and the host clock at that instant.
   */
  readonly url: (timestamp: number, local: number) => string
  /** Called with the status of every response (for span attributes). */
  readonly onStatus?: ((status: number) => void) | undefined
  /** The `endpoint` tag of the request metrics, e.g. `GET /fapi/v1/pmAccountInfo`. */
  readonly endpoint?: string | undefined
}

const DEFAULT_ENDPOINT = `GET ${Endpoint.PATH}`

const failureTag = (cause: Cause.Cause<PmAccountInfoError>): string => {
  const failure = Cause.failureOption(cause)
  if (failure._tag === "Some") return failure.value._tag
  return Cause.isInterruptedOnly(cause) ? "Interrupted" : "Defect"
}

// The budget of a client that leaves through a proxy is the proxy's (see `BinanceHttpClient` `proxy`), unless the
// config names the egress.
const budgetKey = (config: BinanceConfig.Service, client: HttpClient.HttpClient): string =>
  PlainOptions.budgetKey({ baseUrl: config.baseUrl, egress: config.egress ?? clientEgress(client) })

/**
 * One attempt through the rate-limit gate: wait for (or fail at) the gate, stamp and sign, send, and tell the
 * gate what came back. Non-2xx responses fail with their typed error.
 *
 * Only the hand-back of the permit runs uninterruptibly, and it neither sends nor waits: it reads the host
 * clock (not `now`, which a synced clock may refresh over the network) and the gate's release is one step.
 *
 * @internal
 */
export const gatedGet = (options: GatedGet): Effect.Effect<RawResponse, PmAccountInfoError> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.flatMap(
      restore(options.gate.acquire({
        key: budgetKey(options.config, options.client),
        weight: options.weight,
        weightLimit: options.config.weightLimit,
        maxWaitMs: Duration.toMillis(options.config.maxRetryAfterWait),
        now: options.now
      })),
      (permit) => {
        let outcome: RateLimit.Outcome = {}
        // Binance's clock minus the host's, as used to stamp this request.
        let skew = 0
        // Host clock when the request left (for the duration metric); undefined until it did.
        let sentLocal: number | undefined
        let failedTag: string | undefined
        const send = Effect.flatMap(Effect.zip(options.now, Clock.currentTimeMillis), ([timestamp, local]) => {
          skew = timestamp - local
          sentLocal = local
          return get(options.client, options.config, options.url(timestamp, local), options.apiKey)
        }).pipe(
          Effect.flatMap((response) =>
            Effect.flatMap(Clock.currentTimeMillis, (local) => {
              options.onStatus?.(response.status)
              // Retry-After as an HTTP date is on Binance's clock.
              const judged = Responses.judge({
                status: response.status,
                header: (name) => response.headers[name],
                text: response.text
              }, local + skew)
              outcome = judged.outcome
              if (judged.classified === undefined) return Effect.succeed(response)
              const error = toError(judged.classified)
              failedTag = error._tag
              return Effect.fail(error)
            })
          )
        )
        return restore(send).pipe(
          Effect.onExit((exit) =>
            Effect.flatMap(Clock.currentTimeMillis, (local) => {
              if (sentLocal !== undefined) {
                Metrics.unsafeRecordRequest(
                  options.endpoint ?? DEFAULT_ENDPOINT,
                  Exit.isSuccess(exit) ? "ok" : failedTag ?? failureTag(exit.cause),
                  outcome.status,
                  local - sentLocal,
                  options.config.baseUrl,
                  outcome.usedWeight
                )
              }
              return options.gate.release(permit, outcome, local + skew)
            })
          )
        )
      }
    )
  )

/** @internal */
export interface LearnedOffset {
  readonly offset: number
  readonly receivedAt: number
}

/**
 * `GET /fapi/v1/time` (or COIN-M's `/dapi/v1/time`), and the offset `serverTime − (sentAt + receivedAt) / 2` on the local clock.
 *
 * @internal
 */
export const learnOffset = (options: {
  readonly client: HttpClient.HttpClient
  readonly config: BinanceConfig.Service
  readonly gate: RateLimit.Service
  readonly now: Effect.Effect<number>
}): Effect.Effect<LearnedOffset, PmAccountInfoError> =>
  Effect.gen(function*() {
    let sentAt = 0
    const paths = Endpoint.pathsOf(options.config.market)
    const response = yield* gatedGet({
      ...options,
      weight: 1,
      // Stamped on the host clock when the gate lets the request go: time spent waiting at the gate is not
      // round trip, and an offset learned meanwhile by someone else cannot skew this one.
      endpoint: paths.timeEndpoint,
      url: (_, local) => {
        sentAt = local
        return `${options.config.baseUrl}${paths.timePath}`
      }
    })
    const receivedAt = yield* Clock.currentTimeMillis
    const serverTime = Responses.parseServerTime(response.text)
    if (serverTime === undefined) {
      return yield* new ResponseDecodeError({
        status: response.status,
        reason: `expected {"serverTime": <ms>} from ${paths.timePath}`,
        excerpt: Responses.excerpt(response.text, 120)
      })
    }
    return { offset: Math.round(serverTime - (sentAt + receivedAt) / 2), receivedAt }
  })
