import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import type * as Redacted from "effect/Redacted"
import type * as BinanceConfig from "../BinanceConfig.js"
import { type PmAccountInfoError, ResponseDecodeError } from "../BinanceError.js"
import type * as RateLimit from "../RateLimit.js"
import * as PlainOptions from "./core/options.js"
import * as Responses from "./core/responses.js"
import { get, type RawResponse, toError } from "./http.js"

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
}

const outcomeOf = (response: RawResponse, classified: Responses.Classified | undefined): RateLimit.Outcome => {
  const used = Responses.usedWeight(response.headers["x-mbx-used-weight-1m"])
  if (classified === undefined) return { status: response.status, usedWeight: used }
  return {
    status: response.status,
    usedWeight: used,
    retryAfterMs: "retryAfterMs" in classified ? classified.retryAfterMs : undefined,
    bannedUntil: classified._tag === "IpBanned" ? Responses.bannedUntil(classified.msg) : undefined
  }
}

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
        key: PlainOptions.budgetKey(options.config),
        weight: options.weight,
        weightLimit: options.config.weightLimit,
        maxWaitMs: Duration.toMillis(options.config.maxRetryAfterWait),
        now: options.now
      })),
      (permit) => {
        let outcome: RateLimit.Outcome = {}
        // The host clock when the answer arrived, read once for the error and the release.
        let answeredAt: number | undefined
        // Stamped with the clocks the gate admitted it on (nothing between the two sends or waits); built only
        // once the attempt is interruptible again, so a request interrupted before it leaves is not counted.
        const send = Effect.suspend(() =>
          get(options.client, options.config, options.url(permit.now, permit.local), options.apiKey)
        ).pipe(
          Effect.flatMap((response) =>
            Effect.flatMap(Clock.currentTimeMillis, (local) => {
              answeredAt = local
              options.onStatus?.(response.status)
              if (response.status >= 200 && response.status < 300) {
                outcome = outcomeOf(response, undefined)
                return Effect.succeed(response)
              }
              // Retry-After as an HTTP date is on Binance's clock.
              const classified = Responses.classify({
                status: response.status,
                header: (name) => response.headers[name],
                text: response.text
              }, local + permit.now - permit.local)
              outcome = outcomeOf(response, classified)
              return Effect.fail(toError(classified))
            })
          )
        )
        // Binance's clock at the release is the host's plus the skew this request was stamped with.
        const release = (local: number) => options.gate.release(permit, outcome, local + permit.now - permit.local)
        return restore(send).pipe(
          Effect.ensuring(
            Effect.suspend(() =>
              answeredAt === undefined ? Effect.flatMap(Clock.currentTimeMillis, release) : release(answeredAt)
            )
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
 * `GET /fapi/v1/time`, and the offset `serverTime − (sentAt + receivedAt) / 2` on the local clock.
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
    const response = yield* gatedGet({
      ...options,
      weight: 1,
      // Stamped on the host clock when the gate lets the request go: time spent waiting at the gate is not
      // round trip, and an offset learned meanwhile by someone else cannot skew this one.
      url: (_, local) => {
        sentAt = local
        return `${options.config.baseUrl}/fapi/v1/time`
      }
    })
    const receivedAt = yield* Clock.currentTimeMillis
    const serverTime = Responses.parseServerTime(response.text)
    if (serverTime === undefined) {
      return yield* new ResponseDecodeError({
        status: response.status,
        reason: "expected {\"serverTime\": <ms>} from /fapi/v1/time",
        excerpt: Responses.excerpt(response.text, 120)
      })
    }
    return { offset: Math.round(serverTime - (sentAt + receivedAt) / 2), receivedAt }
  })
