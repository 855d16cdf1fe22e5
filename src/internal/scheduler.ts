/**
 * The scheduler of the runtimes this library owns (the Promise API's and the CLI's), for Effect 3.
 *
 * Effect's default (`MixedScheduler`, since 3.20) gives each fiber a runner of its own, so that one fiber's tasks
 * never run in another's async context (an APM's span for this call's request must not land in another caller's
 * trace), and finds it in a `WeakMap` keyed by the fiber. Every call is a fiber, and that table grows by an entry per
 * call until the collector clears it: each young-generation collection copied about half a megabyte of it and paused
 * about 4 ms, pinned to one core (0.8 ms with this scheduler; Effect 4's runtime has no such table). This one keeps
 * the same runners and the same drain (a microtask, a timer after 2,048 in a row, as `MixedScheduler(2048)`) in a
 * `Map`, each runner removed as soon as its fiber has nothing left to run.
 */
import type * as Fiber from "effect/Fiber"
import * as Scheduler from "effect/Scheduler"

type AnyFiber = Fiber.RuntimeFiber<unknown, unknown>

/** `MixedScheduler`'s default: drains in a row on microtasks before one on a timer lets I/O in. */
const maxDrainsBeforeTimer = 2048

const scheduleDrain = (depth: number, drain: (depth: number) => void, after: () => void): void => {
  const run = (next: number) => {
    drain(next)
    after()
  }
  if (depth >= maxDrainsBeforeTimer) setTimeout(run, 0, 0)
  else Promise.resolve(depth + 1).then(run)
}

const nothing = () => {}

/** What `make` gives: a `Scheduler`, and how many fibers hold a runner now (for the specs). @internal */
export interface OwnScheduler extends Scheduler.Scheduler {
  /** How many fibers have a runner now: those with tasks queued or draining. */
  readonly fibersWithTasks: () => number
}

/** A scheduler with a runner per fiber that lives only while the fiber has tasks queued. @internal */
export const make = (): OwnScheduler => {
  const runners = new Map<AnyFiber, Scheduler.SchedulerRunner>()
  // Tasks scheduled outside any fiber, as `MixedScheduler` runs them.
  const outside = new Scheduler.SchedulerRunner((depth, drain) => scheduleDrain(depth, drain, nothing))
  const runnerOf = (fiber: AnyFiber): Scheduler.SchedulerRunner => {
    const runner: Scheduler.SchedulerRunner = new Scheduler.SchedulerRunner((depth, drain) =>
      scheduleDrain(depth, drain, () => {
        // A drain that left tasks queued scheduled the next one; otherwise the fiber is idle until its next task.
        if (!runner.running) runners.delete(fiber)
      })
    )
    runners.set(fiber, runner)
    return runner
  }
  return {
    fibersWithTasks: () => runners.size,
    shouldYield: (fiber) => Scheduler.defaultScheduler.shouldYield(fiber),
    scheduleTask: (task, priority, fiber) => {
      if (fiber === undefined) outside.scheduleTask(task, priority)
      else (runners.get(fiber) ?? runnerOf(fiber)).scheduleTask(task, priority)
    }
  }
}
