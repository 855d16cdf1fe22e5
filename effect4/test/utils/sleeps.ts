// Effect 3's TestClock listed its pending sleeps (TestClock.sleeps); Effect 4's keeps them private. The specs
// that must know "that fiber is now sleeping until t" wrap the TestClock in a clock that notes the end of every
// pending sleep and hands everything else to the TestClock (TestClock.adjust and setTime keep working through it).
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"

export const withSleepSpy = <A, E, R>(
  body: (untilSleepingUntil: (instant: number, sleepers?: number) => Effect.Effect<void>) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> =>
  Effect.flatMap(Clock.clockWith(Effect.succeed), (clock) => {
    const ends: Array<number> = []
    const spy: Clock.Clock = Object.assign(Object.create(clock) as Clock.Clock, {
      sleep: (duration: Duration.Duration) =>
        Effect.suspend(() => {
          const end = clock.currentTimeMillisUnsafe() + Duration.toMillis(duration)
          ends.push(end)
          return Effect.ensuring(clock.sleep(duration), Effect.sync(() => ends.splice(ends.indexOf(end), 1)))
        })
    })
    /**
     * Waits (in real time) until `sleepers` fibers have gone to sleep until `instant` or later. A fiber whose Redis
     * command is still in flight must not see the TestClock move: its command timeout runs on it.
     */
    const untilSleepingUntil = (instant: number, sleepers = 1) =>
      Effect.gen(function*() {
        for (let i = 0; i < 1_000; i++) {
          if (ends.filter((end) => end >= instant).length >= sleepers) return
          yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 2)))
        }
        return yield* Effect.die(new Error(`no fiber went to sleep until ${instant}`))
      })
    return Effect.provideService(body(untilSleepingUntil), Clock.Clock, spy)
  })
