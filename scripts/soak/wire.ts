/**
 * What the clients put on the wire, seen from `node:http`'s `request` (the Promise API's BinanceHttpClient and the
 * library's `BinanceHttpClient.layer()` both send through it): when each request left, and when the body of each
 * answer had arrived (the earliest a gate can learn of a 429, 403 or 418). Installed for the soak only; several
 * watchers may be installed at once (one patch, shared), and the last `uninstall` puts the real function back.
 */
import type * as Http from "node:http"
import { createRequire, syncBuiltinESMExports } from "node:module"
import { performance } from "node:perf_hooks"

export interface Pause {
  /** When the client had the whole 429/418 body, ms. */
  readonly read: number
  readonly retryAfterMs: number
}

/** One request and what came back, with every instant numbered in one order across all watchers. */
export interface Exchange {
  /** Position of the send among every send and every body read, process-wide. */
  readonly sentSeq: number
  /** `performance.now()` when `request` was called. */
  readonly sentAt: number
  /** The `X-MBX-APIKEY` it carried (tells one client from another on one base URL). */
  readonly apiKey: string | undefined
  status: number | undefined
  /** The raw `Retry-After` header, if any. */
  retryAfter: string | undefined
  /** Position and instant of the body's end (undefined when none arrived: reset, aborted, truncated). */
  readSeq: number | undefined
  readAt: number | undefined
}

export interface Wire {
  /** 429s and 418s with a Retry-After, on `Date.now()`. */
  readonly pauses: ReadonlyArray<Pause>
  /** Every request to this origin, in the order sent. */
  readonly exchanges: ReadonlyArray<Exchange>
}

// The CommonJS exports object of node:http; ESM importers see a change once it is synced.
const httpModule = createRequire(import.meta.url)("node:http") as typeof Http

interface Watcher {
  readonly hosts: ReadonlyArray<string>
  readonly wires: ReadonlyArray<{ pauses: Array<Pause>; exchanges: Array<Exchange> }>
}

const watchers = new Set<Watcher>()
let original: typeof Http.request | undefined
let sequence = 0

const hostOf = (first: Parameters<typeof Http.request>[0]): string =>
  typeof first === "string" || first instanceof URL
    ? new URL(first).host
    : `${first.hostname ?? first.host}:${first.port}`

const apiKeyOf = (args: Parameters<typeof Http.request>): string | undefined => {
  for (const arg of args) {
    if (typeof arg === "object" && arg !== null && !(arg instanceof URL) && "headers" in arg) {
      const headers = (arg as Http.RequestOptions).headers
      if (headers === undefined || Array.isArray(headers)) continue
      for (const [name, value] of Object.entries(headers)) {
        if (name.toLowerCase() === "x-mbx-apikey") return String(value)
      }
    }
  }
  return undefined
}

const patched = ((...args: Parameters<typeof Http.request>) => {
  const host = hostOf(args[0])
  const targets = [...watchers].flatMap((w) => w.hosts.flatMap((h, i) => (h === host ? [w.wires[i]!] : [])))
  const exchange: Exchange | undefined = targets.length === 0 ? undefined : {
    sentSeq: sequence++,
    sentAt: performance.now(),
    apiKey: apiKeyOf(args),
    status: undefined,
    retryAfter: undefined,
    readSeq: undefined,
    readAt: undefined
  }
  for (const wire of targets) wire.exchanges.push(exchange!)
  const req = (original as (...a: Parameters<typeof Http.request>) => Http.ClientRequest)(...args)
  if (exchange !== undefined) {
    // Registered before the client's own listeners (it adds them once `request` returns), so the body's end is
    // recorded before the client can act on it.
    req.on("response", (response) => {
      exchange.status = response.statusCode
      const header = response.headers["retry-after"]
      exchange.retryAfter = Array.isArray(header) ? header[0] : header
      const retryAfter = Number(exchange.retryAfter)
      response.on("end", () => {
        exchange.readSeq = sequence++
        exchange.readAt = performance.now()
        if ((response.statusCode === 429 || response.statusCode === 418) && retryAfter > 0) {
          for (const wire of targets) wire.pauses.push({ read: Date.now(), retryAfterMs: retryAfter * 1000 })
        }
      })
    })
  }
  return req
}) as typeof Http.request

export const install = (origins: ReadonlyArray<string>) => {
  const watcher: Watcher = {
    hosts: origins.map((origin) => new URL(origin).host),
    wires: origins.map(() => ({ pauses: [], exchanges: [] }))
  }
  if (watchers.size === 0) {
    original = httpModule.request
    httpModule.request = patched
    syncBuiltinESMExports()
  }
  watchers.add(watcher)
  return {
    wires: watcher.wires as ReadonlyArray<Wire>,
    uninstall: () => {
      if (!watchers.delete(watcher) || watchers.size > 0) return
      httpModule.request = original!
      original = undefined
      syncBuiltinESMExports()
    }
  }
}
