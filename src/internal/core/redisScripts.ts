/**
 * The shared gate's Lua scripts. A budget is one hash: `state` (the gate's state as JSON, see
 * `internal/core/gate`) and `version`. The rules run in the callers (the same code as the in-process gate); Redis
 * only makes each read-modify-write atomic for the fleet: a write succeeds only if nobody wrote in between.
 * Instants in the state are on the callers' host clocks; expiries are relative (PEXPIRE), so they do not
 * depend on Redis's clock agreeing with ours. Beside it, the watchers' pace of the budget is one string key (see
 * `claimSlot`).
 */
import type { Redis } from "ioredis"
import * as Crypto from "node:crypto"

/** @internal */
export interface Script {
  readonly lua: string
  readonly sha: string
}

const script = (lua: string): Script => ({ lua, sha: Crypto.createHash("sha1").update(lua).digest("hex") })

/**
 * ARGV: the version the caller read ("0" when there was none), the new state (JSON), its time to live (ms).
 * Returns 1 when written, 0 when someone else wrote first.
 *
 * @internal
 */
export const compareAndSet: Script = script(`
if (redis.call("HGET", KEYS[1], "version") or "0") ~= ARGV[1] then return 0 end
redis.call("HSET", KEYS[1], "state", ARGV[2], "version", tostring(tonumber(ARGV[1]) + 1))
redis.call("PEXPIRE", KEYS[1], ARGV[3])
return 1
`)

/**
 * The next slot of a budget's paced reads (`internal/core/watch/share.ts`'s `Slots.claim`, for the fleet): KEYS[1]
 * holds the instant the next read may go. ARGV: now and the claimant's interval (ms, on Binance's clock as every
 * process estimates it: the clock the budget's minute windows follow), and how long past the next slot the key may
 * outlive it (ms). Returns the slot taken (now or later); the key then expires once nobody needs it.
 *
 * @internal
 */
export const claimSlot: Script = script(`
local now = tonumber(ARGV[1])
local at = math.max(now, tonumber(redis.call("GET", KEYS[1]) or "0"))
local after = at + tonumber(ARGV[2])
redis.call("SET", KEYS[1], string.format("%d", after), "PX", string.format("%d", after - now + tonumber(ARGV[3])))
return string.format("%d", at)
`)

/**
 * Runs a script by its SHA, loading it on the first NOSCRIPT (a fresh or flushed server).
 *
 * @internal
 */
export const run = async (
  redis: Redis,
  s: Script,
  keys: ReadonlyArray<string>,
  args: ReadonlyArray<string | number>
): Promise<unknown> => {
  try {
    return await redis.evalsha(s.sha, keys.length, ...keys, ...args)
  } catch (error) {
    if (error instanceof Error && error.message.startsWith("NOSCRIPT")) {
      return await redis.eval(s.lua, keys.length, ...keys, ...args)
    }
    throw error
  }
}
