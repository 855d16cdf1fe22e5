// Formats the benchmark's findings as Markdown (the same text goes to stdout and bench/results.md).
import type { SigningRow } from "./signing.js"

export interface CallRow {
  readonly id: string
  readonly label: string
  readonly cpuUs: number
  readonly cpuUs64: number
  readonly seqPerSec: number
  readonly perSec64: number
  readonly p50Ms: number
  readonly p99Ms: number
  /** KB promoted per young-generation collection during the sequential calls (bench/measure.ts). */
  readonly promotedKB: number
  readonly youngPauseMs: number
}

export interface Memory {
  readonly mode: string
  readonly calls: number
  readonly early: { readonly heapUsed: number; readonly rss: number }
  readonly late: { readonly heapUsed: number; readonly rss: number }
}

export interface ColdRow {
  readonly id: string
  readonly label: string
  /** ms from process start (performance.timeOrigin) to the first result, median. */
  readonly firstResultMs: number
  /** CPU ms (user + system) the process used up to its first result, median: less moved by a busy machine. */
  readonly cpuMs: number
  /** ms from spawn to the result line reaching the parent, median. */
  readonly wallMs: number
}

export interface Findings {
  readonly header: ReadonlyArray<string>
  readonly calls: ReadonlyArray<CallRow>
  readonly inFlight: number
  readonly signing: ReadonlyArray<SigningRow>
  readonly memory: ReadonlyArray<Memory>
  readonly cold: ReadonlyArray<ColdRow>
}

const fixed = (n: number, digits: number) => Number.isFinite(n) ? n.toFixed(digits) : "—"
const int = (n: number) => Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "—"
const ratio = (n: number) => Number.isFinite(n) ? `${n.toFixed(2)}×` : "—"
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`
const signedMib = (bytes: number) => `${bytes >= 0 ? "+" : "−"}${mib(Math.abs(bytes))}`
const mark = (ok: boolean) => ok ? "✅" : "❌"

const callsTable = (rows: ReadonlyArray<CallRow>, inFlight: number): Array<string> => {
  const floor = rows.find((r) => r.id === "floor")
  const lines = [
    `| row | CPU µs/call | ×floor | calls/s seq | ×floor | calls/s @${inFlight} | ×floor | ` +
    `CPU µs/call @${inFlight} | p50 ms | p99 ms | KB promoted per young GC | young GC ms |`,
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
  ]
  for (const r of rows) {
    lines.push(
      `| ${r.label} | ${fixed(r.cpuUs, 1)} | ${ratio(floor ? r.cpuUs / floor.cpuUs : Number.NaN)} | ${
        int(r.seqPerSec)
      } | ${ratio(floor ? r.seqPerSec / floor.seqPerSec : Number.NaN)} | ${int(r.perSec64)} | ${
        ratio(floor ? r.perSec64 / floor.perSec64 : Number.NaN)
      } | ${fixed(r.cpuUs64, 1)} | ${fixed(r.p50Ms, 3)} | ${fixed(r.p99Ms, 3)} | ${fixed(r.promotedKB, 0)} | ${
        fixed(r.youngPauseMs, 2)
      } |`
    )
  }
  return lines
}

const targets = (findings: Findings): Array<string> => {
  const byId = new Map(findings.calls.map((r) => [r.id, r]))
  const floor = byId.get("floor")
  const lines: Array<string> = []
  // Issue 21: the Effect 3 edition's CPU per call against the floor, p99 within 2× the floor's, and ahead of the
  // official SDK on every column (calls/s one after another and in flight, CPU per call).
  for (const [id, bound] of [["effect-node", 2.5], ["promise", 2]] as const) {
    const ours = byId.get(id)
    if (ours === undefined) continue
    if (floor !== undefined) {
      const cpu = ours.cpuUs / floor.cpuUs
      const p99 = ours.p99Ms / floor.p99Ms
      // The row runs in a process of its own: the floor measured the same way is shown beside it.
      const own = byId.get("floor-proc")
      const p99Own = own === undefined ? "" : ` (${ratio(ours.p99Ms / own.p99Ms)} the floor's in a process of its own)`
      lines.push(`- ${mark(cpu <= bound)} ${id}: CPU per call ≤ ${bound}× floor: ${ratio(cpu)}`)
      lines.push(`- ${mark(p99 <= 2)} ${id}: p99 ≤ 2× floor's: ${ratio(p99)}${p99Own}`)
    }
    for (const peer of findings.calls.filter((r) => r.id.startsWith("official") || r.id === "ccxt")) {
      const faster = ours.seqPerSec / peer.seqPerSec
      const faster64 = ours.perSec64 / peer.perSec64
      const cpu = ours.cpuUs / peer.cpuUs
      const ok = faster > 1 && faster64 > 1 && cpu < 1
      lines.push(
        `- ${mark(ok)} ${id} faster than ${peer.id}: calls/s seq ${ratio(faster)} theirs, @${findings.inFlight} ${
          ratio(faster64)
        } theirs; CPU per call ${ratio(cpu)} theirs`
      )
    }
  }
  // Issue 9: the Effect 4 edition, both APIs — CPU per call ≤ 2× floor, calls/s ≥ ccxt sequential and in flight.
  const ccxt = byId.get("ccxt")
  for (const id of ["effect4-node", "effect4-node-untraced", "effect4-fetch", "effect4-promise"]) {
    const v4 = byId.get(id)
    if (v4 === undefined) continue
    if (floor !== undefined) {
      const cpu = v4.cpuUs / floor.cpuUs
      lines.push(`- ${mark(cpu <= 2)} ${id}: CPU per call ≤ 2× floor: ${ratio(cpu)}`)
    }
    if (ccxt !== undefined) {
      const seq = v4.seqPerSec / ccxt.seqPerSec
      const par = v4.perSec64 / ccxt.perSec64
      lines.push(
        `- ${mark(seq >= 1 && par >= 1)} ${id}: calls/s ≥ ccxt: seq ${ratio(seq)} theirs, @${findings.inFlight} ${
          ratio(par)
        } theirs`
      )
    }
  }
  // Issue 21: both editions' Promise entries start at least as fast as the official SDK. The Effect API entries load
  // the effect (and @effect/platform) their app has already loaded: reported with what the library adds to that.
  const official = findings.cold.find((c) => c.id === "official")
  for (const c of findings.cold.filter((c) => c.label.startsWith("effect-binance-pm"))) {
    if (official === undefined) break
    const r = c.firstResultMs / official.firstResultMs
    const cpu = `CPU ${ratio(c.cpuMs / official.cpuMs)}`
    const peers = findings.cold.find((p) => p.id === `${c.id}-peers`)
    if (peers === undefined) {
      lines.push(`- ${mark(r <= 1)} cold start ≤ the official SDK's: ${c.id} ${ratio(r)} (${cpu})`)
    } else {
      const added = `+${fixed(c.firstResultMs - peers.firstResultMs, 1)} ms, +${fixed(c.cpuMs - peers.cpuMs, 1)} CPU ms`
      const over = `over its Effect peers alone (${peers.id}) ${added}`
      lines.push(`- ℹ️ cold start, ${c.id}: ${ratio(r)} the official SDK's (${cpu}); ${over}`)
    }
  }
  for (const s of findings.signing) {
    const r = s.oursUs / s.officialUs
    // Both sides call the same node:crypto primitive for Ed25519 and RSA: within 5% is noise.
    const sign = r <= 1 ? "✅" : r <= 1.05 ? "≈" : "❌"
    lines.push(
      `- ${sign} signing ${s.keyType} at or below the official SDK: ${fixed(s.oursUs, 2)} µs vs ${
        fixed(s.officialUs, 2)
      } µs (${ratio(r)})`
    )
  }
  for (const m of findings.memory) {
    const delta = m.late.heapUsed - m.early.heapUsed
    lines.push(
      `- ${mark(delta <= 2 * 1024 * 1024)} heap growth 1k → ${int(m.calls)} calls (${m.mode}): ${signedMib(delta)}`
    )
  }
  return lines
}

export const render = (findings: Findings): string => {
  const out: Array<string> = ["# Benchmark results", "", ...findings.header, ""]
  out.push("## Calls against the loopback server", "")
  out.push(...callsTable(findings.calls, findings.inFlight), "")
  out.push(
    "CPU is this process's user + system time (`process.cpuUsage`) per call; the server is another process.",
    "×floor: CPU ÷ floor CPU (lower is better); calls/s ÷ floor calls/s (higher is better). Medians over rounds.",
    ""
  )
  if (findings.signing.length > 0) {
    out.push(
      "## Signing one request (µs/op, median)",
      "",
      "| key | effect-binance-pm | official SDK | ours ÷ official |",
      "|---|--:|--:|--:|"
    )
    for (const s of findings.signing) {
      out.push(
        `| ${s.keyType} | ${fixed(s.oursUs, 2)} | ${fixed(s.officialUs, 2)} | ${ratio(s.oursUs / s.officialUs)} |`
      )
    }
    out.push("")
  }
  if (findings.memory.length > 0) {
    out.push(
      "## Memory after many calls (gc before each reading)",
      "",
      "| API | after 1,000 calls heap / RSS | after N calls heap / RSS | heap Δ | RSS Δ |",
      "|---|--:|--:|--:|--:|"
    )
    for (const m of findings.memory) {
      out.push(
        `| ${m.mode}, N = ${int(m.calls)} | ${mib(m.early.heapUsed)} / ${mib(m.early.rss)} | ${
          mib(m.late.heapUsed)
        } / ${mib(m.late.rss)} | ${signedMib(m.late.heapUsed - m.early.heapUsed)} | ${
          signedMib(m.late.rss - m.early.rss)
        } |`
      )
    }
    out.push("")
  }
  if (findings.cold.length > 0) {
    out.push(
      "## Cold start: process start → first result (median)",
      "",
      "| client | ms since process start | ×official | CPU ms to the result | ×official | ms spawn → result |",
      "|---|--:|--:|--:|--:|--:|"
    )
    const official = findings.cold.find((c) => c.id === "official")
    for (const c of findings.cold) {
      out.push(
        `| ${c.label} | ${fixed(c.firstResultMs, 1)} | ${
          ratio(official ? c.firstResultMs / official.firstResultMs : Number.NaN)
        } | ${fixed(c.cpuMs, 1)} | ${ratio(official ? c.cpuMs / official.cpuMs : Number.NaN)} | ${fixed(c.wallMs, 1)} |`
      )
    }
    out.push("")
  }
  out.push("## Targets", "", ...targets(findings), "")
  return out.join("\n")
}
