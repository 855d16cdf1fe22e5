// One abort listener per signal (src/internal/core/abortWatch.ts), what the Promise clients stop their calls with:
// how many listeners a signal gets, which calls an abort stops, and when the listener goes.
import { describe, expect, it, vi } from "@effect/vitest"
import * as AbortWatch from "../src/internal/core/abortWatch.js"

/** A signal whose listeners are counted. */
const counted = () => {
  const controller = new AbortController()
  const add = vi.spyOn(controller.signal, "addEventListener")
  const remove = vi.spyOn(controller.signal, "removeEventListener")
  return { controller, signal: controller.signal, add, remove }
}

describe("abort watch", () => {
  it("one listener for every call on a signal, removed when the last of them ends, not before", () => {
    const stopped: Array<string> = []
    const watch = AbortWatch.make<string>((call) => stopped.push(call))
    const { signal, add, remove } = counted()
    const ends = Array.from({ length: 20 }, (_, i) => watch(signal, `call ${i}`))
    expect(add).toHaveBeenCalledTimes(1)
    expect(add.mock.calls[0]![0]).toBe("abort")
    expect(add.mock.calls[0]![2]).toEqual({ once: true })
    for (const end of ends.slice(1)) end()
    expect(remove).not.toHaveBeenCalled()
    ends[0]!()
    expect(remove).toHaveBeenCalledTimes(1)
    expect(remove).toHaveBeenCalledWith("abort", add.mock.calls[0]![1])
    // watched again afterwards: a new listener
    watch(signal, "again")
    expect(add).toHaveBeenCalledTimes(2)
    expect(stopped).toEqual([])
  })

  it("an abort stops the calls still running on that signal, only those", () => {
    const stopped: Array<string> = []
    const watch = AbortWatch.make<string>((call) => stopped.push(call))
    const one = counted()
    const other = counted()
    watch(one.signal, "a")
    const endB = watch(one.signal, "b")
    watch(one.signal, "c")
    watch(other.signal, "elsewhere")
    endB()
    one.controller.abort()
    expect(stopped).toEqual(["a", "c"])
    other.controller.abort()
    expect(stopped).toEqual(["a", "c", "elsewhere"])
  })

  it("a call that ends after its signal aborted leaves a later call's listener in place", () => {
    const stopped: Array<string> = []
    const watch = AbortWatch.make<string>((call) => stopped.push(call))
    const { controller, signal, add, remove } = counted()
    const endFirst = watch(signal, "first")
    controller.abort()
    expect(stopped).toEqual(["first"])
    const endSecond = watch(signal, "second") // a new entry for the same signal
    expect(add).toHaveBeenCalledTimes(2)
    endFirst()
    expect(remove).not.toHaveBeenCalled()
    endSecond()
    expect(remove).toHaveBeenCalledTimes(1)
    expect(remove.mock.calls[0]![1]).toBe(add.mock.calls[1]![1])
  })
})
