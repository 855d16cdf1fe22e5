/**
 * What the Promise API puts on the wire, seen from `node:http`'s `request` (its BinanceHttpClient sends through
 * it): when each request left, and when the body of each 429 or 418 had arrived (the earliest its gate can
 * close). Installed for the soak only; `uninstall` puts the real function back.
 */
import type * as Http from "node:http"
import { createRequire, syncBuiltinESMExports } from "node:module"

export interface Pause {
  /** When the client had the whole 429/418 body, ms. */
  readonly read: number
  readonly retryAfterMs: number
}

export interface Wire {
  readonly sends: ReadonlyArray<number>
  readonly pauses: ReadonlyArray<Pause>
}

// The CommonJS exports object of node:http; ESM importers see a change once it is synced.
const httpModule = createRequire(import.meta.url)("node:http") as typeof Http

export const install = (origins: ReadonlyArray<string>) => {
  const wires = origins.map(() => ({ sends: [] as Array<number>, pauses: [] as Array<Pause> }))
  const hosts = origins.map((origin) => new URL(origin).host)
  const original = httpModule.request
  const patched = ((...args: Parameters<typeof Http.request>) => {
    const first = args[0]
    const host = typeof first === "string" || first instanceof URL
      ? new URL(first).host
      : `${first.hostname ?? first.host}:${first.port}`
    const wire = wires[hosts.indexOf(host)]
    wire?.sends.push(Date.now())
    const req = (original as (...a: Parameters<typeof Http.request>) => Http.ClientRequest)(...args)
    if (wire !== undefined) {
      req.on("response", (response) => {
        const retryAfter = Number(response.headers["retry-after"])
        if ((response.statusCode === 429 || response.statusCode === 418) && retryAfter > 0) {
          response.on("end", () => wire.pauses.push({ read: Date.now(), retryAfterMs: retryAfter * 1000 }))
        }
      })
    }
    return req
  }) as typeof Http.request
  httpModule.request = patched
  syncBuiltinESMExports()
  return {
    wires: wires as ReadonlyArray<Wire>,
    uninstall: () => {
      httpModule.request = original
      syncBuiltinESMExports()
    }
  }
}

/** Sends inside any of the pauses. */
export const sendsInPauses = (
  sends: ReadonlyArray<number>,
  pauses: ReadonlyArray<{ readonly from: number; readonly to: number }>
): number => sends.filter((t) => pauses.some((p) => t >= p.from && t < p.to)).length
