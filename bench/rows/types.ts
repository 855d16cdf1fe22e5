import type { Concurrent, Sequential } from "../measure.js"

/** What every benchmark row gets: the loopback server and the credentials it signs with. */
export interface RowContext {
  readonly baseUrl: string
  readonly apiKey: string
  readonly secretKey: string
  /** Node options for a row's own process (bench/rows/remote.ts), before its script; in-process rows ignore them. */
  readonly nodeOptions?: ReadonlyArray<string> | undefined
}

/** Measurements made in another process (bench/rows/remote.ts), with bench/measure.ts there. */
export interface Remote {
  readonly warmup: (n: number, par: number, inFlight: number) => Promise<void>
  readonly sequential: (n: number) => Promise<Sequential>
  readonly concurrent: (total: number, inFlight: number) => Promise<Concurrent>
}

/** One way of calling pmAccountInfo, ready to be called many times. */
export interface Row {
  readonly id: string
  readonly label: string
  /** One call; resolves with the three strings (whatever shape the client gives them in). */
  readonly call: () => Promise<unknown>
  readonly close: () => Promise<void>
  /** Set when the row lives in a process of its own: measure through it, never through `call`. */
  readonly remote?: Remote | undefined
}

export interface RowSpec {
  readonly id: string
  readonly label: string
  readonly make: (context: RowContext) => Promise<Row>
}

export const EXPECTED = {
  asset: "BTC",
  maxWithdrawAmount: "27.43689636",
  maxWithdrawAmountUSD: "1627523.32459208"
} as const

/** Fails the run when a row does not return the server's body: a fast wrong answer measures nothing. */
export const check = (
  id: string,
  value: { asset: unknown; maxWithdrawAmount: unknown; maxWithdrawAmountUSD: unknown }
) => {
  const got = {
    asset: String(value.asset),
    maxWithdrawAmount: String(value.maxWithdrawAmount),
    maxWithdrawAmountUSD: String(value.maxWithdrawAmountUSD)
  }
  if (JSON.stringify(got) !== JSON.stringify(EXPECTED)) {
    throw new Error(`row ${id} returned ${JSON.stringify(got)}, expected ${JSON.stringify(EXPECTED)}`)
  }
}
