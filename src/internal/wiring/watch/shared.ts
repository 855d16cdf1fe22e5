/**
 * What the watchers of one process share, per rate-limit gate (core/watch/share.ts): the spacing of their paced
 * reads, and the reads in flight, so that a watcher wanting a figure another is already reading for the same key,
 * market and asset joins that read.
 */
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import type * as RateLimit from "../../../RateLimit.js"
import * as Share from "../../core/watch/share.js"
import * as Dialect from "../../dialect.js"

/** @internal */
export const slots = (gate: RateLimit.Service): Share.Slots => Share.sharedOf(gate).slots

/**
 * Runs `read`, or joins the same read (`key`) already in flight on this gate. The one that runs it settles every
 * joiner, however it ends (an interruption included: a joiner then retries).
 *
 * @internal
 */
export const joined = <A, E>(
  gate: RateLimit.Service,
  key: string,
  read: Effect.Effect<A, E>
): Effect.Effect<A, E> =>
  Effect.suspend(() => {
    const reads = Share.sharedOf<Deferred.Deferred<unknown, unknown>>(gate).reads
    const running = reads.get(key) as Deferred.Deferred<A, E> | undefined
    if (running !== undefined) return Deferred.await(running)
    // Made and registered in one step: no other fiber runs in between.
    const deferred = Dialect.makeDeferredUnsafe<A, E>()
    reads.set(key, deferred as Deferred.Deferred<unknown, unknown>)
    return read.pipe(
      Effect.onExit((exit) => Effect.andThen(Effect.sync(() => reads.delete(key)), Deferred.done(deferred, exit)))
    )
  })
