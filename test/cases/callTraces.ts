// What one call does with each sequence of answers: the call machine's table (src/internal/core/call.ts). Plain
// data, no Effect: test/call.test.ts replays it through the machine alone, and test/callTraces.test.ts (Effect 3)
// and effect4/test/callTraces.test.ts (Effect 4) through each edition's whole walk against the in-memory
// FakeBinance, expecting the same requests and the same end.

/** A scripted answer: a status with its body and headers, or a connection reset before any byte. */
export type Scripted =
  | { readonly status: number; readonly body?: string; readonly headers?: Readonly<Record<string, string>> }
  | "reset"

export type Step = "Send" | "Sync" | "Retry" | "Done" | "Fail"

export interface CallTrace {
  readonly name: string
  readonly options?: { readonly maxRetries?: number; readonly maxRetryAfterWaitMs?: number }
  /** The first answers to `pmAccountInfo` requests; after them, the fake answers as Binance does. */
  readonly pm: ReadonlyArray<Scripted>
  /** The first answers to time requests; after them, the fake answers with its clock. */
  readonly time?: ReadonlyArray<Scripted>
  readonly expected: {
    /** The machine's decisions, in order. */
    readonly steps: ReadonlyArray<Step>
    readonly pmRequests: number
    readonly timeRequests: number
    /** `Done`, or the tag of the error the call fails with. */
    readonly end: string
  }
}

const binance = (status: number, code: number, msg: string, headers?: Record<string, string>): Scripted => ({
  status,
  body: JSON.stringify({ code, msg }),
  ...(headers === undefined ? {} : { headers })
})

const s500: Scripted = { status: 500, body: "" }
const timestamp = binance(400, -1021, "Timestamp for this request is outside of the recvWindow.")

export const callTraces: ReadonlyArray<CallTrace> = [
  {
    name: "answered first time",
    pm: [],
    expected: { steps: ["Send", "Done"], pmRequests: 1, timeRequests: 0, end: "Done" }
  },
  {
    name: "two 500s, then an answer",
    pm: [s500, s500],
    expected: { steps: ["Send", "Retry", "Send", "Retry", "Send", "Done"], pmRequests: 3, timeRequests: 0, end: "Done" }
  },
  {
    name: "a connection reset is retried",
    pm: ["reset"],
    expected: { steps: ["Send", "Retry", "Send", "Done"], pmRequests: 2, timeRequests: 0, end: "Done" }
  },
  {
    name: "maxRetries 2: three 500s fail with the last",
    options: { maxRetries: 2 },
    pm: [s500, s500, s500],
    expected: {
      steps: ["Send", "Retry", "Send", "Retry", "Send", "Fail"],
      pmRequests: 3,
      timeRequests: 0,
      end: "ServerError"
    }
  },
  {
    name: "maxRetries 0 sends once",
    options: { maxRetries: 0 },
    pm: [s500],
    expected: { steps: ["Send", "Fail"], pmRequests: 1, timeRequests: 0, end: "ServerError" }
  },
  {
    name: "-1021 heals: one time request, one re-send",
    pm: [timestamp],
    expected: { steps: ["Send", "Sync", "Send", "Done"], pmRequests: 2, timeRequests: 1, end: "Done" }
  },
  {
    name: "-1021 heals once per call: a second -1021 fails",
    pm: [timestamp, timestamp],
    expected: { steps: ["Send", "Sync", "Send", "Fail"], pmRequests: 2, timeRequests: 1, end: "InvalidTimestamp" }
  },
  {
    name: "the heal's re-send does not count as a retry",
    options: { maxRetries: 1 },
    pm: [timestamp, s500],
    expected: {
      steps: ["Send", "Sync", "Send", "Retry", "Send", "Done"],
      pmRequests: 3,
      timeRequests: 1,
      end: "Done"
    }
  },
  {
    name: "a failed time request is retried as the attempt's failure",
    pm: [timestamp],
    time: [s500],
    expected: { steps: ["Send", "Sync", "Retry", "Send", "Done"], pmRequests: 2, timeRequests: 1, end: "Done" }
  },
  {
    name: "the worst case: maxRetries + 2 requests and one time request",
    options: { maxRetries: 3 },
    pm: [timestamp, s500, s500, s500, s500],
    expected: {
      steps: ["Send", "Sync", "Send", "Retry", "Send", "Retry", "Send", "Retry", "Send", "Fail"],
      pmRequests: 5,
      timeRequests: 1,
      end: "ServerError"
    }
  },
  {
    name: "a 429 whose Retry-After is worth waiting for is retried",
    pm: [binance(429, -1003, "Too many requests.", { "retry-after": "1" })],
    expected: { steps: ["Send", "Retry", "Send", "Done"], pmRequests: 2, timeRequests: 0, end: "Done" }
  },
  {
    name: "a 429 whose Retry-After is too long fails at once",
    options: { maxRetryAfterWaitMs: 5_000 },
    pm: [binance(429, -1003, "Too many requests.", { "retry-after": "30" })],
    expected: { steps: ["Send", "Fail"], pmRequests: 1, timeRequests: 0, end: "RateLimited" }
  },
  {
    name: "a 418 is never retried",
    pm: [binance(418, -1003, "Way too many requests; IP banned.", { "retry-after": "120" })],
    expected: { steps: ["Send", "Fail"], pmRequests: 1, timeRequests: 0, end: "IpBanned" }
  },
  {
    name: "a bad signature is never retried",
    pm: [binance(400, -1022, "Signature for this request is not valid.")],
    expected: { steps: ["Send", "Fail"], pmRequests: 1, timeRequests: 0, end: "InvalidSignature" }
  },
  {
    name: "a 200 that is not the documented body fails, not retried",
    pm: [{ status: 200, body: "{\"asset\":\"BTC\",\"maxWithdrawAmount\":1}" }],
    expected: { steps: ["Send", "Fail"], pmRequests: 1, timeRequests: 0, end: "ResponseDecodeError" }
  },
  {
    name: "a 200 for another asset fails",
    pm: [{ status: 200, body: "{\"asset\":\"ETH\",\"maxWithdrawAmount\":\"1\",\"maxWithdrawAmountUSD\":\"2\"}" }],
    expected: { steps: ["Send", "Fail"], pmRequests: 1, timeRequests: 0, end: "ResponseDecodeError" }
  }
]
