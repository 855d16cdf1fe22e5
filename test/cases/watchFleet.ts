// A fleet's watchers pace their routine reads together through Redis: two gates on two connections stand for two
// processes that share nothing but Redis. No Effect here: the budget and its pace, the fleet's assets, the slots
// the gate must hand out, the Redis key's lifetime, the pace bound and spacing the reads and slots must keep, and
// the one warning a gate gives when Redis is unavailable, and the two gate cases whole, parameterised by how an
// edition makes its gates (`Gates`). test/Watch.fleet.test.ts (Effect 3) and effect4/test/Watch.fleet.test.ts
// (Effect 4) give their edition's gates to the cases and run their watchers against the rest.
import { Redis } from "ioredis"
import * as Crypto from "node:crypto"
import { tcpProxy } from "../utils/redis.js"

export const BASE = "https://fapi.binance.com"
/** Another budget, with a pace of its own. */
export const OTHER_BASE = "https://dapi.binance.com"

// weightShare 1 of the default 2400 per minute at 5 a read: one paced read every 125 ms for the whole fleet.
export const INTERVAL_MS = 125

/** The assets a watcher named `prefix` watches: ten of them. */
export const assets = (prefix: string) => Array.from({ length: 10 }, (_, i) => `${prefix}${i}`)

/** The fake's assets for watchers "A" and "B", each with `balance`. */
export const fleetAssets = <B>(balance: B) =>
  Object.fromEntries([...assets("A"), ...assets("B")].map((asset) => [asset, balance]))

/** A key prefix no other run shares, under the edition's namespace (`test` or `test4`). */
export const freshKeyPrefix = (namespace: string) => `${namespace}:${Crypto.randomUUID()}:`

/** Eight claims of a 100 ms pace from 1 000, alternately on two gates: the slots, sorted, an interval apart. */
export const CLAIMS = 8
export const claimedSlots = [1_000, 1_100, 1_200, 1_300, 1_400, 1_500, 1_600, 1_700]

/** The remaining lifetime of the pace key of `BASE` under `keyPrefix`, in ms. */
export const paceKeyTtl = async (url: string, keyPrefix: string) => {
  const redis = new Redis(url)
  try {
    return await redis.pttl(`${keyPrefix}{${BASE}}:pace`)
  } finally {
    await redis.quit()
  }
}
/** The key outlives the last slot (5 000) by no more than one interval of 100 ms. */
export const PACE_KEY_TTL_MAX = 5_100

/**
 * At most one read per interval since `startedAt`: each went at or after a slot, the slots an interval apart.
 * Returns the reads up to `until` and how many the pace allows, for a spec to compare.
 */
export const paceBound = (times: ReadonlyArray<number>, startedAt: number, until: number) => ({
  reads: times.filter((time) => time <= until).length,
  allowed: Math.floor((until - startedAt) / INTERVAL_MS) + 1
})

/** Whether no two of the fleet's slots are closer than the interval. */
export const spacedApart = (slots: ReadonlyArray<number>) => {
  const sorted = [...slots].sort((x, y) => x - y)
  return sorted.every((at, i) => i === 0 || at - sorted[i - 1]! >= INTERVAL_MS)
}

/** The one warning a gate logs when Redis does not answer, under the edition's label for the Warning level. */
export const redisUnavailable = (warnLabel: string) =>
  `${warnLabel} RateLimitRedis: Redis unavailable; this process uses its own gate until it answers`

/** A Redis gate as the gate cases use it: `pace` run to a Promise, its warnings captured. */
export interface Gate {
  readonly pace: (key: string, intervalMs: number, now: number) => Promise<number>
}

/** How a case makes an edition's gates: `make` opens one in a scope that `close` ends. */
export interface Gates {
  readonly make: (
    options: { readonly url: string; readonly keyPrefix: string; readonly commandTimeout?: `${number} millis` }
  ) => Promise<Gate>
  readonly close: () => Promise<void>
}

/** Two gates on one key prefix claim eight slots at once, then one late and one of another budget; the key's TTL. */
export const sharedSlots = async (gates: Gates, url: string, namespace: string) => {
  const keyPrefix = freshKeyPrefix(namespace)
  try {
    const a = await gates.make({ url, keyPrefix })
    const b = await gates.make({ url, keyPrefix })
    const claims = await Promise.all(
      Array.from({ length: CLAIMS }, (_, i) => (i % 2 === 0 ? a : b).pace(BASE, 100, 1_000))
    )
    // A claim later than the last slot goes at once; another budget has a pace of its own.
    const late = await b.pace(BASE, 100, 5_000)
    const otherBudget = await a.pace(OTHER_BASE, 100, 1_000)
    return { claims: claims.sort((x, y) => x - y), late, otherBudget, ttl: await paceKeyTtl(url, keyPrefix) }
  } finally {
    await gates.close()
  }
}

/** One claim through a relay to Redis, then two while the relay stalls: the slots and how long the two took. */
export const stalledSlots = async (gates: Gates, redisPort: number, namespace: string) => {
  const relay = await tcpProxy(redisPort)
  try {
    const gate = await gates.make({
      url: `redis://127.0.0.1:${relay.port}`,
      keyPrefix: freshKeyPrefix(namespace),
      commandTimeout: "200 millis"
    })
    const first = await gate.pace(BASE, 100, 1_000)
    relay.stall()
    const started = Date.now()
    const slots = [await gate.pace(BASE, 100, 1_000), await gate.pace(BASE, 100, 1_000)]
    const elapsed = Date.now() - started
    relay.flow()
    return { first, slots, elapsed }
  } finally {
    await gates.close()
    await relay.down()
  }
}
