// The Promise API's watcher adapter (src/internal/core/watch/promiseWatcher.ts), shared by both editions: the async
// iteration, latest, fresh, close and the abort signal over a runner that stands in for the edition's runtime.
import { describe, expect, it } from "@effect/vitest"
import type { WatchEvent } from "../src/internal/core/watch/events.js"
import * as PromiseWatcher from "../src/internal/core/watch/promiseWatcher.js"

type Event = WatchEvent<never>

/** A runner over plain arrays: each subscription gets the events published after it was taken. */
const runner = (failWith?: Error) => {
  const subscriptions: Array<{ events: Array<Event>; wake?: () => void; ended: boolean }> = []
  let closed = 0
  const subscribe = () => {
    const s = { events: [] as Array<Event>, ended: false } as (typeof subscriptions)[number]
    subscriptions.push(s)
    return s
  }
  const publish = (event: Event) => {
    for (const s of subscriptions) {
      s.events.push(event)
      s.wake?.()
    }
  }
  const started: PromiseWatcher.Started<(typeof subscriptions)[number], never> = {
    first: subscribe(),
    subscribe: async () => subscribe(),
    take: async (s) => {
      while (s.events.length === 0 && !s.ended) await new Promise<void>((resolve) => (s.wake = resolve))
      return s.events.shift()
    },
    latest: (asset) => asset === "BTC" ? btc : undefined,
    fresh: async (asset) => ({ ...btc, asset })
  }
  const value: PromiseWatcher.Runner<(typeof subscriptions)[number], never> = {
    start: () => failWith === undefined ? Promise.resolve(started) : Promise.reject(failWith),
    close: async () => {
      closed++
      for (const s of subscriptions) {
        s.ended = true
        s.wake?.()
      }
    },
    refused: (refusal) => new Error(`refused ${refusal.field}`),
    closed: () => new Error("closed")
  }
  return { value, publish, closed: () => closed }
}

const btc = { type: "asset", asset: "BTC", maxWithdrawAmount: "1", maxWithdrawAmountUSD: "2", at: 1 } as const

describe("core/watch/promiseWatcher", () => {
  it("throws the refusal of bad options at once, before starting", () => {
    const r = runner()
    expect(() => PromiseWatcher.make({ assets: [] }, r.value)).toThrow(/refused assets/)
  })

  it("iterates from the first subscription, reads latest and fresh, and ends the iteration on close", async () => {
    const r = runner()
    const watcher = PromiseWatcher.make({ assets: ["BTC"] }, r.value)
    expect(watcher.latest("BTC")).toBeUndefined()
    r.publish(btc)
    const iterator = watcher[Symbol.asyncIterator]()
    expect(await iterator.next()).toEqual({ done: false, value: btc })
    expect(watcher.latest("BTC")).toEqual(btc)
    expect(await watcher.fresh("ETH")).toEqual({ ...btc, asset: "ETH" })
    await Promise.all([watcher.close(), watcher.close()])
    expect(r.closed()).toBe(1)
    expect(await iterator.next()).toEqual({ done: true, value: undefined })
    await expect(watcher.fresh("BTC")).rejects.toThrow("closed")
  })

  it("a watcher that failed to start rejects each use with its error; closing it still resolves", async () => {
    const watcher = PromiseWatcher.make({ assets: ["BTC"] }, runner(new Error("no socket")).value)
    await expect(watcher.fresh("BTC")).rejects.toThrow("no socket")
    await expect(watcher[Symbol.asyncIterator]().next()).rejects.toThrow("no socket")
    await watcher.close()
  })

  it("the signal closes the watcher, already aborted or later", async () => {
    const aborted = runner()
    PromiseWatcher.make({ assets: ["BTC"], signal: AbortSignal.abort() }, aborted.value)
    const later = runner()
    const controller = new AbortController()
    PromiseWatcher.make({ assets: ["BTC"], signal: controller.signal }, later.value)
    controller.abort()
    await new Promise((resolve) => setImmediate(resolve))
    expect([aborted.closed(), later.closed()]).toEqual([1, 1])
  })
})
