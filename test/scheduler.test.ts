// The scheduler of the runtimes this library owns (Effect 3 edition): what Effect's default gives (each fiber's tasks
// in order, in the fiber's own async context; I/O let in after 2,048 drains in a row), without keeping a runner for
// every fiber that ever ran.
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import { AsyncLocalStorage } from "node:async_hooks"
import * as OwnScheduler from "../src/internal/scheduler.js"

const onScheduler = <A, E>(scheduler: OwnScheduler.OwnScheduler, program: Effect.Effect<A, E>) =>
  Effect.runFork(Effect.withScheduler(program, scheduler))

describe("the library's own scheduler (Effect 3)", () => {
  it("runs each fiber's steps in order, interleaving fibers, and keeps no runner once they are done", async () => {
    const scheduler = OwnScheduler.make()
    const steps: Array<string> = []
    const worker = (name: string) =>
      Effect.forEach([1, 2, 3], (i) => Effect.zipRight(Effect.yieldNow(), Effect.sync(() => steps.push(`${name}${i}`))))
    const fibers = ["a", "b", "c"].map((name) => onScheduler(scheduler, worker(name)))
    expect(scheduler.fibersWithTasks()).toBeGreaterThan(0)
    await Effect.runPromise(Fiber.joinAll(fibers))
    for (const name of ["a", "b", "c"]) {
      expect(steps.filter((step) => step.startsWith(name))).toEqual([`${name}1`, `${name}2`, `${name}3`])
    }
    // Interleaved: every fiber made its first step before any made its last.
    expect(Math.max(...["a1", "b1", "c1"].map((s) => steps.indexOf(s))))
      .toBeLessThan(Math.min(...["a3", "b3", "c3"].map((s) => steps.indexOf(s))))
    expect(scheduler.fibersWithTasks()).toBe(0)
  })

  it("runs a fiber's tasks in the async context it was started in, not another fiber's", async () => {
    const scheduler = OwnScheduler.make()
    const context = new AsyncLocalStorage<string>()
    const seen = (name: string) =>
      Effect.zipRight(Effect.yieldNow(), Effect.sync(() => `${name} in ${context.getStore() ?? "none"}`))
    // Started one after the other in one tick: a shared queue would run the second fiber's step in the first's drain.
    const first = context.run("a", () => onScheduler(scheduler, seen("a")))
    const second = context.run("b", () => onScheduler(scheduler, seen("b")))
    expect(await Effect.runPromise(Fiber.join(first))).toBe("a in a")
    expect(await Effect.runPromise(Fiber.join(second))).toBe("b in b")
  })

  it("lets timers and I/O in while a fiber yields without end (a timer after 2,048 drains in a row)", async () => {
    const scheduler = OwnScheduler.make()
    let turns = 0
    const spinner = onScheduler(
      scheduler,
      Effect.forever(Effect.zipRight(Effect.yieldNow(), Effect.sync(() => turns++)))
    )
    // On microtasks alone this timer would never fire; on a timer every time it would fire after one turn.
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(turns).toBeGreaterThan(500)
    expect(turns).toBeLessThan(4096)
    await Effect.runPromise(Fiber.interrupt(spinner))
    expect(scheduler.fibersWithTasks()).toBe(0)
  })

  it("runs tasks scheduled outside any fiber", async () => {
    const scheduler = OwnScheduler.make()
    const ran = await new Promise<number>((resolve) => scheduler.scheduleTask(() => resolve(1), 0))
    expect(ran).toBe(1)
    expect(scheduler.fibersWithTasks()).toBe(0)
  })

  it("yields a long-running fiber as Effect's default does (after its op budget), so others get a turn", async () => {
    const scheduler = OwnScheduler.make()
    const steps: Array<string> = []
    const long = onScheduler(
      scheduler,
      Effect.forEach(Array.from({ length: 10_000 }), () => Effect.sync(() => steps.push("long")))
    )
    const short = onScheduler(scheduler, Effect.zipRight(Effect.yieldNow(), Effect.sync(() => steps.push("short"))))
    await Effect.runPromise(Effect.all([Fiber.join(long), Fiber.join(short)]))
    expect(steps.indexOf("short")).toBeGreaterThan(0)
    expect(steps.indexOf("short")).toBeLessThan(steps.length - 1)
  })
})
