/**
 * One connection of the user-data stream over the platform's `Socket` (`Socket.makeWebSocket` with the constructor
 * chosen by `./webSocket.ts`): it reports the opening, each text frame and how it ended, and nothing else. Ending
 * it (interrupting it) closes the WebSocket with 1000.
 */
import * as Socket from "@effect/platform/Socket"
import * as Cause from "effect/Cause"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { describeCause } from "../core/responses.js"
import * as StreamRules from "../core/watch/stream.js"

/** @internal */
export interface Reports {
  readonly opened: () => void
  readonly text: (text: string) => void
  readonly dropped: (reason: string) => void
}

const decoder = new TextDecoder()

/**
 * Why a connection ended, for the `stream: down` event: with what the WebSocket said of it (a refused proxy tunnel
 * names the proxy's host and port only).
 */
const reasonOf = (cause: Cause.Cause<unknown>): string => {
  const failure = Cause.failureOption(cause)
  if (failure._tag === "None") return Cause.isInterruptedOnly(cause) ? "disconnected" : "socket defect"
  const error = failure.value
  if (Socket.isSocketError(error)) {
    return error.reason === "Close"
      ? `closed (code ${error.code}${error.closeReason ? `: ${error.closeReason}` : ""})`
      : `${error.reason}: ${describeCause(error)}`
  }
  return String(error)
}

/** @internal */
export const connection = (
  url: string,
  make: Context.Tag.Service<typeof Socket.WebSocketConstructor>,
  reports: Reports
): Effect.Effect<void> =>
  Effect.scoped(Effect.flatMap(
    // Every close is a drop to report, Binance's clean ones (1000 at 24 h, after listenKeyExpired) included.
    Socket.makeWebSocket(url, { openTimeout: StreamRules.TIMING.connectTimeoutMs, closeCodeIsError: () => true }),
    (socket) =>
      socket.runRaw(
        // Called synchronously, frame by frame: the order is kept.
        (data) => reports.text(typeof data === "string" ? data : decoder.decode(data)),
        { onOpen: Effect.sync(reports.opened) }
      )
  )).pipe(
    Effect.provideService(Socket.WebSocketConstructor, make),
    Effect.onExit((exit) => Effect.sync(() => reports.dropped(Exit.isSuccess(exit) ? "closed" : reasonOf(exit.cause)))),
    Effect.ignore
  )
