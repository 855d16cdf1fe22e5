/**
 * The Lua scripts of the shared gate. Each runs atomically in Redis, so reserving weight and reading the pause
 * and ban is one step for the whole fleet. Windows are numbered on the callers' estimate of Binance's clock;
 * pause and ban instants are on the callers' host clocks (ms); expiries are relative (PEXPIRE), so they do not
 * depend on Redis's clock agreeing with ours.
 *
 * Keys of one budget (same hash tag, so they live in one Redis Cluster slot):
 * - `<base>:w:<window>`: hash `reserved` (weight handed out), `done` (weight released), `foreign` (weight Binance
 *   counted that our reservations do not explain: other programs on the IP, or a fleet that lost its count).
 * - `<base>:gate`: hash `pausedUntil` (a 429's Retry-After) and `bannedUntil` (a 418).
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
 * ARGV: host clock now, weight, limit, window key TTL (ms).
 * Returns {0, charged} when reserved, {1, bannedUntil}, {2, pausedUntil} or {3, charged} when the window is full.
 *
 * @internal
 */
export const acquire: Script = script(`
local now = tonumber(ARGV[1])
local weight = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local banned = tonumber(redis.call("HGET", KEYS[2], "bannedUntil") or "0")
if banned > now then return {1, banned} end
local paused = tonumber(redis.call("HGET", KEYS[2], "pausedUntil") or "0")
if paused > now then return {2, paused} end
local charged = tonumber(redis.call("HGET", KEYS[1], "reserved") or "0")
  + tonumber(redis.call("HGET", KEYS[1], "foreign") or "0")
if charged + weight > limit then return {3, charged} end
redis.call("HINCRBY", KEYS[1], "reserved", weight)
redis.call("PEXPIRE", KEYS[1], ARGV[4])
return {0, charged + weight}
`)

/**
 * ARGV: host clock now, weight, shared (1 when the permit was reserved in Redis), same window (1/0), used
 * weight header (-1 when absent), paused until and banned until on the host clock (0 when none), window key TTL
 * (ms), grace (ms).
 *
 * @internal
 */
export const release: Script = script(`
local now = tonumber(ARGV[1])
local used = tonumber(ARGV[5])
local pause = tonumber(ARGV[6])
local ban = tonumber(ARGV[7])
if ARGV[4] == "1" then
  if ARGV[3] == "1" then redis.call("HINCRBY", KEYS[1], "done", tonumber(ARGV[2])) end
  if used >= 0 then
    local excess = used - tonumber(redis.call("HGET", KEYS[1], "reserved") or "0")
    if excess > tonumber(redis.call("HGET", KEYS[1], "foreign") or "0") then
      redis.call("HSET", KEYS[1], "foreign", excess)
    end
  end
  if redis.call("EXISTS", KEYS[1]) == 1 then redis.call("PEXPIRE", KEYS[1], ARGV[8]) end
end
if pause > 0 and pause > tonumber(redis.call("HGET", KEYS[2], "pausedUntil") or "0") then
  redis.call("HSET", KEYS[2], "pausedUntil", ARGV[6])
end
if ban > 0 and ban > tonumber(redis.call("HGET", KEYS[2], "bannedUntil") or "0") then
  redis.call("HSET", KEYS[2], "bannedUntil", ARGV[7])
end
if pause > 0 or ban > 0 then
  local last = math.max(tonumber(redis.call("HGET", KEYS[2], "pausedUntil") or "0"),
    tonumber(redis.call("HGET", KEYS[2], "bannedUntil") or "0"))
  if last > now then redis.call("PEXPIRE", KEYS[2], last - now + tonumber(ARGV[9])) end
end
return 1
`)

/**
 * ARGV: none. Returns {reserved, done, foreign, pausedUntil, bannedUntil}.
 *
 * @internal
 */
export const snapshot: Script = script(`
return {
  tonumber(redis.call("HGET", KEYS[1], "reserved") or "0"),
  tonumber(redis.call("HGET", KEYS[1], "done") or "0"),
  tonumber(redis.call("HGET", KEYS[1], "foreign") or "0"),
  tonumber(redis.call("HGET", KEYS[2], "pausedUntil") or "0"),
  tonumber(redis.call("HGET", KEYS[2], "bannedUntil") or "0")
}
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
