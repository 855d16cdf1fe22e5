/**
 * Scripted faults: a FIFO queue of "next N requests" faults and per-fault random rates.
 */
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import type * as api from "../../FakeBinance.js"
import * as params from "./params.js"

/** mulberry32: a tiny, well-known 32-bit PRNG, so seeded fault runs replay exactly. @internal */
export const mulberry32 = (seed: number): () => number => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Queued {
  readonly fault: api.Fault
  readonly path: string | undefined
  remaining: number
}

interface Rated {
  readonly key: string
  readonly fault: api.Fault
  readonly path: string | undefined
  readonly rate: number
  readonly next: (() => number) | undefined
}

const matches = (filter: string | undefined, path: string) => filter === undefined || filter === path

/** @internal */
export class FaultBook {
  private queue: Array<Queued> = []
  private rates: Array<Rated> = []

  enqueue(fault: api.Fault, path: string | undefined, count: number): void {
    this.queue.push({ fault, path, remaining: count })
  }

  /** One rate per fault kind and path; a new rate replaces the old one, rate 0 removes it. */
  setRate(fault: api.Fault, rate: number, path: string | undefined, seed: number | undefined): void {
    const key = `${fault._tag} ${path ?? "*"}`
    this.rates = this.rates.filter((r) => r.key !== key)
    if (rate > 0) this.rates.push({ key, fault, path, rate, next: seed === undefined ? undefined : mulberry32(seed) })
  }

  clear(): void {
    this.queue = []
    this.rates = []
  }

  /** Queued faults first (oldest matching entry); then each matching rate draws once, in order. */
  take(path: string): Effect.Effect<api.Fault | undefined> {
    const index = this.queue.findIndex((q) => matches(q.path, path))
    if (index !== -1) {
      const entry = this.queue[index]!
      entry.remaining -= 1
      if (entry.remaining <= 0) this.queue.splice(index, 1)
      return Effect.succeed(entry.fault)
    }
    const candidates = this.rates.filter((r) => matches(r.path, path))
    if (candidates.length === 0) return Effect.succeed(undefined)
    return Effect.gen(function*() {
      for (const rated of candidates) {
        const draw = rated.next ? rated.next() : yield* Random.next
        if (draw < rated.rate) return rated.fault
      }
      return undefined
    })
  }
}

const HTML_502 = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" +
  "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>CloudFront</center>\r\n</body>\r\n</html>\r\n"

const UNAVAILABLE = {
  unknown: { status: 503, code: -1000, msg: "Unknown error, please check your request or try again later." },
  unavailable: { status: 503, code: -1001, msg: "Service Unavailable." },
  internal: { status: 503, code: -1001, msg: "Internal error; unable to process your request. Please try again." }
} as const

const wrongSchema = (path: string): string =>
  path === "/fapi/v1/time"
    ? JSON.stringify({ serverTime: "soon" })
    : JSON.stringify({ maxWithdrawAmountUSD: 1627523.32459208, asset: "BTC" })

/** `fault:reset`, `fault:html502`, ... @internal */
export const faultVerdict = (fault: api.Fault): string =>
  `fault:${fault._tag.charAt(0).toLowerCase()}${fault._tag.slice(1)}`

/**
 * The reply of an edge fault (one the exchange never sees). `delay`, `truncate` and `reset` are
 * handled by the caller.
 * @internal
 */
export const edgeOutcome = (
  fault: Exclude<api.Fault, { readonly _tag: "Delay" | "Truncate" | "Reset" }>,
  path: string,
  limit: number
): params.Outcome => {
  const verdict = faultVerdict(fault)
  switch (fault._tag) {
    case "Respond":
      return { status: fault.status, body: fault.body, headers: fault.headers, code: undefined, verdict }
    case "Html502":
      return { status: 502, body: HTML_502, headers: { "content-type": "text/html" }, code: undefined, verdict }
    case "ServiceUnavailable":
      return { ...params.error(UNAVAILABLE[fault.variant], ""), verdict }
    case "NonJson200":
      return {
        status: 200,
        body: "<html><body>Service maintenance in progress</body></html>",
        headers: { "content-type": params.JSON_TYPE },
        code: undefined,
        verdict
      }
    case "WrongSchema200":
      return { ...params.ok(wrongSchema(path)), verdict }
    case "RateLimited":
      return {
        ...params.error(params.Replies.tooMany(limit), "", { "retry-after": String(fault.retryAfterSeconds) }),
        verdict
      }
  }
}
