/**
 * One connection of the user-data stream over the platform's `Socket` (`Socket.makeWebSocket` with the constructor
 * chosen by `./webSocket.ts`): it reports the opening, each text frame and how it ended, and nothing else. Ending
 * it (interrupting it) closes the WebSocket with 1000.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Socket from "effect/socket/Socket"
import { describeCause } from "../core/responses.js"
import * as StreamRules from "../core/watch/stream.js"

/** @internal */
export interface Reports {
  readonly opened: () => void
  readonly text: (text: string) => void
  readonly dropped: (reason: string) => void
}

/** The Effect 3 edition's names for the same reasons: the `stream: down` event reads the same in both editions. */
const reasonName = (reason: Socket.SocketErrorReason): string => {
  switch (reason._tag) {
    case "SocketReadError":
      return "Read"
    case "SocketWriteError":
      return "Write"
    case "SocketOpenError":
      return reason.kind === "Timeout" ? "OpenTimeout" : "Open"
    case "SocketUpgradeError":
      return "Upgrade"
    case "SocketCloseError":
      return "Close"
  }
}

/**
 * Why a connection ended, for the `stream: down` event: with what the WebSocket said of it (a refused proxy tunnel
 * names the proxy's host and port only).
 */
const reasonOf = (cause: Cause.Cause<unknown>): string => {
  const failure = Cause.findErrorOption(cause)
  if (failure._tag === "None") return Cause.hasInterruptsOnly(cause) ? "disconnected" : "socket defect"
  const error = failure.value
  if (Socket.isSocketError(error)) {
    const reason = error.reason
    return reason._tag === "SocketCloseError"
      ? `closed (code ${reason.code}${reason.closeReason ? `: ${reason.closeReason}` : ""})`
      : `${reasonName(reason)}: ${describeCause(reason)}`
  }
  return String(error)
}

/** @internal */
export const connection = (
  url: string,
  make: Socket.WebSocketConstructor["Service"],
  reports: Reports
): Effect.Effect<void> =>
  Effect.scoped(Effect.gen(function*() {
    const socket = yield* Socket.makeWebSocket(url, { openTimeout: StreamRules.TIMING.connectTimeoutMs })
    // The reader is acquired once the WebSocket is open. Every close fails the pull: a drop to report, Binance's
    // clean ones (1000 at 24 h, after listenKeyExpired) included.
    const pull = yield* Socket.readerString(socket)
    reports.opened()
    while (true) {
      // Frame by frame, in order.
      for (const text of yield* pull) reports.text(text)
    }
  })).pipe(
    Effect.provideService(Socket.WebSocketConstructor, make),
    Effect.onExit((exit) => Effect.sync(() => reports.dropped(Exit.isSuccess(exit) ? "closed" : reasonOf(exit.cause)))),
    Effect.ignore
  )
