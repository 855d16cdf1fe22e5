/**
 * What the watchers of one process share, per rate-limit gate (the process-wide gate in production, a fresh one per
 * spec with `FakeBinance.layer`): the spacing of their paced reads (core/watch/share.ts), and the reads in flight,
 * so that a watcher wanting a figure another is already reading for the same key, market and asset joins that read.
 */
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import type * as RateLimit from "../../RateLimit.js"
import { Slots } from "../core/watch/share.js"

interface Shared {
  readonly slots: Slots
  readonly reads: Map<string, Deferred.Deferred<unknown, unknown>>
}

const byGate = new WeakMap<RateLimit.Service, Shared>()

const sharedOf = (gate: RateLimit.Service): Shared => {
  let shared = byGate.get(gate)
  if (shared === undefined) {
    shared = { slots: new Slots(), reads: new Map() }
    byGate.set(gate, shared)
  }
  return shared
}

/** @internal */
export const slots = (gate: RateLimit.Service): Slots => sharedOf(gate).slots

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
    const reads = sharedOf(gate).reads
    const running = reads.get(key) as Deferred.Deferred<A, E> | undefined
    if (running !== undefined) return Deferred.await(running)
    // Made and registered in one step: no other fiber runs in between.
    const deferred = Deferred.makeUnsafe<A, E>()
    reads.set(key, deferred as Deferred.Deferred<unknown, unknown>)
    return read.pipe(
      Effect.onExit((exit) => Effect.andThen(Effect.sync(() => reads.delete(key)), Deferred.done(deferred, exit)))
    )
  })
