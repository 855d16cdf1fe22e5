// The fake's side of the watcher (src/internal/core/fake/listenKeys.ts and userStream.ts): the listenKey endpoints'
// rules, the scripted stream, and the stream machine of src/internal/core/watch/stream.ts driven against both in
// simulated time through the shared traces of test/cases/watchStream.ts.
import { describe, expect, it } from "@effect/vitest"
import * as ListenKeys from "../src/internal/core/fake/listenKeys.js"
import type { AccountState } from "../src/internal/core/fake/rules.js"
import * as UserStream from "../src/internal/core/fake/userStream.js"
import { WeightGate } from "../src/internal/core/fake/weight.js"
import * as Stream from "../src/internal/core/watch/stream.js"
import { figures, type StreamCase, streamCases, type TraceLine } from "./cases/watchStream.js"

const API_KEY = "api-key-1"
const accounts: ReadonlyMap<string, AccountState> = new Map([
  [API_KEY, { verifier: { kind: "hmac", verify: () => true }, assets: new Map(), portfolioMargin: true } as never]
])

const world = (weightLimit = 2400) => {
  const keys = new ListenKeys.ListenKeys()
  const gate = new WeightGate(weightLimit)
  const ask = (method: string, now: number, apiKey: string | null = API_KEY, path = "/fapi/v1/listenKey") =>
    ListenKeys.decide(
      { method, path, rawQuery: "", headers: apiKey === null ? {} : { "x-mbx-apikey": apiKey } },
      now,
      gate,
      { accounts, keys, ip: "127.0.0.1" }
    )
  return { keys, gate, ask, stream: new UserStream.UserStream(keys) }
}

const keyOf = (outcome: { readonly body: string }) => (JSON.parse(outcome.body) as { listenKey: string }).listenKey

describe("fake listenKey endpoints", () => {
  it("POST makes a 64-character key, weight 1; a POST while it is live returns it and extends it", () => {
    const { ask, gate, keys } = world()
    const first = ask("POST", 1000)
    expect(first).toMatchObject({ status: 200, verdict: "ok" })
    const key = keyOf(first)
    expect(key).toMatch(/^[0-9a-f]{64}$/)
    expect(gate.usedAt(1000)).toBe(1)
    expect(keyOf(ask("POST", 30 * 60_000))).toBe(key)
    // extended to 60 min after the second POST
    expect(keys.ownerOf(key, 90 * 60_000 - 1)).toBe(API_KEY)
    expect(keys.ownerOf(key, 90 * 60_000)).toBe(undefined)
    expect(keys.ownerOf("other", 1000)).toBe(undefined)
  })

  it("PUT extends the live key; after 60 min without one it is gone: -1125, and a POST makes a new key", () => {
    const { ask, keys } = world()
    const key = keyOf(ask("POST", 0))
    expect(keyOf(ask("PUT", 59 * 60_000))).toBe(key)
    expect(keys.ownerOf(key, 119 * 60_000 - 1)).toBe(API_KEY)
    const gone = ask("PUT", 119 * 60_000)
    expect(gone).toMatchObject({ status: 400, code: -1125, verdict: "-1125 listen-key-unknown" })
    expect(JSON.parse(gone.body)).toEqual({ code: -1125, msg: "This listenKey does not exist." })
    const next = keyOf(ask("POST", 119 * 60_000))
    expect(next).not.toBe(key)
    expect(next).toMatch(/^[0-9a-f]{64}$/)
  })

  it("DELETE closes the key; a second DELETE or a PUT then gets -1125", () => {
    const { ask, keys } = world()
    const key = keyOf(ask("POST", 0))
    expect(ask("DELETE", 10)).toMatchObject({ status: 200, body: "{}" })
    expect(keys.ownerOf(key, 10)).toBe(undefined)
    expect(ask("DELETE", 20)).toMatchObject({ status: 400, code: -1125 })
    expect(ask("PUT", 20)).toMatchObject({ status: 400, code: -1125 })
  })

  it("the API key is checked after the weight: missing -2014, unknown -2015; COIN-M's path alike", () => {
    const { ask, gate } = world()
    expect(ask("POST", 0, null)).toMatchObject({ status: 401, code: -2014 })
    expect(ask("POST", 0, "")).toMatchObject({ status: 401, code: -2014 })
    expect(ask("POST", 0, "nobody")).toMatchObject({ status: 401, code: -2015 })
    expect(gate.usedAt(0)).toBe(3)
    expect(ask("POST", 0, API_KEY, "/dapi/v1/listenKey")).toMatchObject({ status: 200 })
    expect(ListenKeys.PATHS).toEqual(new Set(["/fapi/v1/listenKey", "/dapi/v1/listenKey"]))
  })

  it("other methods: 405 -5000, no weight; over the limit: 429; a ban: 418 before anything else", () => {
    const { ask, gate } = world(2)
    expect(ask("GET", 0)).toMatchObject({ status: 405, code: -5000 })
    expect(gate.usedAt(0)).toBe(0)
    ask("POST", 0)
    ask("POST", 0)
    const limited = ask("POST", 0)
    expect(limited).toMatchObject({ status: 429, code: -1003 })
    expect(limited.headers["retry-after"]).toBe("60")
    // Not waiting for the Retry-After earns a ban.
    const banned = ask("POST", 5000)
    expect(banned).toMatchObject({ status: 418, code: -1003 })
    expect(ask("GET", 6000)).toMatchObject({ status: 418 })
    expect(ask("PUT", 6000).headers["retry-after"]).toBe(String(Math.ceil((5000 + 120_000 - 6000) / 1000)))
  })
})

describe("fake user-data stream", () => {
  it("refuses a connection to a key that is not live, or to another path", () => {
    const { ask, stream } = world()
    const key = keyOf(ask("POST", 0))
    expect(stream.connect(`/pm-classic/ws/${key}`, 0)).toEqual({ _tag: "Accepted", id: 1 })
    for (const path of ["/pm-classic/ws/nope", `/ws/${key}`, "/pm-classic/ws/"]) {
      expect(stream.connect(path, 0)).toMatchObject({ _tag: "Refused", status: 400 })
    }
    expect(stream.connect(`/pm-classic/ws/${key}`, 60 * 60_000)).toMatchObject({ _tag: "Refused" })
  })

  it("pushes the account every 5 s once it has figures, pings every 3 min, and closes without a pong in 10", () => {
    const { ask, stream } = world()
    const key = keyOf(ask("POST", 0))
    stream.connect(`/pm-classic/ws/${key}`, 100)
    expect(stream.advance(60_000)).toEqual([])
    stream.setAccount(API_KEY, figures, 60_000)
    expect(stream.nextAt()).toBe(60_100)
    const pushed = stream.advance(70_100)
    expect(pushed.map((f) => f.at)).toEqual([60_100, 65_100, 70_100])
    expect(JSON.parse((pushed[0] as { text: string }).text)).toEqual({
      e: "PM_PRO_ACCOUNT_UPDATE",
      E: 60_100,
      u: "1.99999999",
      eq: "30.23416728",
      ae: "30.23416728",
      im: "20.6783833",
      mm: "15.11708371",
      avb: "3.98972738",
      vmw: "3.98972738"
    })
    stream.setAccount(API_KEY, undefined, 70_100)
    expect(stream.advance(180_099)).toEqual([])
    expect(stream.advance(180_100)).toEqual([{ _tag: "Ping", id: 1, at: 180_100 }])
    stream.pong(1)
    expect(stream.advance(900_100)).toEqual([2, 3, 4, 5].map((n) => ({ _tag: "Ping", id: 1, at: 100 + n * 180_000 })))
    // no pong since the ping at 360 100: closed 10 min after it
    expect(stream.advance(960_099)).toEqual([])
    expect(stream.advance(960_100)).toEqual([{ _tag: "Close", id: 1, at: 960_100, code: 1008, reason: "no pong" }])
    expect(stream.open()).toEqual([])
  })

  it("closes a connection after 24 h; scripted pushes, drops and expiry reach the account's connections", () => {
    const { ask, keys, stream } = world()
    const key = keyOf(ask("POST", 0))
    stream.connect(`/pm-classic/ws/${key}`, 0)
    expect(stream.addScript([{ _tag: "Push", at: 10, frame: { e: "x" } }, { _tag: "Push", at: 10, frame: "raw" }]))
      .toBe(undefined)
    expect(stream.addScript([{ _tag: "Nope", at: 1 } as never])).toMatch(/_tag Push, Drop or Expire/)
    expect(stream.addScript([{ _tag: "Drop", at: Number.NaN }])).toMatch(/finite `at`/)
    expect(stream.advance(10)).toEqual([
      { _tag: "Text", id: 1, at: 10, text: "{\"e\":\"x\"}" },
      { _tag: "Text", id: 1, at: 10, text: "raw" }
    ])
    stream.addScript([{ _tag: "Drop", at: 50, apiKey: "someone else" }, { _tag: "Drop", at: 60 }])
    expect(stream.advance(100)).toEqual([{ _tag: "Close", id: 1, at: 60, code: 1006, reason: "dropped" }])
    stream.connect(`/pm-classic/ws/${key}`, 200)
    stream.addScript([{ _tag: "Expire", at: 1000 }])
    expect(stream.advance(1000)).toEqual([
      { _tag: "Text", id: 2, at: 1000, text: JSON.stringify({ e: "listenKeyExpired", E: 1000, listenKey: key }) },
      { _tag: "Close", id: 2, at: 1000, code: 1000, reason: "listenKey expired" }
    ])
    expect(keys.ownerOf(key, 1000)).toBe(undefined)
    const next = keyOf(ask("POST", 2000))
    stream.connect(`/pm-classic/ws/${next}`, 2000)
    // keep the key alive and answer the pings (every 3 min) for a day
    for (let t = 2000; t < 2000 + 24 * 3_600_000; t += 180_000) {
      if ((t - 2000) % 1_800_000 === 0) ask("PUT", t)
      expect(stream.advance(t).filter((f) => f._tag !== "Ping")).toEqual([])
      stream.pong(3)
    }
    expect(stream.advance(2000 + 24 * 3_600_000).at(-1)).toEqual({
      _tag: "Close",
      id: 3,
      at: 2000 + 24 * 3_600_000,
      code: 1000,
      reason: "24 h"
    })
    stream.reset()
    expect(stream.nextAt()).toBe(undefined)
  })

  it("a key that runs out on its own is announced too", () => {
    const { ask, stream } = world()
    const key = keyOf(ask("POST", 0))
    stream.connect(`/pm-classic/ws/${key}`, 0)
    stream.disconnect(99) // not a connection: nothing happens
    for (let t = 180_000; t < 60 * 60_000; t += 180_000) {
      expect(stream.advance(t)).toEqual([{ _tag: "Ping", id: 1, at: t }])
      stream.pong(1)
    }
    const frames = stream.advance(60 * 60_000)
    expect(frames).toEqual([
      {
        _tag: "Text",
        id: 1,
        at: 3_600_000,
        text: JSON.stringify({ e: "listenKeyExpired", E: 3_600_000, listenKey: key })
      },
      { _tag: "Close", id: 1, at: 3_600_000, code: 1000, reason: "listenKey expired" }
    ])
  })
})

/** Drives the stream machine against the fake's rules: every answer and opening `latencyMs` after it was asked. */
const replay = (c: StreamCase) => {
  const { ask, stream } = world()
  if (c.figures !== undefined) stream.setAccount(API_KEY, c.figures, 0)
  stream.addScript(c.script)
  const trace: Array<TraceLine> = []
  let accountEvents = 0
  const pending: Array<{ readonly at: number; readonly run: (now: number) => Stream.Step }> = []
  const fakeIds = new Map<number, number>()
  const machineIds = new Map<number, number>()
  let [state, actions] = Stream.start("wss://fstream.binance.com", 0)
  let now = 0
  let closing = false
  const frames: Array<UserStream.Frame> = []
  for (;;) {
    for (const action of actions) {
      switch (action._tag) {
        case "Request": {
          trace.push({ at: now, what: action.method })
          const outcome = ask(action.method, now)
          const answer: Stream.Answer = outcome.status === 200
            ? { _tag: "Ok", body: outcome.body }
            : { _tag: "Failed", reason: outcome.verdict, code: outcome.code }
          pending.push({ at: now + c.latencyMs, run: (t) => Stream.answered(state, answer, t) })
          break
        }
        case "Connect": {
          trace.push({ at: now, what: "connect" })
          const connected = stream.connect(new URL(action.url).pathname, now)
          if (connected._tag === "Accepted") {
            fakeIds.set(action.id, connected.id)
            machineIds.set(connected.id, action.id)
          }
          pending.push({
            at: now + c.latencyMs,
            run: (t) =>
              connected._tag === "Accepted"
                ? Stream.opened(state, action.id, t)
                : Stream.dropped(state, action.id, "refused", t)
          })
          break
        }
        case "Disconnect":
          stream.disconnect(fakeIds.get(action.id) ?? -1)
          break
        case "Ping":
          if (c.canPing) pending.push({ at: now + c.latencyMs, run: (t) => Stream.heard(state, action.id, t) })
          break
        case "Emit":
          if (action.event.type === "account") accountEvents++
          else if (action.event.type === "risk") trace.push({ at: now, what: `risk: ${action.event.level}` })
          else {
            trace.push({
              at: now,
              what: action.event.state === "up" ? "up" : `down: ${action.event.reason}`
            })
          }
          break
        case "Malformed":
          trace.push({ at: now, what: "malformed" })
          break
        case "Closed":
          trace.push({ at: now, what: "closed" })
      }
    }
    actions = []
    if (state.phase === "closed") break
    const candidates = [
      frames.length > 0 ? now : Number.POSITIVE_INFINITY,
      Stream.wakeAt(state) ?? Number.POSITIVE_INFINITY,
      stream.nextAt() ?? Number.POSITIVE_INFINITY,
      ...pending.map((p) => p.at),
      c.closeAt !== undefined && !closing ? c.closeAt : Number.POSITIVE_INFINITY
    ]
    const next = Math.min(...candidates)
    if (next > c.until) break
    now = next
    // One input at a time: the stream's frames, then answers and openings, then the close, then the clock.
    frames.push(...stream.advance(now))
    const frame = frames.shift()
    const due = pending.findIndex((p) => p.at <= now)
    let step: Stream.Step
    if (frame !== undefined) {
      const id = machineIds.get(frame.id) ?? -1
      if (frame._tag === "Text") step = Stream.received(state, id, frame.text, now)
      else if (frame._tag === "Ping") {
        stream.pong(frame.id)
        step = Stream.heard(state, id, now)
      } else step = Stream.dropped(state, id, frame.reason, now)
    } else if (due !== -1) step = pending.splice(due, 1)[0]!.run(now)
    else if (c.closeAt === now && !closing) {
      closing = true
      step = Stream.close(state, now)
    } else step = Stream.tick(state, now)
    ;[state, actions] = step
  }
  return { trace, accountEvents }
}

describe("stream traces against the fake (test/cases/watchStream.ts)", () => {
  for (const c of streamCases) {
    it(c.name, () => {
      const { accountEvents, trace } = replay(c)
      expect(trace).toEqual(c.trace)
      if (c.accountEvents !== undefined) expect(accountEvents).toBe(c.accountEvents)
    })
  }
})
