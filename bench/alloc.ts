// Inside one bundle made by bench/steps.ts: builds a row, warms it up, then counts Effect run-loop steps
// (globalThis.__steps, incremented by the patched runLoop) and bytes allocated (V8's sampling heap profiler,
// objects already collected included) per call, over sequential calls. Prints one JSON line.
import * as Inspector from "node:inspector"
import type { RowSpec } from "./rows/types.js"

const post = <T>(session: Inspector.Session, method: string, params?: object) =>
  new Promise<T>((resolve, reject) =>
    session.post(method, params ?? {}, (error, result) => error ? reject(error) : resolve(result as T))
  )

interface ProfileNode {
  readonly selfSize: number
  readonly children: ReadonlyArray<ProfileNode>
}
const total = (node: ProfileNode): number => node.children.reduce((sum, child) => sum + total(child), node.selfSize)

export const probe = async (spec: RowSpec) => {
  const [baseUrl, callsArg, warmupArg] = process.argv.slice(2)
  const calls = Number(callsArg ?? 2_000)
  const g = globalThis as { __steps?: number }
  g.__steps = 0
  const row = await spec.make({
    baseUrl: baseUrl!,
    apiKey: "bench-api-key",
    secretKey: "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9"
  })
  for (let i = 0; i < Number(warmupArg ?? 300); i++) await row.call()
  g.__steps = 0
  for (let i = 0; i < calls; i++) await row.call()
  const steps = g.__steps / calls
  const session = new Inspector.Session()
  session.connect()
  await post(session, "HeapProfiler.startSampling", {
    samplingInterval: 256,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true
  })
  for (let i = 0; i < calls; i++) await row.call()
  const { profile } = await post<{ profile: { head: ProfileNode } }>(session, "HeapProfiler.stopSampling")
  session.disconnect()
  await row.close()
  process.stdout.write(`${JSON.stringify({ id: spec.id, steps, bytes: total(profile.head) / calls })}\n`)
  process.exit(0)
}
