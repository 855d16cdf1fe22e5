// The user-data stream's life cycle (src/internal/core/watch/stream.ts), shared by both editions: listenKey create,
// keep-alive, re-create on -1125 and listenKeyExpired, reconnect back-off, the 24 h roll-over, liveness, close.
import { describe, expect, it } from "@effect/vitest"
import * as Stream from "../src/internal/core/watch/stream.js"

const WS = "wss://fstream.binance.com"
const url = (key: string) => `${WS}/pm-classic/ws/${key}`
const ok = (key?: string): Stream.Answer => ({
  _tag: "Ok",
  body: key === undefined ? "{}" : JSON.stringify({ listenKey: key })
})
const failed = (code?: number): Stream.Answer => ({ _tag: "Failed", reason: "boom", code })
const MIN = 60_000
const ACCOUNT = JSON.stringify({
  e: "PM_PRO_ACCOUNT_UPDATE",
  E: 1_000,
  u: "1.99999999",
  eq: "30.23416728",
  ae: "30.23416728",
  im: "20.6783833",
  mm: "15.11708371",
  avb: "3.98972738",
  vmw: "3.98972738"
})

/** Runs a step and hands back its state, checking its actions. */
const expectStep = (step: readonly [Stream.State, ReadonlyArray<Stream.Action>], actions: ReadonlyArray<unknown>) => {
  expect(step[1]).toEqual(actions)
  return step[0]
}

/** Started at 0, key K1 at 50, connection 1 open at 80. */
const upAt80 = () => {
  let s = expectStep(Stream.start(WS, 0), [{ _tag: "Request", method: "POST" }])
  s = expectStep(Stream.answered(s, ok("K1"), 50), [{ _tag: "Connect", id: 1, url: url("K1") }])
  return expectStep(Stream.opened(s, 1, 80), [{ _tag: "Emit", event: { type: "stream", state: "up" } }])
}

/** Frames on connection `id` every 5 s from `from` to `until`, checking no action is asked for meanwhile. */
const frames = (state: Stream.State, id: number, from: number, until: number) => {
  let s = state
  for (let t = from; t <= until; t += 5000) s = expectStep(Stream.heard(s, id, t), [])
  return s
}

/**
 * Frames on connection `id` every 5 s, and ticks when the machine asks, from `from` until `until` (exclusive);
 * every listenKey request is answered at once with `answer`. Returns the state and the instant reached.
 */
const live = (state: Stream.State, id: number, from: number, until: number, answer: Stream.Answer = ok()) => {
  let s = state
  let now = from
  while (now < until) {
    for (const input of [Stream.heard, Stream.tick]) {
      const [next, actions] = input === Stream.tick ? Stream.tick(s, now) : Stream.heard(s, id, now)
      s = next
      if (actions.some((a) => a._tag === "Request")) s = Stream.answered(s, answer, now)[0]
    }
    now = Math.min(now + 5000, Stream.wakeAt(s)!)
  }
  return { state: s, now }
}

describe("stream: create and connect", () => {
  it("POSTs for a key, connects to /pm-classic/ws/<key>, says up once open", () => {
    const s = upAt80()
    expect(s.key).toBe("K1")
    // `up` has no reason at all (not an undefined one)
    expect(Stream.opened(Stream.answered(Stream.start(WS, 0)[0], ok("K1"), 5)[0], 1, 6)[1]).toStrictEqual([
      { _tag: "Emit", event: { type: "stream", state: "up" } }
    ])
    // Nothing to wait for while the first POST is in flight: its answer comes as an input.
    expect(Stream.wakeAt(Stream.start(WS, 0)[0])).toBe(undefined)
    // No connection yet: a frame or a sign of life for one changes nothing.
    const connecting = Stream.answered(Stream.start(WS, 0)[0], ok("K1"), 5)[0]
    expect(Stream.heard(connecting, 1, 6)).toEqual([connecting, []])
    expect(Stream.received(connecting, 1, "{}", 6)).toEqual([connecting, []])
    expect(Stream.streamUrl("ws://127.0.0.1:9", "abc")).toBe("ws://127.0.0.1:9/pm-classic/ws/abc")
  })

  it("a POST that fails says down once, and is retried after 1 s, 2 s, … up to 5 min", () => {
    let s = expectStep(Stream.start(WS, 0), [{ _tag: "Request", method: "POST" }])
    s = expectStep(Stream.answered(s, failed(-2015), 10), [
      { _tag: "Emit", event: { type: "stream", state: "down", reason: "boom" } }
    ])
    expect(Stream.wakeAt(s)).toBe(1010)
    expect(Stream.tick(s, 1009)[1]).toEqual([])
    s = expectStep(Stream.tick(s, 1010), [{ _tag: "Request", method: "POST" }])
    s = expectStep(Stream.answered(s, failed(), 1020), []) // down already said
    expect(Stream.wakeAt(s)).toBe(3020)
    const waits: Array<number> = []
    let now = 3020
    for (let i = 0; i < 10; i++) {
      s = expectStep(Stream.tick(s, now), [{ _tag: "Request", method: "POST" }])
      s = Stream.answered(s, failed(), now)[0]
      waits.push(Stream.wakeAt(s)! - now)
      now = Stream.wakeAt(s)!
    }
    expect(waits).toEqual([4000, 8000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000, 300_000])
  })

  it("a POST answered with something that is not a key is a failure", () => {
    let s = Stream.start(WS, 0)[0]
    s = expectStep(Stream.answered(s, { _tag: "Ok", body: "{\"listenKey\":\"a/b\"}" }, 10), [
      {
        _tag: "Emit",
        event: {
          type: "stream",
          state: "down",
          reason: "listenKey: expected {\"listenKey\": \"…\"} with a key of letters and digits"
        }
      }
    ])
    expect(Stream.wakeAt(s)).toBe(1010)
  })

  it("decodes a listenKey answer strictly", () => {
    expect(
      Stream.decodeListenKey("{\"listenKey\":\"pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1\"}")
    )
      .toEqual({ listenKey: "pqia91ma19a5s61cv6a81va65sdf19v8a65a1a5s61cv6a81va65sdf19v8a65a1" })
    expect(Stream.decodeListenKey("nope")).toEqual({ reason: "not JSON" })
    for (
      const body of ["null", "{}", "{\"listenKey\":\"\"}", "{\"listenKey\":5}", `{"listenKey":"${"a".repeat(257)}"}`]
    ) {
      expect(Stream.decodeListenKey(body)).toHaveProperty("reason")
    }
    expect(Stream.decodeListenKey(`{"listenKey":"${"a".repeat(256)}"}`)).toEqual({ listenKey: "a".repeat(256) })
  })

  it("an answer when no request is in flight changes nothing", () => {
    const s = upAt80()
    expect(Stream.answered(s, ok("K9"), 100)).toEqual([s, []])
  })
})

describe("stream: keep-alive", () => {
  it("PUTs 30 min after the key was made, then 30 min after each PUT", () => {
    let s = frames(upAt80(), 1, 5000, 30 * MIN + 40)
    expect(Stream.wakeAt(s)).toBe(30 * MIN + 50)
    expect(Stream.tick(s, 30 * MIN + 49)[1]).toEqual([])
    s = expectStep(Stream.tick(s, 30 * MIN + 50), [{ _tag: "Request", method: "PUT" }])
    // One request at a time: nothing more while the PUT is in flight.
    expect(Stream.tick(s, 30 * MIN + 60)[1]).toEqual([])
    s = expectStep(Stream.answered(s, ok(), 30 * MIN + 70), [])
    expect(s.keyAt).toBe(30 * MIN + 70)
    s = frames(s, 1, 30 * MIN + 5000, 60 * MIN + 69)
    expect(Stream.tick(s, 60 * MIN + 69)[1]).toEqual([])
    expect(Stream.tick(s, 60 * MIN + 70)[1]).toEqual([{ _tag: "Request", method: "PUT" }])
  })

  it("a PUT that fails otherwise is retried with back-off, and the connection stays up", () => {
    let s = frames(upAt80(), 1, 5000, 30 * MIN + 50)
    s = Stream.tick(s, 30 * MIN + 50)[0]
    s = expectStep(Stream.answered(s, failed(-1001), 30 * MIN + 60), [])
    expect(s.up).toBe(true)
    expect(Stream.wakeAt(s)).toBe(30 * MIN + 1060)
    expect(Stream.tick(s, 30 * MIN + 1060)[1]).toEqual([{ _tag: "Request", method: "PUT" }])
  })

  it("-1125 on a PUT: POST a new key, connect to it, then close the old connection (no down)", () => {
    let s = frames(upAt80(), 1, 5000, 30 * MIN + 50)
    s = Stream.tick(s, 30 * MIN + 50)[0]
    const t = 30 * MIN + 60
    s = expectStep(Stream.answered(s, failed(-1125), t), [{ _tag: "Request", method: "POST" }])
    s = expectStep(Stream.answered(s, ok("K2"), t + 10), [{ _tag: "Connect", id: 2, url: url("K2") }])
    s = expectStep(Stream.opened(s, 2, t + 20), [{ _tag: "Disconnect", id: 1 }])
    expect(s.active?.id).toBe(2)
    // The old connection's close is its own doing: nothing to say about it.
    expect(Stream.dropped(s, 1, "closed", t + 30)).toEqual([s, []])
  })

  it("60 min without a successful PUT: the key is taken for gone", () => {
    let s = frames(upAt80(), 1, 5000, 30 * MIN + 40)
    // PUTs failing for half an hour, each retry waiting longer
    const reached = live(s, 1, 30 * MIN + 50, 60 * MIN + 50, failed(-1001))
    expect(reached.now).toBe(60 * MIN + 50)
    s = reached.state
    expect(s.key).toBe("K1")
    expect(s.request).toBe(undefined)
    const [gone, actions] = Stream.tick(s, 60 * MIN + 50)
    expect(gone.key).toBe(undefined)
    expect(gone.link).toEqual({ _tag: "Wanted", at: Number.NEGATIVE_INFINITY })
    // The POST goes as soon as the listenKey requests' back-off allows; the old connection stays until then.
    expect(actions).toEqual([])
    expect(gone.requestRetryAt).toBeGreaterThan(60 * MIN + 50)
    expect(Stream.heard(gone, 1, gone.requestRetryAt - 1)[1]).toEqual([])
    expect(Stream.heard(gone, 1, gone.requestRetryAt)[1]).toEqual([{ _tag: "Request", method: "POST" }])
  })
})

describe("stream: -1125 elsewhere", () => {
  it("on a POST it is a failure like any other (back-off), not a lost key", () => {
    const s = Stream.start(WS, 0)[0]
    const [after, actions] = Stream.answered(s, failed(-1125), 10)
    expect(actions).toEqual([{ _tag: "Emit", event: { type: "stream", state: "down", reason: "boom" } }])
    expect(Stream.wakeAt(after)).toBe(1010)
  })

  it("on a PUT while a connection is opening: that connection is dropped and a new key made", () => {
    const connecting = Stream.answered(Stream.start(WS, 0)[0], ok("K1"), 10)[0]
    const s: Stream.State = { ...connecting, request: "PUT" }
    expect(Stream.answered(s, failed(-1125), 20)[1]).toEqual([
      { _tag: "Disconnect", id: 1 },
      { _tag: "Request", method: "POST" }
    ])
  })
})

describe("stream: listenKeyExpired", () => {
  it("disconnects, says down, POSTs at once and connects to the new key", () => {
    let s = upAt80()
    const expired = JSON.stringify({ e: "listenKeyExpired", E: 5000, listenKey: "K1" })
    s = expectStep(Stream.received(s, 1, expired, 5000), [
      { _tag: "Disconnect", id: 1 },
      { _tag: "Emit", event: { type: "stream", state: "down", reason: "listenKey expired" } },
      { _tag: "Request", method: "POST" }
    ])
    s = expectStep(Stream.answered(s, ok("K2"), 5010), [{ _tag: "Connect", id: 2, url: url("K2") }])
    s = expectStep(Stream.opened(s, 2, 5020), [{ _tag: "Emit", event: { type: "stream", state: "up" } }])
    expect(s.key).toBe("K2")
  })
})

describe("stream: drops and reconnects", () => {
  it("a drop says down and reconnects (POST, then connect) after 1 s, 2 s, 4 s while connections do not last", () => {
    let s = upAt80()
    s = expectStep(Stream.dropped(s, 1, "socket closed 1006", 1000), [
      { _tag: "Emit", event: { type: "stream", state: "down", reason: "socket closed 1006" } }
    ])
    expect(Stream.wakeAt(s)).toBe(2000)
    s = expectStep(Stream.tick(s, 2000), [{ _tag: "Request", method: "POST" }])
    s = expectStep(Stream.answered(s, ok("K1"), 2010), [{ _tag: "Connect", id: 2, url: url("K1") }])
    s = expectStep(Stream.opened(s, 2, 2020), [{ _tag: "Emit", event: { type: "stream", state: "up" } }])
    s = Stream.dropped(s, 2, "again", 3000)[0]
    expect(Stream.wakeAt(s)).toBe(5000)
    s = Stream.answered(Stream.tick(s, 5000)[0], ok("K1"), 5000)[0]
    // the connection fails to open: one more drop
    s = expectStep(Stream.dropped(s, 3, "refused", 5100), [])
    expect(Stream.wakeAt(s)).toBe(5100 + 4000)
  })

  it("a connection that stayed up a minute resets the back-off", () => {
    let s = upAt80()
    s = Stream.dropped(s, 1, "x", 1000)[0]
    s = Stream.answered(Stream.tick(s, 2000)[0], ok("K1"), 2000)[0]
    s = Stream.opened(s, 2, 2000)[0]
    s = frames(s, 2, 5000, 62_000)
    s = Stream.dropped(s, 2, "x", 62_000)[0]
    expect(Stream.wakeAt(s)).toBe(63_000)
    s = Stream.answered(Stream.tick(s, 63_000)[0], ok("K1"), 63_000)[0]
    s = Stream.opened(s, 3, 63_000)[0]
    s = frames(s, 3, 63_000, 122_999)
    s = Stream.dropped(s, 3, "x", 122_999)[0] // 59 999 ms: not stable
    expect(Stream.wakeAt(s)).toBe(122_999 + 2000)
  })

  it("reconnect back-off is capped at 60 s", () => {
    let s = upAt80()
    s = Stream.dropped(s, 1, "x", 1000)[0]
    const waits: Array<number> = []
    let now = 1000
    for (let i = 0; i < 8; i++) {
      const wake = Stream.wakeAt(s)!
      waits.push(wake - now)
      s = Stream.tick(s, wake)[0]
      s = Stream.answered(s, ok("K1"), wake)[0]
      now = wake
      s = Stream.dropped(s, s.nextId - 1, "refused", now)[0]
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000])
  })

  it("a connection that does not open within 30 s is given up and retried", () => {
    let s = Stream.answered(Stream.start(WS, 0)[0], ok("K1"), 0)[0]
    expect(Stream.wakeAt(s)).toBe(30_000)
    expect(Stream.tick(s, 29_999)[1]).toEqual([])
    s = expectStep(Stream.tick(s, 30_000), [
      { _tag: "Disconnect", id: 1 },
      { _tag: "Emit", event: { type: "stream", state: "down", reason: "the connection did not open" } }
    ])
    expect(Stream.wakeAt(s)).toBe(31_000)
    // It opens late: too late, it is closed.
    expect(Stream.opened(s, 1, 30_500)).toEqual([s, [{ _tag: "Disconnect", id: 1 }]])
    // Even while the next one is opening; and its drop is not the new one's.
    s = Stream.answered(Stream.tick(s, 31_000)[0], ok("K1"), 31_010)[0]
    expect(s.link).toMatchObject({ _tag: "Connecting", connection: { id: 2 } })
    expect(Stream.opened(s, 1, 31_020)).toEqual([s, [{ _tag: "Disconnect", id: 1 }]])
    expect(Stream.dropped(s, 1, "late", 31_020)).toEqual([s, []])
  })
})

describe("stream: liveness", () => {
  it("after 30 s of silence a ping is asked for, once; a pong keeps it up; 60 s of silence is a drop", () => {
    let s = upAt80()
    expect(Stream.wakeAt(s)).toBe(30_080)
    expect(Stream.tick(s, 30_079)[1]).toEqual([])
    s = expectStep(Stream.tick(s, 30_080), [{ _tag: "Ping", id: 1 }])
    expect(Stream.tick(s, 40_000)[1]).toEqual([])
    expect(Stream.wakeAt(s)).toBe(60_080)
    const ponged = Stream.heard(s, 1, 30_100)[0]
    expect(Stream.wakeAt(ponged)).toBe(60_100)
    expect(Stream.tick(s, 60_079)[1]).toEqual([])
    s = expectStep(Stream.tick(s, 60_080), [
      { _tag: "Disconnect", id: 1 },
      { _tag: "Emit", event: { type: "stream", state: "down", reason: "no frame for 60 s" } }
    ])
    expect(Stream.wakeAt(s)).toBe(61_080)
  })

  it("any text frame is a sign of life too", () => {
    const s = Stream.received(upAt80(), 1, ACCOUNT, 20_000)[0]
    expect(Stream.wakeAt(s)).toBe(50_000)
  })

  it("frames from a connection that is not the active one are ignored", () => {
    const s = upAt80()
    expect(Stream.received(s, 7, ACCOUNT, 100)).toEqual([s, []])
    expect(Stream.heard(s, 7, 100)).toEqual([s, []])
    expect(Stream.dropped(s, 7, "x", 100)).toEqual([s, []])
    expect(Stream.opened(s, 1, 100)).toEqual([s, []])
  })
})

describe("stream: events", () => {
  it("account and risk events are emitted; malformed frames are reported; other events ignored", () => {
    const s = upAt80()
    const [, account] = Stream.received(s, 1, ACCOUNT, 2000)
    expect(account).toEqual([{
      _tag: "Emit",
      event: {
        type: "account",
        at: 1000,
        uniMMR: "1.99999999",
        accountEquity: "30.23416728",
        actualEquity: "30.23416728",
        initialMargin: "20.6783833",
        maintenanceMargin: "15.11708371",
        availableBalance: "3.98972738",
        virtualMaxWithdrawUSD: "3.98972738"
      }
    }])
    const [, risk] = Stream.received(s, 1, "{\"e\":\"RISK_LEVEL_CHANGE\",\"E\":3,\"s\":\"REDUCE_ONLY\"}", 2000)
    expect(risk).toEqual([{ _tag: "Emit", event: { type: "risk", at: 3, level: "REDUCE_ONLY" } }])
    expect(Stream.received(s, 1, "{oops", 2000)[1]).toEqual([{ _tag: "Malformed", id: 1, reason: "not JSON" }])
    expect(Stream.received(s, 1, "{\"e\":\"ORDER_TRADE_UPDATE\"}", 2000)[1]).toEqual([])
  })
})

describe("stream: the 24 h cut", () => {
  it("at 23 h 30 min a new connection is made; the old one is closed once the new one is up, without a down", () => {
    const rollover = 80 + 23.5 * 3_600_000
    const reached = live(upAt80(), 1, 5000, rollover)
    expect(reached.now).toBe(rollover)
    let s = reached.state
    expect(Stream.tick(s, rollover - 1)[1]).toEqual([])
    s = expectStep(Stream.tick(s, rollover), [{ _tag: "Request", method: "POST" }])
    s = expectStep(Stream.answered(s, ok("K1"), rollover + 10), [{ _tag: "Connect", id: 2, url: url("K1") }])
    s = expectStep(Stream.opened(s, 2, rollover + 20), [{ _tag: "Disconnect", id: 1 }])
    expect(s.active).toMatchObject({ id: 2, openedAt: rollover + 20 })
    expect(s.up).toBe(true)
    // The next roll-over is 23 h 30 min after the new connection opened.
    const next = rollover + 20 + 23.5 * 3_600_000
    const later = live(s, 2, rollover + 20, next)
    expect([later.now, later.state.link._tag]).toEqual([next, "Ready"])
    expect(Stream.tick(later.state, next)[1]).toEqual([{ _tag: "Request", method: "POST" }])
  })

  it("a replacement that fails to open is retried with back-off, the old connection still up: no down", () => {
    const t = 80 + 23.5 * 3_600_000
    let s = live(upAt80(), 1, 5000, t).state
    s = Stream.answered(Stream.tick(s, t)[0], ok("K1"), t)[0]
    s = expectStep(Stream.dropped(s, 2, "refused", t + 5), [])
    expect(s.up).toBe(true)
    expect(s.link).toEqual({ _tag: "Wanted", at: t + 5 + 1000 })
  })

  it("if the old connection is cut before the new one opens, down then up", () => {
    const t = 80 + 23.5 * 3_600_000
    let s = live(upAt80(), 1, 5000, t).state
    s = Stream.tick(s, t)[0]
    s = Stream.answered(s, ok("K1"), t)[0]
    s = expectStep(Stream.dropped(s, 1, "24 h", t + 5), [
      { _tag: "Emit", event: { type: "stream", state: "down", reason: "24 h" } }
    ])
    expect(Stream.opened(s, 2, t + 10)[1]).toEqual([{ _tag: "Emit", event: { type: "stream", state: "up" } }])
  })
})

describe("stream: close", () => {
  it("disconnects, says down, DELETEs the key, then Closed; later inputs change nothing", () => {
    let s = upAt80()
    s = expectStep(Stream.close(s, 1000), [
      { _tag: "Disconnect", id: 1 },
      { _tag: "Emit", event: { type: "stream", state: "down", reason: "closed" } },
      { _tag: "Request", method: "DELETE" }
    ])
    expect(Stream.wakeAt(s)).toBe(undefined)
    s = expectStep(Stream.answered(s, failed(), 1010), [{ _tag: "Closed" }])
    expect(Stream.close(s, 1020)).toEqual([s, []])
    expect(Stream.tick(s, 99 * MIN)).toEqual([s, []])
    expect(Stream.dropped(s, 1, "x", 1020)).toEqual([s, []])
    expect(Stream.opened(s, 5, 1020)).toEqual([s, [{ _tag: "Disconnect", id: 5 }]])
  })

  it("while a POST is in flight: waits for it, then DELETEs the key it brought", () => {
    let s = Stream.start(WS, 0)[0]
    s = expectStep(Stream.close(s, 5), [{ _tag: "Emit", event: { type: "stream", state: "down", reason: "closed" } }])
    s = expectStep(Stream.answered(s, ok("K1"), 10), [{ _tag: "Request", method: "DELETE" }])
    expect(Stream.answered(s, ok(), 20)[1]).toEqual([{ _tag: "Closed" }])
  })

  it("without a key: Closed at once; a connection opening meanwhile is closed", () => {
    let s = Stream.answered(Stream.start(WS, 0)[0], failed(), 10)[0]
    s = expectStep(Stream.close(s, 20), [{ _tag: "Closed" }])
    expect(s.phase).toBe("closed")
    const connecting = Stream.answered(Stream.start(WS, 0)[0], ok("K1"), 10)[0]
    const [closing, actions] = Stream.close(connecting, 20)
    expect(actions).toEqual([
      { _tag: "Disconnect", id: 1 },
      { _tag: "Emit", event: { type: "stream", state: "down", reason: "closed" } },
      { _tag: "Request", method: "DELETE" }
    ])
    expect(Stream.opened(closing, 1, 30)[1]).toEqual([{ _tag: "Disconnect", id: 1 }])
  })
})
