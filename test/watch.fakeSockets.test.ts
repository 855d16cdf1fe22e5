// The fake's stream transports and service operations as plain code (src/internal/core/fake/streamSockets.ts and
// service.ts), shared by both editions: in-memory sockets accepted a turn after construction, frames delivered by
// the pump's turn, the served side's refusal without `ws`, building the service and which exchange call each
// operation makes.
import { describe, expect, it } from "@effect/vitest"
import * as Exchange from "../src/internal/core/fake/exchange.js"
import * as ListenKeys from "../src/internal/core/fake/listenKeys.js"
import type { AccountState } from "../src/internal/core/fake/rules.js"
import * as Service from "../src/internal/core/fake/service.js"
import * as Sockets from "../src/internal/core/fake/streamSockets.js"
import * as UserStream from "../src/internal/core/fake/userStream.js"
import { WeightGate } from "../src/internal/core/fake/weight.js"

const API_KEY = "api-key-1"
const accounts: ReadonlyMap<string, AccountState> = new Map([
  [API_KEY, { verifier: { kind: "hmac", verify: () => true }, assets: new Map(), portfolioMargin: true } as never]
])

const world = () => {
  const keys = new ListenKeys.ListenKeys()
  const answer = ListenKeys.decide(
    { method: "POST", path: "/fapi/v1/listenKey", rawQuery: "", headers: { "x-mbx-apikey": API_KEY } },
    0,
    new WeightGate(2400),
    { accounts, keys, ip: "127.0.0.1" }
  )
  const key = (JSON.parse(answer.body) as { listenKey: string }).listenKey
  return { key, rules: new UserStream.UserStream(keys) }
}

const listen = (socket: EventTarget) => {
  const heard: Array<string> = []
  for (const type of ["open", "message", "close"]) {
    socket.addEventListener(type, (event) => {
      const e = event as Event & { data?: string; code?: number }
      heard.push(type === "message" ? `message ${e.data}` : type === "close" ? `close ${e.code}` : type)
    })
  }
  return heard
}

describe("core/fake/streamSockets", () => {
  it("in memory: a socket opens at the pump's next turn, gets its frames, and a bad path ends it with 1006", () => {
    const { key, rules } = world()
    let rung = 0
    const sockets = Sockets.inMemory(rules, () => rung++)
    const good = sockets.construct(`wss://anywhere.test/pm-classic/ws/${key}`)
    const bad = sockets.construct("wss://anywhere.test/pm-classic/ws/nope")
    const [heardGood, heardBad] = [listen(good), listen(bad)]
    expect([rung, good.readyState]).toEqual([2, 0])
    sockets.accept(0)
    expect(heardGood).toEqual(["open"])
    expect(heardBad).toEqual(["close 1006"])
    rules.setAccount(API_KEY, {
      uniMMR: "1",
      accountEquity: "1",
      actualEquity: "1",
      initialMargin: "0",
      maintenanceMargin: "0",
      availableBalance: "1",
      virtualMaxWithdrawUSD: "1"
    }, 0)
    const sleep = Sockets.turn(rules, 5_000, sockets.deliver, undefined)
    expect(heardGood[1]).toMatch(/^message .*PM_PRO_ACCOUNT_UPDATE/)
    expect(sleep).toBeGreaterThan(0)
    expect(Sockets.turn(rules, 5_000, sockets.deliver, 100)).toBe(100)
    // The client's close tells the rules; the fake's end cuts what is still open, without a close frame.
    expect(rules.open()).toEqual([good.id])
    good.close()
    expect(rules.open()).toEqual([])
    const other = sockets.construct(`wss://anywhere.test/pm-classic/ws/${key}`)
    const heardOther = listen(other)
    sockets.accept(5_000)
    sockets.close()
    expect(heardOther).toEqual(["open", "close 1006"])
  })

  it("the pump's turn: accept first, at the fake's server time (clock + skew), then the frames due and the sleep", () => {
    const exchange = Exchange.make({ serverSkewMillis: 1_000 }, (s) => s)
    if (typeof exchange === "string") throw new Error(exchange)
    const seen: Array<string> = []
    const sockets = { accept: (now: number) => void seen.push(`accept ${now}`), deliver: () => {}, close: () => {} }
    expect(Sockets.pumpTurn(exchange, sockets, 500)).toBeUndefined()
    expect(Sockets.pumpTurn(exchange, { ...sockets, maxSleepMs: 250 }, 600)).toBe(250)
    expect(seen).toEqual(["accept 1500", "accept 1600"])
  })

  it("served without the ws package: an upgrade is refused with a 501 that says so", async () => {
    const loaded = await Sockets.loadWs(() => Promise.reject(new Error("Cannot find package 'ws'")))
    const { rules } = world()
    const served = Sockets.served(rules, loaded, () => {}, () => 0)
    let written = ""
    const socket = { on: () => socket, end: (text: string) => void (written = text) }
    served.onUpgrade({ url: "/pm-classic/ws/x" } as never, socket as never, Buffer.alloc(0))
    expect(written).toMatch(/^HTTP\/1.1 501 Not Implemented\r\n/)
    expect(written).toContain("FakeBinance needs the ws package to serve WebSocket: Cannot find package 'ws'")
    served.close()
  })
})

describe("core/fake/service", () => {
  it("make: bad options are the problem, good ones an unserved service over the exchange", () => {
    const wire = () => ({ handle: () => "handled", attempt: () => "step", sync: () => "sync", countAt: () => "count" })
    expect(Service.make({ weightLimit: 0 }, (s) => s, wire)).toBe("weightLimit must be a positive integer")
    const made = Service.make({}, (s) => s, wire)
    if (typeof made === "string") throw new Error(made)
    expect([made.service.baseUrl, made.service.handle({ method: "GET", url: "/", headers: {} })]).toEqual([
      undefined,
      "handled"
    ])
    expect([made.service.addAccount({ apiKey: "k", hmacSecret: "s" }), made.streamChanged.size]).toEqual(["step", 0])
    expect(made.exchange.serverTime(5)).toBe(5)
  })

  it("each operation makes its exchange call when run; a scripting call rings only when it succeeded", () => {
    const exchange = Exchange.make({}, (s) => s)
    if (typeof exchange === "string") throw new Error(exchange)
    let rung = 0
    const now = 1_000
    const run = <A>(f: () => A) => f
    const ops = Service.operations(exchange, new Set([() => void rung++]), {
      attempt: (f) => () => f(now),
      sync: run,
      countAt: (f) => () => f(now)
    })
    expect(ops.serverTime()).toBe(1_000)
    expect(ops.setServerSkew(250)()).toBeUndefined()
    expect(exchange.serverTime(0)).toBe(250)
    expect(ops.requestCount()).toBe(0)
    expect(ops.dropStream()()).toBeUndefined()
    expect(rung).toBe(1)
    expect(typeof ops.pushStreamEvent(1n)()).toBe("string")
    expect(rung).toBe(1)
    expect(ops.streamConnections()).toBe(0)
  })
})
