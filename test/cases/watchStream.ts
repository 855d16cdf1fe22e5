// The user-data stream's life cycle as traces against the fake: what the fake's stream is scripted to do, and
// what the watcher must do and say, at which instant. Plain data, no Effect: test/watch.fake.test.ts replays them
// through the core's stream machine and the fake's rules in simulated time; each edition's watcher spec replays
// them under TestClock against its FakeBinance over loopback (HTTP answers and opens after `latencyMs`).
import type { AccountFigures, ScriptItem } from "../../src/internal/core/fake/userStream.js"

/**
 * One line of the trace: `POST`/`PUT`/`DELETE` (a listenKey request sent), `connect` (a WebSocket opened for a
 * key), `up`, `down: <reason>`, `risk: <level>`, `malformed`, `closed`. Account events are counted, not listed.
 */
export interface TraceLine {
  readonly at: number
  readonly what: string
}

export interface StreamCase {
  readonly name: string
  /** Pushed every 5 s from each connection's opening; none when absent. */
  readonly figures?: AccountFigures | undefined
  /** Whether the client can send a ping frame (the `ws` package can, a browser-style WebSocket cannot). */
  readonly canPing: boolean
  readonly latencyMs: number
  readonly script: ReadonlyArray<ScriptItem>
  /** `close()` at this instant, if at all. */
  readonly closeAt?: number | undefined
  readonly until: number
  readonly trace: ReadonlyArray<TraceLine>
  /** Account events delivered by `until`. */
  readonly accountEvents?: number | undefined
}

export const figures: AccountFigures = {
  uniMMR: "1.99999999",
  accountEquity: "30.23416728",
  actualEquity: "30.23416728",
  initialMargin: "20.6783833",
  maintenanceMargin: "15.11708371",
  availableBalance: "3.98972738",
  virtualMaxWithdrawUSD: "3.98972738"
}

const MIN = 60_000
const start: ReadonlyArray<TraceLine> = [{ at: 0, what: "POST" }, { at: 10, what: "connect" }, { at: 20, what: "up" }]

export const streamCases: ReadonlyArray<StreamCase> = [
  {
    name: "create, connect, keep alive every 30 min, close: down, DELETE, closed",
    figures,
    canPing: false,
    latencyMs: 10,
    script: [],
    closeAt: 65 * MIN,
    until: 66 * MIN,
    trace: [
      ...start,
      // the key was made when the POST's answer came (10): PUT 30 min later, and 30 min after that PUT's answer
      { at: 30 * MIN + 10, what: "PUT" },
      { at: 60 * MIN + 20, what: "PUT" },
      { at: 65 * MIN, what: "down: closed" },
      { at: 65 * MIN, what: "DELETE" },
      { at: 65 * MIN + 10, what: "closed" }
    ],
    // every 5 s from the opening at 20 until the close: 5020 … 3 895 020
    accountEvents: 779
  },
  {
    name: "a drop: down, a new POST 1 s later, connect, up",
    figures,
    canPing: false,
    latencyMs: 10,
    script: [{ _tag: "Drop", at: 10_000 }],
    until: 20_000,
    trace: [
      ...start,
      { at: 10_000, what: "down: dropped" },
      { at: 11_000, what: "POST" },
      { at: 11_010, what: "connect" },
      { at: 11_020, what: "up" }
    ]
  },
  {
    name: "drops in a row back off 1 s, 2 s, 4 s",
    figures,
    canPing: false,
    latencyMs: 10,
    script: [{ _tag: "Drop", at: 10_000 }, { _tag: "Drop", at: 11_500 }, { _tag: "Drop", at: 14_000 }],
    until: 20_000,
    trace: [
      ...start,
      { at: 10_000, what: "down: dropped" },
      { at: 11_000, what: "POST" },
      { at: 11_010, what: "connect" },
      { at: 11_020, what: "up" },
      { at: 11_500, what: "down: dropped" },
      { at: 13_500, what: "POST" },
      { at: 13_510, what: "connect" },
      { at: 13_520, what: "up" },
      { at: 14_000, what: "down: dropped" },
      { at: 18_000, what: "POST" },
      { at: 18_010, what: "connect" },
      { at: 18_020, what: "up" }
    ]
  },
  {
    name: "listenKeyExpired: down, a new key at once, connect, up; risk events and malformed frames on the way",
    figures,
    canPing: false,
    latencyMs: 10,
    script: [
      { _tag: "Push", at: 5000, frame: { e: "RISK_LEVEL_CHANGE", E: 5000, s: "MARGIN_CALL" } },
      { _tag: "Push", at: 6000, frame: "not json" },
      { _tag: "Expire", at: 20_000 }
    ],
    until: 30_000,
    trace: [
      ...start,
      { at: 5000, what: "risk: MARGIN_CALL" },
      { at: 6000, what: "malformed" },
      { at: 20_000, what: "down: listenKey expired" },
      { at: 20_000, what: "POST" },
      { at: 20_010, what: "connect" },
      { at: 20_020, what: "up" }
    ]
  },
  {
    name: "no frames and no ping: taken for dead after 60 s, reconnected",
    canPing: false,
    latencyMs: 10,
    script: [],
    until: 62_000,
    trace: [
      ...start,
      { at: 60_020, what: "down: no frame for 60 s" },
      { at: 61_020, what: "POST" },
      { at: 61_030, what: "connect" },
      { at: 61_040, what: "up" }
    ]
  },
  {
    name: "no frames but a ping answered: stays up",
    canPing: true,
    latencyMs: 10,
    script: [],
    until: 10 * MIN,
    trace: start
  },
  {
    name: "the 24 h cut: a new connection at 23 h 30 min, the old one closed, no down",
    figures,
    canPing: false,
    latencyMs: 10,
    script: [],
    until: 24 * 60 * MIN + MIN,
    trace: [
      ...start,
      // a PUT every 30 min after the last one's answer: k × 30 min + k × 10 ms
      ...Array.from({ length: 46 }, (_, i) => ({ at: (i + 1) * (30 * MIN + 10), what: "PUT" })),
      { at: 23.5 * 60 * MIN + 20, what: "POST" },
      { at: 23.5 * 60 * MIN + 30, what: "connect" },
      // the POST extended the key: the next PUT is 30 min after its answer
      { at: 24 * 60 * MIN + 30, what: "PUT" }
    ]
  }
]
