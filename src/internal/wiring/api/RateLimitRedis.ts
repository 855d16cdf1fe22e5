/**
 * `RateLimitRedis`'s declarations that both editions share, written once: each edition's `RateLimitRedis` module
 * re-exports them under its own `@since`. Its options name ioredis's client, so they stay in the edition's module;
 * the gate it builds is `../redisClient`'s.
 */
import * as Schema from "effect/Schema"
import * as RedisClient from "../../core/redisClient.js"

/**
 * Redis could not be reached, or did not answer, while the layer was being built. `description` names the
 * host and port and the cause, never a password.
 */
export class RedisUnavailable extends Schema.TaggedError<RedisUnavailable>("effect-binance-pm/RedisUnavailable")(
  "RedisUnavailable",
  { description: Schema.String }
) {
  override get message(): string {
    return RedisClient.unavailableMessage(this.description)
  }
}
