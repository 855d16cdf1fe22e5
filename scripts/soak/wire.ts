/**
 * What the Promise API puts on the wire, seen from `globalThis.fetch` (which it sends through): when each
 * request left, and when the body of each 429 or 418 had been read (the earliest its gate can close).
 * Installed for the soak only; `uninstall` puts the real fetch back.
 */
export interface Pause {
  /** When the client had read the 429/418 body, ms. */
  readonly read: number
  readonly retryAfterMs: number
}

export interface Wire {
  readonly sends: ReadonlyArray<number>
  readonly pauses: ReadonlyArray<Pause>
}

export const install = (origins: ReadonlyArray<string>) => {
  const wires = origins.map(() => ({ sends: [] as Array<number>, pauses: [] as Array<Pause> }))
  const original = globalThis.fetch
  const side = (input: unknown) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : (input as Request).url
    return origins.findIndex((origin) => url.startsWith(origin))
  }
  globalThis.fetch = async (input, init) => {
    const wire = wires[side(input)]
    wire?.sends.push(Date.now())
    const response = await original(input, init)
    const retryAfter = Number(response.headers.get("retry-after"))
    if (wire !== undefined && (response.status === 429 || response.status === 418) && retryAfter > 0) {
      const text = response.text.bind(response)
      response.text = async () => {
        const body = await text()
        wire.pauses.push({ read: Date.now(), retryAfterMs: retryAfter * 1000 })
        return body
      }
    }
    return response
  }
  return {
    wires: wires as ReadonlyArray<Wire>,
    uninstall: () => {
      globalThis.fetch = original
    }
  }
}

/** Sends inside any of the pauses. */
export const sendsInPauses = (
  sends: ReadonlyArray<number>,
  pauses: ReadonlyArray<{ readonly from: number; readonly to: number }>
): number => sends.filter((t) => pauses.some((p) => t >= p.from && t < p.to)).length
