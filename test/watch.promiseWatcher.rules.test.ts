// The Promise API's watcher (src/internal/core/watch/promiseWatcher.ts) edge by edge, for the mutation set: each
// iteration after the first subscribes anew, a `break` ends one iteration only, the signal's listener, and a
// watcher closed before it started. The common paths are test/watch.promiseWatcher.test.ts's.
import { describe, expect, it, vi } from "@effect/vitest"
import type { WatchEvent } from "../src/internal/core/watch/events.js"
import * as PromiseWatcher from "../src/internal/core/watch/promiseWatcher.js"

type Event = WatchEvent<never>
const event = (at: number) => ({
  type: "asset" as const,
  asset: "BTC",
  maxWithdrawAmount: "1",
  maxWithdrawAmountUSD: "2",
  at
})

/** A runner whose subscriptions are arrays of the events published after each was taken; `start` waits for `go`. */
const runner = () => {
  const subscriptions: Array<Array<Event>> = []
  let subscribed = 0
  let closed = 0
  let go!: () => void
  const gate = new Promise<void>((resolve) => (go = resolve))
  const subscribe = () => {
    const s: Array<Event> = []
    subscriptions.push(s)
    return s
  }
  const started: PromiseWatcher.Started<Array<Event>, never> = {
    first: subscribe(),
    subscribe: async () => {
      subscribed++
      return subscribe()
    },
    // never waits: an empty subscription reads as a shut-down one
    take: async (s) => s.shift(),
    latest: () => undefined,
    fresh: async () => event(0)
  }
  const value: PromiseWatcher.Runner<Array<Event>, never> = {
    start: () => gate.then(() => started),
    close: async () => {
      closed++
    },
    refused: (refusal) => new Error(`refused ${refusal.field}`),
    closed: () => new Error("closed")
  }
  const publish = (e: Event) => {
    for (const s of subscriptions) s.push(e)
  }
  return { value, publish, go, closed: () => closed, subscribed: () => subscribed }
}

const settle = () => new Promise((resolve) => setImmediate(resolve))

describe("core/watch/promiseWatcher rules", () => {
  it("the first iteration reads the subscription taken before the start; each later one subscribes anew", async () => {
    const r = runner()
    const watcher = PromiseWatcher.make({ assets: ["BTC"] }, r.value)
    r.publish(event(1)) // before the start: only the first subscription exists
    r.go()
    const first = watcher[Symbol.asyncIterator]()
    expect(await first.next()).toEqual({ done: false, value: event(1) })
    const second = watcher[Symbol.asyncIterator]()
    const third = watcher[Symbol.asyncIterator]()
    expect(await second.next()).toEqual({ done: true, value: undefined }) // a fresh subscription: nothing yet
    await third.next()
    expect(r.subscribed()).toBe(2)
    r.publish(event(2))
    expect(await first.next()).toEqual({ done: false, value: event(2) })
  })

  it("an iteration that ended, by a break or by its subscription shutting down, stays ended", async () => {
    const r = runner()
    const watcher = PromiseWatcher.make({ assets: ["BTC"] }, r.value)
    r.go()
    const broken = watcher[Symbol.asyncIterator]()
    expect(await broken.return!()).toEqual({ done: true, value: undefined })
    r.publish(event(1))
    expect(await broken.next()).toEqual({ done: true, value: undefined })
    const drained = watcher[Symbol.asyncIterator]()
    expect(await drained.next()).toEqual({ done: true, value: undefined })
    r.publish(event(2))
    expect(await drained.next()).toEqual({ done: true, value: undefined })
    expect(r.closed()).toBe(0) // neither closed the watcher
  })

  it("a watcher closed before it started closes once the start ends; fresh then rejects as closed", async () => {
    const r = runner()
    const watcher = PromiseWatcher.make({ assets: ["BTC"] }, r.value)
    const closing = watcher.close()
    await settle()
    expect(r.closed()).toBe(0)
    r.go()
    await closing
    expect(r.closed()).toBe(1)
    await expect(watcher.fresh("BTC")).rejects.toThrow("closed")
  })

  it("a signal that is not aborted closes nothing; its one listener goes when the watcher is closed", async () => {
    const r = runner()
    const controller = new AbortController()
    const add = vi.spyOn(controller.signal, "addEventListener")
    const remove = vi.spyOn(controller.signal, "removeEventListener")
    const watcher = PromiseWatcher.make({ assets: ["BTC"], signal: controller.signal }, r.value)
    r.go()
    await settle()
    expect(r.closed()).toBe(0)
    expect(add).toHaveBeenCalledTimes(1)
    expect(add.mock.calls[0]![2]).toEqual({ once: true })
    await watcher.close()
    expect(remove).toHaveBeenCalledWith("abort", add.mock.calls[0]![1])
    controller.abort()
    await settle()
    expect(r.closed()).toBe(1)
  })

  it("an already aborted signal adds no listener", async () => {
    const r = runner()
    const signal = AbortSignal.abort()
    const add = vi.spyOn(signal, "addEventListener")
    PromiseWatcher.make({ assets: ["BTC"], signal }, r.value)
    r.go()
    await settle()
    expect(add).not.toHaveBeenCalled()
    expect(r.closed()).toBe(1)
  })
})
