/**
 * The Portfolio Margin Pro user-data stream's life cycle, as a state machine that does no I/O: the edition feeds
 * it what happened (an HTTP answer, a socket opened, dropped or heard from, a text frame, time passing) and
 * carries out the actions it returns (send a listenKey request through the gate, connect, disconnect, ping,
 * emit an event). No Effect, no clock, no socket here.
 *
 * Rules:
 * - Every new connection is preceded by `POST /fapi/v1/listenKey` (weight 1): it returns the live key (and
 *   extends it) or a new one, so a reconnect never uses a key that died meanwhile.
 * - `PUT` every 30 minutes keeps the key alive (it lives 60). `-1125`, a `listenKeyExpired` event, or 60 minutes
 *   without a successful `PUT` mean the key is gone: POST a new one and connect to it.
 * - A drop emits `stream: down` (once) and reconnects after a back-off (1 s doubling to 60 s; back to 1 s after a
 *   connection that stayed up a minute). Binance cuts a connection after 24 h: at 23 h 30 min a new one is opened
 *   and the old one closed once the new one is up, without a `down`.
 * - Liveness: after 30 s without a frame a ping is asked for; after 60 s (the account update comes every 5 s, a
 *   pong answers a ping) the connection is taken for dead.
 * - `close` disconnects, DELETEs the key, then says `Closed`.
 */
import { type AccountEvent, decodeMessage, type RiskEvent, type StreamEvent } from "./events.js"

export const LISTEN_KEY_PATH = "/fapi/v1/listenKey"
export const COINM_LISTEN_KEY_PATH = "/dapi/v1/listenKey"
export const LISTEN_KEY_WEIGHT = 1
/** Binance's documented answer to a PUT for a key that is gone. */
export const UNKNOWN_LISTEN_KEY = -1125

export const TIMING = {
  keepAliveMs: 30 * 60_000,
  keyLifetimeMs: 60 * 60_000,
  /** Reconnect this long after a connection opened, before Binance's 24 h cut. */
  rolloverMs: 23.5 * 3_600_000,
  pingAfterMs: 30_000,
  silentMs: 60_000,
  /** A connection that does not open within this time has failed. */
  connectTimeoutMs: 30_000,
  reconnect: { firstMs: 1000, maxMs: 60_000 },
  /** A connection up this long resets the reconnect back-off. */
  stableMs: 60_000,
  /** A failed listenKey request is retried after 1 s, doubling, up to 5 min. */
  request: { firstMs: 1000, maxMs: 300_000 }
} as const

/** The stream's URL for a key: `wss://fstream.binance.com/pm-classic/ws/<listenKey>`. */
export const streamUrl = (wsBaseUrl: string, listenKey: string): string => `${wsBaseUrl}/pm-classic/ws/${listenKey}`

const LISTEN_KEY = /^[A-Za-z0-9]{1,256}$/

/** The key in a POST's answer `{"listenKey":"…"}`, or why there is none. */
export const decodeListenKey = (text: string): { readonly listenKey: string } | { readonly reason: string } => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { reason: "not JSON" }
  }
  const key = json === null ? undefined : (json as Record<string, unknown>).listenKey
  return typeof key === "string" && LISTEN_KEY.test(key)
    ? { listenKey: key }
    : { reason: "expected {\"listenKey\": \"…\"} with a key of letters and digits" }
}

export type Method = "POST" | "PUT" | "DELETE"

export type Action =
  /**
   * Send `<method> /fapi/v1/listenKey` (API key header only, weight 1) through the gate, and always report how it
   * ended with `answered` (a refusal of the gate or a timeout is a `Failed`): one request is in flight at a time.
   */
  | { readonly _tag: "Request"; readonly method: Method }
  | { readonly _tag: "Connect"; readonly id: number; readonly url: string }
  | { readonly _tag: "Disconnect"; readonly id: number }
  /** Send a ping frame if the transport can (a pong, like any frame, is reported with `heard`). */
  | { readonly _tag: "Ping"; readonly id: number }
  | { readonly _tag: "Emit"; readonly event: StreamEvent | AccountEvent | RiskEvent }
  /** A frame that could not be read: for a log line or a metric, nothing else. */
  | { readonly _tag: "Malformed"; readonly id: number; readonly reason: string }
  /** Closed: nothing is left open. */
  | { readonly _tag: "Closed" }

/** What a listenKey request came to: the body of a 2xx, or the failure (with Binance's code when there was one). */
export type Answer =
  | { readonly _tag: "Ok"; readonly body: string }
  | { readonly _tag: "Failed"; readonly reason: string; readonly code?: number | undefined }

interface Connection {
  readonly id: number
  readonly openedAt: number | undefined
  readonly since: number
  /** When a frame last came (or the connection opened). */
  readonly heardAt: number
  readonly pinged: boolean
}

/** The open connection events come from. */
type Active = Connection & { readonly openedAt: number }

/** The next connection: none needed, wanted from `at` on (a POST first, then a connect), or connecting. */
type Link =
  | { readonly _tag: "Ready" }
  | { readonly _tag: "Wanted"; readonly at: number }
  | { readonly _tag: "Connecting"; readonly connection: Connection }

export interface State {
  readonly wsBaseUrl: string
  readonly phase: "running" | "closing" | "closed"
  readonly key: string | undefined
  /** When the key was last created or extended. */
  readonly keyAt: number
  readonly request: Method | undefined
  readonly requestFailures: number
  readonly requestRetryAt: number
  readonly active: Active | undefined
  readonly link: Link
  /** Consecutive failed or short-lived connections, for the reconnect back-off. */
  readonly drops: number
  /** The last state emitted; undefined before the first. */
  readonly up: boolean | undefined
  readonly nextId: number
}

/** The state after an input, and what to do about it, in order. */
export type Step = readonly [State, ReadonlyArray<Action>]

const backoff = (policy: { readonly firstMs: number; readonly maxMs: number }, count: number): number =>
  Math.min(policy.maxMs, policy.firstMs * 2 ** (count - 1)) // Infinity past 2^1023: still the cap

const emit = (state: "up" | "down", reason?: string): Action => ({
  _tag: "Emit",
  event: reason === undefined ? { type: "stream", state } : { type: "stream", state, reason }
})

/** `down` once, the first time or after an `up`. */
const down = (state: State, reason: string, actions: Array<Action>): State => {
  if (state.up === false) return state
  actions.push(emit("down", reason))
  return { ...state, up: false }
}

/** The active connection is gone (dropped, silent, or its key expired): reconnect after the back-off. */
const lose = (state: State, reason: string, now: number, actions: Array<Action>): State => {
  const active = state.active!
  const stable = now - active.openedAt >= TIMING.stableMs
  const drops = stable ? 1 : state.drops + 1
  const next: State = {
    ...state,
    active: undefined,
    drops,
    link: state.link._tag === "Ready" ? { _tag: "Wanted", at: now + backoff(TIMING.reconnect, drops) } : state.link
  }
  return down(next, reason, actions)
}

/** The key is gone: forget it and connect anew at once (the open connection, on a dead key, is replaced). */
const keyGone = (state: State, actions: Array<Action>): State => {
  if (state.link._tag === "Connecting") actions.push({ _tag: "Disconnect", id: state.link.connection.id })
  return { ...state, key: undefined, link: { _tag: "Wanted", at: Number.NEGATIVE_INFINITY } }
}

const request = (state: State, method: Method, actions: Array<Action>): State => {
  actions.push({ _tag: "Request", method })
  return { ...state, request: method }
}

/** Whatever is due at `now`, given the state. */
const decide = (state: State, now: number, actions: Array<Action>): State => {
  let s = state
  if (s.phase === "closed") return s
  if (s.phase === "closing") {
    if (s.request !== undefined) return s
    if (s.key !== undefined) return request({ ...s, key: undefined }, "DELETE", actions)
    actions.push({ _tag: "Closed" })
    return { ...s, phase: "closed" }
  }
  const active = s.active
  if (active !== undefined) {
    if (now - active.heardAt >= TIMING.silentMs) {
      actions.push({ _tag: "Disconnect", id: active.id })
      s = lose(s, `no frame for ${TIMING.silentMs / 1000} s`, now, actions)
    } else if (now - active.heardAt >= TIMING.pingAfterMs && !active.pinged) {
      actions.push({ _tag: "Ping", id: active.id })
      s = { ...s, active: { ...active, pinged: true } }
    }
    if (s.active !== undefined && s.link._tag === "Ready" && now - s.active.openedAt >= TIMING.rolloverMs) {
      s = { ...s, link: { _tag: "Wanted", at: now } }
    }
  }
  if (s.link._tag === "Connecting" && now - s.link.connection.since >= TIMING.connectTimeoutMs) {
    actions.push({ _tag: "Disconnect", id: s.link.connection.id })
    s = failedToConnect(s, now, "the connection did not open", actions)
  }
  if (s.key !== undefined && now - s.keyAt >= TIMING.keyLifetimeMs) s = keyGone(s, actions)
  if (s.request !== undefined || now < s.requestRetryAt) return s
  // The link stays wanted while its POST is in flight: the answer makes it connect.
  if (s.link._tag === "Wanted" && now >= s.link.at) return request(s, "POST", actions)
  if (s.key !== undefined && now - s.keyAt >= TIMING.keepAliveMs) return request(s, "PUT", actions)
  return s
}

const failedToConnect = (state: State, now: number, reason: string, actions: Array<Action>): State => {
  const drops = state.drops + 1
  const next: State = { ...state, drops, link: { _tag: "Wanted", at: now + backoff(TIMING.reconnect, drops) } }
  return state.active === undefined ? down(next, reason, actions) : next
}

/** Applies an input, then whatever is due at `now`. */
const run = (now: number, f: (actions: Array<Action>) => State): Step => {
  const actions: Array<Action> = []
  const next = decide(f(actions), now, actions)
  return [next, actions]
}

/** Starts the stream: a POST for a key, then a connection. */
export const start = (wsBaseUrl: string, now: number): Step => {
  const state: State = {
    wsBaseUrl,
    phase: "running",
    key: undefined,
    keyAt: Number.NEGATIVE_INFINITY,
    request: undefined,
    requestFailures: 0,
    requestRetryAt: Number.NEGATIVE_INFINITY,
    active: undefined,
    link: { _tag: "Wanted", at: now },
    drops: 0,
    up: undefined,
    nextId: 1
  }
  return run(now, () => state)
}

/** Time passed: whatever is due now. */
export const tick = (state: State, now: number): Step => run(now, () => state)

/** The answer to the listenKey request in flight. An answer when none is in flight changes nothing. */
export const answered = (state: State, answer: Answer, now: number): Step => {
  const method = state.request
  if (method === undefined) return [state, []]
  return run(now, (actions) => {
    const s: State = { ...state, request: undefined }
    const decoded = answer._tag === "Ok" && method === "POST" ? decodeListenKey(answer.body) : undefined
    if (answer._tag === "Ok" && (decoded === undefined || "listenKey" in decoded)) {
      const ok: State = { ...s, keyAt: now, requestFailures: 0, requestRetryAt: Number.NEGATIVE_INFINITY }
      if (decoded === undefined) return ok // a PUT
      if (s.phase !== "running") return { ...ok, key: decoded.listenKey }
      const id = s.nextId
      actions.push({ _tag: "Connect", id, url: streamUrl(s.wsBaseUrl, decoded.listenKey) })
      return {
        ...ok,
        key: decoded.listenKey,
        nextId: id + 1,
        link: { _tag: "Connecting", connection: { id, openedAt: undefined, since: now, heardAt: now, pinged: false } }
      }
    }
    const reason = answer._tag === "Failed" ? answer.reason : `listenKey: ${(decoded as { reason: string }).reason}`
    if (s.phase !== "running") return s
    const code = answer._tag === "Failed" ? answer.code : undefined
    if (method === "PUT" && code === UNKNOWN_LISTEN_KEY) return keyGone(s, actions)
    const failures = s.requestFailures + 1
    const retried: State = {
      ...s,
      requestFailures: failures,
      // A failed POST leaves the link wanted: it is sent again after the back-off.
      requestRetryAt: now + backoff(TIMING.request, failures)
    }
    return retried.active === undefined ? down(retried, reason, actions) : retried
  })
}

/**
 * A connection opened. A replacement takes over from the connection it replaces, which is closed; one no longer
 * wanted (replaced meanwhile, or opened after `close`) is closed.
 */
export const opened = (state: State, id: number, now: number): Step => {
  // `close` leaves no connection wanted, so this covers a connection opening after it too.
  if (state.link._tag !== "Connecting" || state.link.connection.id !== id) {
    return [state, state.active?.id === id ? [] : [{ _tag: "Disconnect", id }]]
  }
  const connection = state.link.connection
  return run(now, (actions) => {
    if (state.active !== undefined) actions.push({ _tag: "Disconnect", id: state.active.id })
    if (state.up !== true) actions.push(emit("up"))
    return {
      ...state,
      active: { ...connection, openedAt: now, heardAt: now },
      link: { _tag: "Ready" },
      up: true
    }
  })
}

/** A connection closed or failed. One this machine closed itself, or already forgot, changes nothing. */
export const dropped = (state: State, id: number, reason: string, now: number): Step => {
  // After `close` there is neither an active nor a wanted connection: nothing to do.
  if (state.active?.id === id) return run(now, (actions) => lose(state, reason, now, actions))
  if (state.link._tag === "Connecting" && state.link.connection.id === id) {
    return run(now, (actions) => failedToConnect(state, now, reason, actions))
  }
  return [state, []]
}

/** A ping or pong frame, or any sign of life, on a connection. */
export const heard = (state: State, id: number, now: number): Step => {
  if (state.active?.id !== id) return [state, []]
  return run(now, () => ({ ...state, active: { ...state.active!, heardAt: now, pinged: false } }))
}

/** A text frame. Account and risk events are emitted; `listenKeyExpired` replaces the key and the connection. */
export const received = (state: State, id: number, text: string, now: number): Step => {
  const active = state.active
  if (active?.id !== id) return [state, []]
  return run(now, (actions) => {
    const s: State = { ...state, active: { ...active, heardAt: now, pinged: false } }
    const message = decodeMessage(text, now)
    switch (message._tag) {
      case "Account":
      case "Risk":
        actions.push({ _tag: "Emit", event: message.event })
        return s
      case "Malformed":
        actions.push({ _tag: "Malformed", id, reason: message.reason })
        return s
      case "ListenKeyExpired": {
        actions.push({ _tag: "Disconnect", id })
        const lost = lose(s, "listenKey expired", now, actions)
        return keyGone(lost, actions)
      }
      case "Other":
        return s
    }
  })
}

/** Closes everything: the connections, then the key (DELETE), then `Closed`. */
export const close = (state: State, now: number): Step => {
  if (state.phase !== "running") return [state, []]
  return run(now, (actions) => {
    if (state.active !== undefined) actions.push({ _tag: "Disconnect", id: state.active.id })
    if (state.link._tag === "Connecting") actions.push({ _tag: "Disconnect", id: state.link.connection.id })
    const s = down(state, "closed", actions)
    return { ...s, phase: "closing", active: undefined, link: { _tag: "Ready" } }
  })
}

/** When the machine next has something to do if nothing happens before: call `tick` then. */
export const wakeAt = (state: State): number | undefined => {
  if (state.phase !== "running") return undefined
  const times: Array<number> = []
  const active = state.active
  if (active !== undefined) {
    times.push(active.heardAt + (active.pinged ? TIMING.silentMs : TIMING.pingAfterMs))
    if (state.link._tag === "Ready") times.push(active.openedAt! + TIMING.rolloverMs)
  }
  if (state.link._tag === "Connecting") times.push(state.link.connection.since + TIMING.connectTimeoutMs)
  if (state.key !== undefined) times.push(state.keyAt + TIMING.keyLifetimeMs)
  if (state.request === undefined) {
    const requests: Array<number> = []
    if (state.link._tag === "Wanted") requests.push(state.link.at)
    if (state.key !== undefined) requests.push(state.keyAt + TIMING.keepAliveMs)
    times.push(Math.max(state.requestRetryAt, Math.min(...requests))) // Infinity when none: harmless
  }
  return times.length === 0 ? undefined : Math.min(...times)
}
