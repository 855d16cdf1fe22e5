/**
 * One `POST`/`PUT`/`DELETE /fapi/v1/listenKey` (or COIN-M's `/dapi/v1`) through the rate-limit gate: API key header
 * only, weight 1. It never fails: whatever happened (an answer, a refusal of the gate, a transport error, a
 * timeout) is the `Answer` the stream's life cycle (core/watch/stream.ts) is told.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { constTrue } from "effect/Function"
import * as Headers from "effect/http/Headers"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Redacted from "effect/Redacted"
import type * as BinanceConfig from "../../BinanceConfig.js"
import type * as RateLimit from "../../RateLimit.js"
import { budgetKeyOf } from "../core/egress.js"
import * as Responses from "../core/responses.js"
import * as StreamRules from "../core/watch/stream.js"

const API_KEY_HEADER = "x-mbx-apikey"

/** @internal */
export interface Context {
  readonly client: HttpClient.HttpClient
  readonly config: BinanceConfig.Service
  readonly gate: RateLimit.Service
  readonly apiKey: Redacted.Redacted<string>
  /** Binance's clock as best known (the gate's windows are on it). */
  readonly now: Effect.Effect<number>
}

/** @internal */
export const pathOf = (config: BinanceConfig.Service): string =>
  config.market === "coin-m" ? StreamRules.COINM_LISTEN_KEY_PATH : StreamRules.LISTEN_KEY_PATH

const describe = (classified: Responses.Classified): string => {
  const code = "code" in classified && classified.code !== undefined ? ` ${classified.code}` : ""
  const msg = "msg" in classified && classified.msg !== undefined ? ` ${classified.msg}` : ""
  return `listenKey: ${classified._tag} (HTTP ${classified.status}${code})${msg}`
}

/** @internal */
export const send = (method: StreamRules.Method, context: Context): Effect.Effect<StreamRules.Answer> => {
  const { client, config, gate } = context
  const timeoutMs = Duration.toMillis(config.timeout)
  const request = HttpClientRequest.make(method)(`${config.baseUrl}${pathOf(config)}`, {
    headers: {
      accept: "application/json",
      "user-agent": config.userAgent,
      [API_KEY_HEADER]: Redacted.value(context.apiKey)
    }
  })
  const failed = (reason: string, code?: number): StreamRules.Answer => ({ _tag: "Failed", reason, code })
  return Effect.uninterruptibleMask((restore) =>
    Effect.matchEffect(
      restore(gate.acquire({
        key: budgetKeyOf(config, client),
        weight: StreamRules.LISTEN_KEY_WEIGHT,
        weightLimit: config.weightLimit,
        maxWaitMs: Duration.toMillis(config.maxRetryAfterWait),
        now: context.now
      })),
      {
        onFailure: (refused) => Effect.succeed(failed(`listenKey: ${refused.message}`)),
        onSuccess: (permit) => {
          let outcome: RateLimit.Outcome = {}
          // Binance's clock minus the host's when the request left: the release reads only the host clock.
          let skew = 0
          const stamp = Effect.map(Effect.zip(context.now, Clock.currentTimeMillis), ([now, local]) => {
            skew = now - local
          })
          const roundTrip = Effect.andThen(stamp, client.execute(request)).pipe(
            Effect.flatMap((response) =>
              Effect.map(response.text, (text) => ({ status: response.status, headers: response.headers, text }))
            ),
            Effect.timeoutOrElse({
              duration: config.timeout,
              orElse: () => Effect.fail(`timed out after ${timeoutMs} ms`)
            }),
            // The platform's own client span would record the API key header: ours is the watcher's span.
            Effect.provideService(HttpClient.TracerDisabledWhen, constTrue),
            Effect.updateService(
              Headers.CurrentRedactedNames,
              (names) => names.includes(API_KEY_HEADER) ? names : [...names, API_KEY_HEADER]
            ),
            Effect.flatMap((raw) =>
              Effect.map(Clock.currentTimeMillis, (local): StreamRules.Answer => {
                const judged = Responses.judge(Responses.answerOf(raw), local + skew)
                outcome = judged.outcome
                return judged.classified === undefined
                  ? { _tag: "Ok", body: raw.text }
                  : failed(
                    describe(judged.classified),
                    "code" in judged.classified ? judged.classified.code : undefined
                  )
              })
            ),
            Effect.catch((error) =>
              Effect.succeed(failed(`listenKey: ${typeof error === "string" ? error : Responses.describeCause(error)}`))
            )
          )
          return restore(roundTrip).pipe(
            Effect.onExit(() =>
              Effect.flatMap(Clock.currentTimeMillis, (local) => gate.release(permit, outcome, local + skew))
            )
          )
        }
      }
    )
  )
}
