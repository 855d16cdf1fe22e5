/**
 * The soak's Effect program, without Effect: each edition makes one from its own Effect API (Effect 3 from the
 * sources, ./program3.ts; Effect 4 from its packed tarball, test/packed/effect4/soakProgram.ts), and the soak drives
 * it next to that edition's Promise clients, sharing their budget. Types only, so that the Effect 4 program's
 * TypeScript (test/packed/effect4/tsconfig.json) reads nothing of Effect 3; ./programOf.ts loads a program.
 */
export interface ProgramOptions {
  readonly apiKey: string
  readonly secretKey: string
  readonly baseUrl: string
  readonly maxRetryAfterWaitMs: number
  readonly weightLimit: number
  /** The per-attempt timeout. Default: the library's. */
  readonly timeoutMs?: number | undefined
  /**
   * Give the program a gate of its own, instrumented, and an instrumented HTTP client (see `Instruments`). Without
   * it the program uses the process-wide gate, as the Promise clients do, and BinanceHttpClient.
   */
  readonly instrument?: boolean | undefined
}

/**
 * With `instrument`: the gate runs over a wrapped in-memory store, so each admission and each closing is seen in
 * the same synchronous step as the gate's own decision, on the gate's own clock (no scheduler can slip between).
 * An admission while a pause the gate had been told of still runs is a violation; a request admitted just before
 * a pause began, whose bytes leave a moment after, was already in flight and is not. The HTTP client is wrapped
 * too, to catch a request that left without any admission in its call (one that bypassed the gate).
 */
export interface Instruments {
  /** Admissions made while a pause was running: when (gate clock, ms) and until when the pause ran. */
  readonly admittedInPause: ReadonlyArray<{ readonly at: number; readonly until: number }>
  /** `Date.now()` of each request that left with no admission in its call. */
  readonly ungated: ReadonlyArray<number>
  /** Each closing of the gate on a 429 or 418 it was told of, and until when (`Date.now()`). */
  readonly closed: ReadonlyArray<{ readonly from: number; readonly to: number }>
  /** When each 429 or 418 arrived (its headers, before its body was read). */
  readonly receipts: ReadonlyArray<number>
}

/** One call's end: its typed error (with `retryAfterMs` for the gate's refusals), or a defect. */
export type Outcome =
  | { readonly _tag: "Success" }
  | {
    readonly _tag: "Failure"
    readonly error: { readonly _tag: string; readonly retryAfterMs?: number | undefined }
    readonly pretty: string
  }
  | { readonly _tag: "Defect"; readonly pretty: string }

export interface Program {
  /** `PortfolioMargin.pmAccountInfo({ asset })` on the program's runtime. */
  readonly call: (asset: string) => Promise<Outcome>
  /** Disposes the runtime (its HTTP client's sockets with it). */
  readonly dispose: () => Promise<void>
  /** Every log line of the runtime, Debug included, in two formats (logfmt and JSON), to scan for secrets. */
  readonly logLines: ReadonlyArray<string>
  /** Empty without `instrument`. */
  readonly instruments: Instruments
}

export type MakeProgram = (options: ProgramOptions) => Program

/** `Instruments`, being filled. */
export type Recorded = { -readonly [K in keyof Instruments]: Array<Instruments[K][number]> }

/**
 * What an instrumented store reports, in the step of the gate's decision, judged against the pauses it was told of
 * (per budget key, on the gate's clock: `local` is the one the gate passes its store). Plain code, so both editions'
 * programs share it. `admitted` says whether the decision let the request through.
 */
export const pauseWatch = (instruments: Recorded) => {
  const until = new Map<string, number>()
  return {
    admitted: (key: string, decision: { readonly _tag: string }, local: number): boolean => {
      if (decision._tag !== "Admit") return false
      const end = until.get(key) ?? Number.NEGATIVE_INFINITY
      if (local < end) instruments.admittedInPause.push({ at: local, until: end })
      return true
    },
    settled: (
      key: string,
      outcome: { readonly status?: number | undefined; readonly retryAfterMs?: number | undefined },
      local: number
    ): void => {
      const wait = outcome.status === 429 || outcome.status === 418 ? outcome.retryAfterMs : undefined
      if (wait === undefined) return
      until.set(key, Math.max(until.get(key) ?? Number.NEGATIVE_INFINITY, local + wait))
      const now = Date.now()
      instruments.closed.push({ from: now, to: now + wait })
    }
  }
}
