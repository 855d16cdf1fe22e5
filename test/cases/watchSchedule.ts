// The watcher's read schedule as traces: a configuration, what happens at which instant (demands, stream
// triggers, pauses, failing reads), and the reads that must be sent (instant, asset, reason). Plain data, no
// Effect: test/watch.schedule.test.ts replays them through the core's schedule with a simulated reader, and each
// edition's watcher spec replays them under TestClock against the fake (answers after `latencyMs`).
import type { Reason } from "../../src/internal/core/watch/schedule.js"

export type ScheduleInput =
  | { readonly at: number; readonly _tag: "fresh"; readonly asset: string }
  | { readonly at: number; readonly _tag: "account"; readonly vmw: string }
  | { readonly at: number; readonly _tag: "risk" }
  /** The gate reports a pause or ban ending at `until`. */
  | { readonly at: number; readonly _tag: "pause"; readonly until: number }

export interface ScheduleCase {
  readonly name: string
  readonly assets: ReadonlyArray<string>
  readonly maxAgeMs: number
  readonly weightShare: number
  readonly weightLimit: number
  readonly vmwThreshold: number
  /** Every read is answered this long after it is sent. */
  readonly latencyMs: number
  /** Reads that fail, by asset and ordinal (1 = the asset's first read). */
  readonly failing?: ReadonlyArray<{ readonly asset: string; readonly nth: number }>
  readonly inputs: ReadonlyArray<ScheduleInput>
  /** Replay from 0 to this instant (inclusive). */
  readonly until: number
  readonly reads: ReadonlyArray<{ readonly at: number; readonly asset: string; readonly reason: Reason }>
}

const defaults = { maxAgeMs: 60_000, weightShare: 0.1, weightLimit: 2400, vmwThreshold: 0.01, latencyMs: 100 }

export const scheduleCases: ReadonlyArray<ScheduleCase> = [
  {
    ...defaults,
    name: "the first pass is spread one read per 1250 ms, then each asset is re-read at 90 % of maxAgeMs",
    assets: ["BTC", "ETH", "USDT"],
    inputs: [],
    until: 56_600,
    reads: [
      { at: 0, asset: "BTC", reason: "routine" },
      { at: 1250, asset: "ETH", reason: "routine" },
      { at: 2500, asset: "USDT", reason: "routine" },
      // answered at 100, 1350, 2600; due at +54 000
      { at: 54_100, asset: "BTC", reason: "routine" },
      { at: 55_350, asset: "ETH", reason: "routine" },
      { at: 56_600, asset: "USDT", reason: "routine" }
    ]
  },
  {
    ...defaults,
    name: "fresh goes ahead of routine reads at once, joins what is pending or in flight, and pushes the pace back",
    assets: ["BTC", "ETH", "USDT"],
    inputs: [
      // BTC is in flight (sent at 0, answered at 100): both demands join it.
      { at: 10, _tag: "fresh", asset: "BTC" },
      { at: 20, _tag: "fresh", asset: "BTC" },
      // USDT is not due before 2500: a demand reads it at once, and ETH waits a full interval after that.
      { at: 600, _tag: "fresh", asset: "USDT" },
      { at: 600, _tag: "fresh", asset: "USDT" },
      { at: 650, _tag: "fresh", asset: "USDT" }
    ],
    until: 3000,
    reads: [
      { at: 0, asset: "BTC", reason: "routine" },
      { at: 600, asset: "USDT", reason: "fresh" },
      { at: 1850, asset: "ETH", reason: "routine" }
    ]
  },
  {
    ...defaults,
    name: "a vmw move above the threshold re-reads every asset, paced, ahead of routine reads; 1 % exactly does not",
    assets: ["BTC", "ETH"],
    inputs: [
      { at: 5000, _tag: "account", vmw: "1000.00" }, // the reference
      { at: 10_000, _tag: "account", vmw: "1010.00" }, // +1 %: not more than the threshold
      { at: 15_000, _tag: "account", vmw: "1010.01" } // +1.001 %
    ],
    until: 20_000,
    reads: [
      { at: 0, asset: "BTC", reason: "routine" },
      { at: 1250, asset: "ETH", reason: "routine" },
      { at: 15_000, asset: "BTC", reason: "stream" },
      { at: 16_250, asset: "ETH", reason: "stream" }
    ]
  },
  {
    ...defaults,
    name: "a risk level change re-reads every asset; a trigger while a read is in flight is not covered by it",
    assets: ["BTC", "ETH"],
    inputs: [
      { at: 3000, _tag: "risk" },
      // ETH's stream read was sent at 4250 and is in flight: this trigger needs another read of it.
      { at: 4300, _tag: "risk" }
    ],
    until: 8000,
    reads: [
      { at: 0, asset: "BTC", reason: "routine" },
      { at: 1250, asset: "ETH", reason: "routine" },
      { at: 3000, asset: "BTC", reason: "stream" },
      { at: 4250, asset: "ETH", reason: "stream" },
      { at: 5500, asset: "BTC", reason: "stream" },
      { at: 6750, asset: "ETH", reason: "stream" }
    ]
  },
  {
    ...defaults,
    name: "a pause stops paced reads until its end; a demand is not held by it (the gate decides)",
    assets: ["BTC", "ETH", "USDT"],
    inputs: [
      { at: 200, _tag: "pause", until: 30_000 },
      { at: 10_000, _tag: "fresh", asset: "USDT" }
    ],
    until: 32_000,
    reads: [
      { at: 0, asset: "BTC", reason: "routine" },
      { at: 10_000, asset: "USDT", reason: "fresh" },
      // USDT was read fresh at 10 000 and BTC at 0: neither is due again before 54 000.
      { at: 30_000, asset: "ETH", reason: "routine" }
    ]
  },
  {
    ...defaults,
    name: "a failed read is retried after 1 s, then 2 s, paced; the other assets go on",
    assets: ["BTC", "ETH"],
    failing: [{ asset: "BTC", nth: 1 }, { asset: "BTC", nth: 2 }],
    inputs: [],
    until: 6000,
    reads: [
      { at: 0, asset: "BTC", reason: "routine" }, // fails at 100: retry from 1100
      { at: 1250, asset: "ETH", reason: "routine" },
      { at: 2500, asset: "BTC", reason: "routine" }, // fails at 2600: retry from 4600
      { at: 4600, asset: "BTC", reason: "routine" }
    ]
  }
]
