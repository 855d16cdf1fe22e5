/** The root's loopback proxy and TLS relay (`test/utils/loopback.ts`), for the scope of a spec (Effect 4). */
import * as Effect from "effect/Effect"
import * as Loopback from "../../../test/utils/loopback.js"

export type { Seen } from "../../../test/utils/loopback.js"

export const serveProxy = (options: { readonly authorization?: string | undefined } = {}) =>
  Effect.acquireRelease(
    Effect.promise(() => Loopback.startProxy(options)),
    (served) => Effect.promise(() => Loopback.close(served))
  )

export const serveTlsRelay = (upstream: string, tls: { readonly cert: string; readonly key: string }) =>
  Effect.acquireRelease(
    Effect.promise(() => Loopback.startTlsRelay(upstream, tls)),
    (served) => Effect.promise(() => Loopback.close(served))
  )
