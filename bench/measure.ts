// Timing primitives: CPU from process.cpuUsage (user + system, this process only: the server runs apart).
import * as V8 from "node:v8"

export interface Sequential {
  readonly cpuUsPerCall: number
  readonly callsPerSec: number
  readonly p50Ms: number
  readonly p99Ms: number
  /** KB moved to the old generation per young-generation collection, median. */
  readonly promotedKB: number
  /** Pause per young-generation collection, median. */
  readonly youngPauseMs: number
  /** Young-generation collections over the run, all of them. */
  readonly youngGCs: number
  /** The young generation's capacity (V8's new space, used + available) at the end of the run, KB. */
  readonly youngKB: number
}

export interface Concurrent {
  readonly cpuUsPerCall: number
  readonly callsPerSec: number
}

const cpuMicros = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since)
  return used.user + used.system
}

export const percentile = (sorted: Float64Array | ReadonlyArray<number>, p: number): number => {
  if (sorted.length === 0) return Number.NaN
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))
  return sorted[index]!
}

export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const youngKB = () => {
  const space = V8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space")
  return space === undefined ? Number.NaN : (space.space_used_size + space.space_available_size) / 1024
}

const oldUsed = (heap: V8.GCProfilerResult["statistics"][number]["beforeGC"]) =>
  heap.heapSpaceStatistics.find((space) => space.spaceName === "old_space")?.spaceUsedSize ?? 0

/**
 * The young-generation collections (V8's GCProfiler) of a run, medians, leaving out its first two: they collect what
 * the run before left in flight (the first copies it, the second promotes it: 600–800 KB and up to 340 KB after 4,000
 * calls with 64 in flight, against 0–3 KB for the next ones). A call's garbage should die young: bytes promoted per
 * collection are what keeps each call's objects alive past one (a pretenured allocation site pointing at them,
 * docs/performance.md), and they make each collection's pause longer.
 */
const young = (statistics: V8.GCProfilerResult["statistics"]) => {
  const all = statistics.filter((gc) => gc.gcType === "Scavenge")
  const scavenges = all.slice(2)
  const middle = (f: (gc: (typeof scavenges)[number]) => number) =>
    scavenges.length === 0 ? Number.NaN : median(scavenges.map(f))
  return {
    youngGCs: all.length,
    youngKB: youngKB(),
    promotedKB: middle((gc) => Math.max(0, oldUsed(gc.afterGC) - oldUsed(gc.beforeGC)) / 1024),
    youngPauseMs: middle((gc) => gc.cost / 1000)
  }
}

/** `n` calls, one after the other. */
export const sequential = async (call: () => Promise<unknown>, n: number): Promise<Sequential> => {
  const latencies = new Float64Array(n)
  const profiler = new V8.GCProfiler()
  profiler.start()
  const cpu = process.cpuUsage()
  const start = performance.now()
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    await call()
    latencies[i] = performance.now() - t
  }
  const wallMs = performance.now() - start
  const cpuUs = cpuMicros(cpu)
  const gcs = profiler.stop()
  latencies.sort()
  return {
    cpuUsPerCall: cpuUs / n,
    callsPerSec: n / (wallMs / 1000),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    ...young(gcs.statistics)
  }
}

/** `total` calls with `inFlight` of them outstanding at any time. */
export const concurrent = async (
  call: () => Promise<unknown>,
  total: number,
  inFlight: number
): Promise<Concurrent> => {
  let started = 0
  const worker = async () => {
    while (started < total) {
      started++
      await call()
    }
  }
  const cpu = process.cpuUsage()
  const start = performance.now()
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, worker))
  const wallMs = performance.now() - start
  return { cpuUsPerCall: cpuMicros(cpu) / total, callsPerSec: total / (wallMs / 1000) }
}

/** Microseconds per operation of a synchronous function, median of `rounds`. */
export const opsMicros = (op: (i: number) => unknown, n: number, rounds: number): number => {
  for (let i = 0; i < Math.min(n, 200); i++) op(i)
  const results: Array<number> = []
  for (let r = 0; r < rounds; r++) {
    const start = performance.now()
    for (let i = 0; i < n; i++) op(i)
    results.push(((performance.now() - start) * 1000) / n)
  }
  return median(results)
}
