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
 * With `instrument`: the gate's admissions and closings are numbered in the order they happen, and each send
 * carries the number of the admission it follows (same fiber). A send is a violation when the gate let it through
 * after it had closed (one admitted just before, whose bytes leave a moment after, was already in flight).
 */
export interface Instruments {
  readonly sends: ReadonlyArray<{ readonly seq: number; readonly at: number }>
  /** Each closing of the gate on a 429 or 418 it was told of, and until when. */
  readonly closed: ReadonlyArray<{ readonly seq: number; readonly from: number; readonly to: number }>
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
