/** The soak's one table, in Markdown (it goes into docs/reliability.md as printed). */
import { type ClientReport, CLIENTS, type OneIpReport } from "./oneIp.js"
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
    ["requests let through while the client's gate was closed", both((a) => a.sentWhileClosed)],
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

const sum = (values: ReadonlyArray<number>) => values.reduce((a, b) => a + b, 0)

/** The one-IP scenario's rows, in the same Markdown table (they follow the rows above). */
export const oneIpRows = (r: OneIpReport): string => {
  const clients = CLIENTS.map((name) => r.clients[name])
  const each = (f: (c: ClientReport) => number) =>
    `${clients.map((c) => n(f(c))).join(" / ")} / ${n(sum(clients.map(f)))}`
  const failuresOf = (c: ClientReport) =>
    Object.entries(c.failures).sort(([a], [b]) => a.localeCompare(b)).map(([tag, k]) => `${tag} ${n(k)}`)
      .join(", ") || "none"
  const lengths = (byLength: Readonly<Record<string, number>>) =>
    Object.entries(byLength).sort(([a], [b]) => parseFloat(a) - parseFloat(b)).map(([len, k]) => `${len} ×${k}`)
      .join(", ") || "none"
  const leaks = Object.entries(r.leaks).map(([kind, count]) => `${kind} ${count}`).join(", ")
  const faults = Object.entries(r.verdicts).filter(([verdict]) => verdict !== "ok").sort(([, a], [, b]) => b - a)
    .map(([verdict, count]) => `${verdict} ${n(count)}`).join(", ")
  const rows: Array<[string, string]> = [
    ["**One IP** (Promise A / Promise B / Effect / all): calls", each((c) => c.calls)],
    ["one IP: successes", each((c) => c.successes)],
    ...CLIENTS.map((
      name
    ): [string, string] => [`one IP: failures, ${name} (typed, by tag)`, failuresOf(r.clients[name])]),
    ["one IP: defects", each((c) => c.defects)],
    ["one IP: unhandled rejections", n(r.unhandledRejections)],
    ["one IP: requests sent (seen at node:http; the fake received " + n(r.requests) + ")", each((c) => c.requests)],
    [
      "one IP: pauses begun (429 with Retry-After / bare 429 / 403 / 418)",
      `${n(r.pauses["429 Retry-After"])} / ${n(r.pauses["429 bare"])} / ${n(r.pauses["403"])} / ${n(r.pauses["418"])}`
    ],
    ["one IP: bare-429 back-offs by length", lengths(r.backoffLengths["429 bare"])],
    ["one IP: 403 back-offs by length", lengths(r.backoffLengths["403"])],
    ["one IP: requests sent inside any pause ¹", each((c) => c.sentInPause)],
    [
      "one IP: … by pause (429 with Retry-After / bare 429 / 403 / 418)",
      `${n(r.sentInPause["429 Retry-After"])} / ${n(r.sentInPause["429 bare"])} / ${n(r.sentInPause["403"])} / ${
        n(r.sentInPause["418"])
      }`
    ],
    ["one IP: 418s received after the first (sent inside the ban it began)", n(r.bans418AfterFirst)],
    ["one IP: 418s to requests already on their way when the ban began (not counted)", n(r.bans418InFlight)],
    ["one IP: 429s for passing the weight limit", n(r.overLimit429)],
    [
      `one IP: secret leaks (${n(r.scannedTexts)} texts scanned: errors 5 ways, ${n(r.logLines)} log lines)`,
      `${sum(Object.values(r.leaks))} (${leaks})`
    ],
    ["one IP: client sockets open 200 ms after the three closed", n(r.socketsAfterClose)],
    ["one IP: sent in the last millisecond of a pause (clock resolution; not counted ¹)", n(r.sentInLastMs)],
    ["one IP: sent after the first second of a doubled back-off ²", n(r.sentInDoubling)],
    ["one IP: what the fake answered besides ok", faults],
    ["one IP: duration", `${(r.durationMs / 1000).toFixed(1)} s`]
  ]
  return rows.map(([k, v]) => `| ${k} | ${v} |`).join("\n")
}

export const ONE_IP_NOTES = [
  "¹ A pause begins when a client has the whole body of a 429, 403 or 418 (seen at `node:http`), and counts " +
  "requests sent after that by any of the three clients: for a 429 with `Retry-After` and a 418, until the " +
  "`Retry-After` has passed; for a bare 429 and a 403, during the first 1 s of the back-off, the least the gate " +
  "owes it (the doubled remainder is footnote ²). The last millisecond of each pause is left out: the gate reads " +
  "the host clock in whole milliseconds.",
  "² The doubled length is worked out from the wire: a 429 (403) answered to a request sent after the last counted " +
  "one was read doubles the back-off, and only a success for such a request resets it. The gate tells requests in " +
  "flight from later ones by counting 429s and 403s (not by instants), so its back-offs match the wire's: a zero " +
  "the soak asserts."
].join("\n")

/** The one-IP figures that must be zero. */
export const oneIpZeros = (r: OneIpReport): Record<string, number> => ({
  sentInDoubling: r.sentInDoubling,
  defects: sum(CLIENTS.map((name) => r.clients[name].defects)),
  unhandledRejections: r.unhandledRejections,
  sentInPause: sum(CLIENTS.map((name) => r.clients[name].sentInPause)),
  bans418AfterFirst: r.bans418AfterFirst,
  overLimit429: r.overLimit429,
  secretLeaks: sum(Object.values(r.leaks)),
  socketsAfterClose: r.socketsAfterClose
})
