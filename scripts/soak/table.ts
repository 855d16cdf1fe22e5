/** The soak's one table, in Markdown (it goes into docs/reliability.md as printed). */
import type { ApiReport, SoakReport } from "./run.js"

const n = (x: number) => x.toLocaleString("en-US")
const failures = (api: ApiReport) =>
  Object.entries(api.failures).sort(([a], [b]) => a.localeCompare(b)).map(([tag, count]) => `${tag} ${n(count)}`)
    .join(", ") || "none"

export const table = (report: SoakReport): string => {
  const { effect, promise } = report
  const both = (f: (api: ApiReport) => number) => `${n(f(effect))} / ${n(f(promise))} / ${n(f(effect) + f(promise))}`
  const leaks = Object.entries(report.leaks).map(([kind, count]) => `${kind} ${count}`).join(", ")
  const total = Object.values(report.leaks).reduce((a, b) => a + b, 0)
  const faults = Object.entries(report.verdicts).filter(([verdict]) => verdict !== "ok").sort(([, a], [, b]) => b - a)
    .map(([verdict, count]) => `${verdict} ${n(count)}`).join(", ")
  const rows: Array<[string, string]> = [
    ["calls (Effect API / Promise API / all)", both((a) => a.calls)],
    ["successes", both((a) => a.successes)],
    ["failures, Effect API (typed, by tag)", failures(effect)],
    ["failures, Promise API (typed, by tag)", failures(promise)],
    ["defects", both((a) => a.defects)],
    ["unhandled rejections", n(report.unhandledRejections)],
    ["requests the fakes received", both((a) => a.requests)],
    ["429s answered (each begins a pause)", both((a) => a.rateLimited)],
    [
      "… of which for passing the weight limit (not injected)",
      both((a) => a.overLimit429) +
      (report.effect.overLimit429 + report.promise.overLimit429 > 0
        ? ` (ms into their minute: ${[...report.effect.overLimitAtMs, ...report.promise.overLimitAtMs].join(", ")})`
        : "")
    ],
    ["requests sent while the client's gate was closed", both((a) => a.sentWhileClosed)],
    ["418s", both((a) => a.bans418)],
    [
      `secret leaks (${n(report.scannedTexts)} texts scanned: errors 5 ways, ${n(report.logLines)} log lines)`,
      `${total} (${leaks})`
    ],
    ["RSS before → after", `${report.rssBeforeMb} MB → ${report.rssAfterMb} MB`],
    ["Effect API: longest from reading a 429 to its gate closing", `${report.closeLagMs} ms`],
    [
      "client sockets open 200 ms after close() / runtime disposed",
      [report.effect, report.promise].map((a) =>
        `${a.socketsAfterClose}${
          a.socketsAfterClose > 0 ? ` (closed by keep-alive ${a.socketsGoneAfterMs} ms later)` : ""
        }`
      ).join(" / ") + ` / ${report.effect.socketsAfterClose + report.promise.socketsAfterClose}`
    ],
    ["server clock moved (whole minutes, either way)", n(report.skewChanges)],
    ["what the fakes answered besides ok", faults],
    ["duration", `${(report.durationMs / 1000).toFixed(1)} s`]
  ]
  return ["| measure | value |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join("\n")
}

/** The figures that must be zero, with their values. */
export const zeros = (report: SoakReport): Record<string, number> => ({
  defects: report.effect.defects + report.promise.defects,
  unhandledRejections: report.unhandledRejections,
  sentWhileClosed: report.effect.sentWhileClosed + report.promise.sentWhileClosed,
  bans418: report.effect.bans418 + report.promise.bans418,
  overLimit429: report.effect.overLimit429 + report.promise.overLimit429,
  secretLeaks: Object.values(report.leaks).reduce((a, b) => a + b, 0),
  socketsAfterClose: report.effect.socketsAfterClose + report.promise.socketsAfterClose
})
