/**
 * One listenKey request (core/watch/listenKey.ts) through the rate-limit gate and the HTTP client. It never fails:
 * whatever happened (an answer, a refusal of the gate, a transport error, a timeout) is the `Answer` the stream's
 * life cycle (core/watch/stream.ts) is told.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { identity } from "effect/Function"
import * as Redacted from "effect/Redacted"
import type * as BinanceConfig from "../../../BinanceConfig.js"
import type * as RateLimit from "../../../RateLimit.js"
import { budgetKeyOf } from "../../core/egress.js"
import * as KeyRules from "../../core/watch/listenKey.js"
import * as StreamRules from "../../core/watch/stream.js"
import * as Dialect from "../../dialect.js"

/** @internal */
export interface Context {
  readonly client: Dialect.HttpClient
  readonly config: BinanceConfig.Service
  readonly gate: RateLimit.Service
  readonly apiKey: Redacted.Redacted<string>
  /** Binance's clock as best known (the gate's windows are on it). */
  readonly now: Effect.Effect<number>
}

/** @internal */
export const send = (method: StreamRules.Method, context: Context): Effect.Effect<StreamRules.Answer> => {
  const { client, config, gate } = context
  const { url, headers } = KeyRules.requestOf(config, Redacted.value(context.apiKey))
  const request = Dialect.makeRequest(method)(url, { headers })
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
        onFailure: (refused) => Effect.succeed(KeyRules.unanswered(refused.message)),
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
            Dialect.timeoutFail(config.timeout, () => KeyRules.timedOut(Duration.toMillis(config.timeout))),
            Dialect.withoutClientSpan(KeyRules.API_KEY_HEADER),
            Effect.flatMap((raw) =>
              Effect.map(Clock.currentTimeMillis, (local) => {
                const judged = KeyRules.answered(raw, local + skew)
                outcome = judged.outcome
                return judged.answer
              })
            ),
            Effect.match({ onFailure: KeyRules.failedWith, onSuccess: identity })
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
