// The shared gate's Redis side (src/internal/core/redisStore.ts) over a stand-in for ioredis that keeps one hash per
// key and runs the compare-and-set script's rule in JavaScript, for the mutation set: reading a budget, the
// optimistic write and its retries, merging a process's own pauses, the health lines, and what a process remembers.
// The same code against a real Redis is test/gate.test.ts's and test/RateLimitRedis*.test.ts's.
import { describe, expect, it } from "@effect/vitest"
import type { Redis } from "ioredis"
import * as Gate from "../src/internal/core/gate.js"
import * as Scripts from "../src/internal/core/redisScripts.js"
import * as RedisStore from "../src/internal/core/redisStore.js"

/** Hashes in a Map; `evalsha` is compareAndSet. `interfere(n)` makes the next n writes lose to another writer. */
const fakeRedis = () => {
  const hashes = new Map<string, Record<string, string>>()
  const ttls = new Map<string, number>()
  let losses = 0
  let writes = 0
  const redis = {
    hget: async (key: string, field: string) => hashes.get(key)?.[field] ?? null,
    hmget: async (key: string, ...fields: Array<string>) => fields.map((f) => hashes.get(key)?.[f] ?? null),
    evalsha: async (sha: string, _n: number, key: string, version: string, state: string, ttl: number) => {
      expect(sha).toBe(Scripts.compareAndSet.sha)
      writes++
      if (losses > 0) {
        losses--
        const hash = hashes.get(key) ?? {}
        hashes.set(key, { ...hash, version: String(Number(hash.version ?? "0") + 1) })
        return 0
      }
      if ((hashes.get(key)?.version ?? "0") !== version) return 0
      hashes.set(key, { state, version: String(Number(version) + 1) })
      ttls.set(key, ttl)
      return 1
    }
  }
  return {
    redis: redis as unknown as Redis,
    hashes,
    ttls,
    interfere: (n: number) => (losses = n),
    writes: () => writes
  }
}

const ask = (local: number, maxWaitMs = 10_000): Gate.Ask => ({
  weight: 5,
  weightLimit: 20,
  maxWaitMs,
  now: local,
  local
})

describe("Redis store rules", () => {
  it("an error's text: its message, credentials in any URL replaced", () => {
    expect(RedisStore.describeError(new Error("connect ECONNREFUSED 10.0.0.1:6379"))).toBe(
      "connect ECONNREFUSED 10.0.0.1:6379"
    )
    expect(RedisStore.describeError("redis://user:pw@h:1 and rediss://:pw@k")).toBe(
      "redis://<credentials>@h:1 and rediss://<credentials>@k"
    )
    expect(RedisStore.describeError(42)).toBe("42")
    expect(RedisStore.describeError("//a b@c and http://host/x@y")).toBe("//a b@c and http://host/x@y")
    expect(RedisStore.noAnswer(500)).toBe("no answer within 500 ms")
  })

  it("a budget read from Redis: none, unreadable or without a window is none; a partial one is completed", async () => {
    const { redis, hashes } = fakeRedis()
    expect(await RedisStore.read(redis, "k")).toBeUndefined()
    for (const state of ["{", "null", "3", "{\"window\":\"7\"}", "{}"]) {
      hashes.set("k", { state })
      expect(await RedisStore.read(redis, "k")).toBeUndefined()
    }
    hashes.set("k", { state: JSON.stringify({ window: 7, used: 3 }) })
    expect(await RedisStore.read(redis, "k")).toEqual({ ...Gate.initial(7), used: 3 })
  })

  it("a change is written with the version read and a time to live past the budget's end", async () => {
    const { redis, hashes, ttls } = fakeRedis()
    const state = { ...Gate.initial(0), pausedUntil: 30_000.5 }
    expect(await RedisStore.modify(redis, "k", () => ["done", state], 0, 0)).toBe("done")
    expect(hashes.get("k")).toEqual({ state: JSON.stringify(state), version: "1" })
    expect(ttls.get("k")).toBe(Math.ceil(Gate.ttlMs(state, 0, 0) + 5_000))
    expect(ttls.get("k")).toBe(125_000)
    await RedisStore.modify(
      redis,
      "k",
      (before) => {
        expect(before).toEqual(state)
        return [undefined, { ...state, used: 1 }]
      },
      0,
      0
    )
    expect(hashes.get("k")?.version).toBe("2")
  })

  it("no change, no write", async () => {
    const fake = fakeRedis()
    expect(await RedisStore.modify(fake.redis, "k", (before) => ["same", before!], 0, 0).catch(String)).toBe("same")
    fake.hashes.set("k", { state: JSON.stringify(Gate.initial(0)), version: "4" })
    let seen: Gate.BudgetState | undefined
    await RedisStore.modify(
      fake.redis,
      "k",
      (before) => {
        seen = before
        return [1, before!]
      },
      0,
      0
    )
    expect(seen).toEqual(Gate.initial(0))
    expect(fake.writes()).toBe(0)
  })

  it("a write another process beat is tried again, up to 100 times in a row", async () => {
    const fake = fakeRedis()
    let runs = 0
    fake.interfere(99)
    const change = () => {
      runs++
      return ["ok", Gate.initial(1)] as const
    }
    expect(await RedisStore.modify(fake.redis, "k", change, 0, 0)).toBe("ok")
    expect(runs).toBe(100)
    fake.interfere(100)
    await expect(RedisStore.modify(fake.redis, "k", change, 0, 0)).rejects.toThrow(
      "100 concurrent updates in a row"
    )
  })

  it("a process's view: the fleet's copy, with the later of each pause and ban this process met", () => {
    const shared = { ...Gate.initial(3), used: 9, pausedUntil: 10, blockedUntil: 50, bannedUntil: 0 }
    const own = { ...Gate.initial(2), used: 1, pausedUntil: 20, blockedUntil: 40, bannedUntil: 70 }
    expect(RedisStore.merge(own, undefined)).toBe(own)
    expect(RedisStore.merge(undefined, shared)).toBe(shared)
    expect(RedisStore.merge(own, shared)).toEqual({ ...shared, pausedUntil: 20, blockedUntil: 50, bannedUntil: 70 })
  })

  it("health: the warning once when Redis is lost, the info line once when it answers again", () => {
    const fleet = new RedisStore.Fleet(fakeRedis().redis, (key) => key)
    expect(fleet.health(undefined)).toBeUndefined()
    expect(fleet.health("timeout")).toEqual({
      level: "warning",
      message: RedisStore.Health.lostMessage,
      annotations: { reason: "timeout" }
    })
    expect(fleet.health("timeout")).toBeUndefined()
    expect(fleet.health(undefined)).toEqual({ level: "info", message: RedisStore.Health.regainedMessage })
    expect(fleet.health(undefined)).toBeUndefined()
    expect(RedisStore.Health.lostMessage).toBe(
      "RateLimitRedis: Redis unavailable; this process uses its own gate until it answers"
    )
    expect(RedisStore.Health.regainedMessage).toBe("RateLimitRedis: Redis answers again; the budget is shared again")
  })
})

describe("a process's side of the fleet", () => {
  const settled = async (fleet: RedisStore.Fleet, local: number, status: number, retryAfterMs?: number) => {
    const decision = await fleet.admit("k", ask(local))
    expect(decision._tag).toBe("Admit")
    await fleet.settle(
      "k",
      { weight: 5, ...(decision as Extract<Gate.Decision, { _tag: "Admit" }>) },
      {
        status,
        retryAfterMs
      },
      local,
      local
    )
  }

  it("admits and settles through the budget's Redis key; reads it back", async () => {
    const fake = fakeRedis()
    const fleet = new RedisStore.Fleet(fake.redis, (key) => `p:{${key}}`)
    await settled(fleet, 1_000, 200)
    expect([...fake.hashes.keys()]).toEqual(["p:{k}"])
    expect(await fleet.read("k")).toMatchObject({ used: 5, reserved: 0 })
    expect(fleet.own.size).toBe(0) // nothing held: nothing remembered
  })

  it("a ban, pause or block the fleet's copy holds is remembered in the process's own budget", async () => {
    const cases = [
      { status: 418, field: "bannedUntil", reason: "418" },
      { status: 429, field: "pausedUntil", reason: "429" },
      { status: 403, field: "blockedUntil", reason: "403" }
    ] as const
    for (const { field, reason, status } of cases) {
      const fake = fakeRedis()
      const other = new RedisStore.Fleet(fake.redis, (key) => key)
      await settled(other, 1_000, status, 30_000)
      const fleet = new RedisStore.Fleet(fake.redis, (key) => key)
      // told by Redis, at its host instant 2 s later: refused outright (0 wait), or made to wait
      const refused = await fleet.admit("k", ask(3_000, 0))
      expect(refused).toMatchObject({ _tag: "Refuse", reason, retryAfterMs: 28_000 })
      expect(fleet.own.get("k")?.[field]).toBe(31_000)
      expect(fleet.held("k", ask(3_000, 0))).toMatchObject({ _tag: "Refuse", reason })
      const waiting = new RedisStore.Fleet(fake.redis, (key) => key)
      const wait = await waiting.admit("k", ask(5_000, 60_000))
      if (status === 418) expect(wait).toMatchObject({ _tag: "Refuse", reason })
      else expect(wait).toMatchObject({ _tag: "Wait", reason, ms: 26_000 })
      expect(waiting.own.get("k")?.[field]).toBe(31_000)
      // a view keeps it even once Redis lost it
      expect(waiting.view("k", Gate.initial(0))?.[field]).toBe(31_000)
    }
  })

  it("a wait for the next minute is not remembered; what is held already is kept when a shorter one comes", async () => {
    const fake = fakeRedis()
    const fleet = new RedisStore.Fleet(fake.redis, (key) => key)
    for (let i = 0; i < 4; i++) expect((await fleet.admit("k", ask(1_000)))._tag).toBe("Admit")
    expect(await fleet.admit("k", ask(1_000))).toMatchObject({ _tag: "Wait", reason: "window" })
    expect(fleet.own.size).toBe(0)
    expect(fleet.held("k", ask(1_000))).toBeUndefined()
    fleet.own.set("k", { ...Gate.initial(0), pausedUntil: 90_000 })
    fake.hashes.set("k", { state: JSON.stringify({ ...Gate.initial(0), pausedUntil: 2_000 }), version: "9" })
    expect(await fleet.admit("k", ask(1_000))).toMatchObject({ _tag: "Wait", reason: "429" })
    expect(fleet.own.get("k")?.pausedUntil).toBe(90_000)
  })
})
