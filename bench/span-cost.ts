// What the Effect 3 API's span costs per call, without I/O (issue 21; docs/performance.md, "Where the time goes").
//   node --import tsx bench/span-cost.ts [--calls=20000]
// N sequential calls in one fiber of: the bare body; Call.traced around it (the Effect API's span and call-site
// frame); Effect.fn around it; the parts (Effect.makeSpan, a 2-frame `new Error()`); runPromise per call (the
// bench row's harness). Prints bytes allocated (V8's sampling heap profiler, collected objects included) and CPU
// µs per call.
import * as Effect from "effect/Effect"
import * as Inspector from "node:inspector"
import * as Call from "../src/internal/call.js"

const N = Number(process.argv.slice(2).find((a) => a.startsWith("--calls="))?.slice(8) ?? 20_000)
const post = <T>(session: Inspector.Session, method: string, params?: object) =>
  new Promise<T>((resolve, reject) =>
    session.post(method, params ?? {}, (error, result) => error ? reject(error) : resolve(result as T))
  )
interface ProfileNode {
  readonly selfSize: number
  readonly children: ReadonlyArray<ProfileNode>
}
const total = (node: ProfileNode): number => node.children.reduce((sum, child) => sum + total(child), node.selfSize)

const traced = Call.traced("Bench.traced", (_: number) => Effect.void)
const fn = Effect.fn("Bench.fn")(function*(_: number) {
  return yield* Effect.void
})
const each = <A>(f: (i: number) => Effect.Effect<A>) =>
  Effect.forEach(Array.from({ length: N }), (_, i) => f(i), { discard: true })
const programs: Record<string, Effect.Effect<unknown>> = {
  "body alone": each(() => Effect.void),
  "Call.traced(body)": each(traced),
  "Effect.fn(body)": each(fn),
  "Effect.makeSpan, no trace": each(() => Effect.makeSpan("x", { captureStackTrace: false })),
  "Effect.makeSpan, lazy trace": each(() => Effect.makeSpan("x", { captureStackTrace: () => undefined })),
  "new Error(), 2 frames": each(() =>
    Effect.sync(() => {
      const limit = Error.stackTraceLimit
      Error.stackTraceLimit = 2
      const error = new Error()
      Error.stackTraceLimit = limit
      return error
    })
  ),
  "runPromise(Effect.void)": Effect.promise(async () => {
    for (let i = 0; i < N; i++) await Effect.runPromise(Effect.void)
  })
}

const session = new Inspector.Session()
session.connect()
for (const [name, program] of Object.entries(programs)) {
  await Effect.runPromise(program)
  await post(session, "HeapProfiler.startSampling", {
    samplingInterval: 256,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true
  })
  await Effect.runPromise(program)
  const { profile } = await post<{ profile: { head: ProfileNode } }>(session, "HeapProfiler.stopSampling")
  const start = process.cpuUsage()
  await Effect.runPromise(program)
  const used = process.cpuUsage(start)
  console.log(
    `${name.padEnd(28)} ${(total(profile.head) / N).toFixed(0).padStart(6)} B/call ${
      ((used.user + used.system) / N).toFixed(2).padStart(6)
    } µs/call`
  )
}
session.disconnect()
