// The keep-alive agents (src/internal/core/agents.ts), shared by both editions' BinanceHttpClient: their options'
// defaults and overrides, the tunnel through a proxy, and destroying both.
import { describe, expect, it } from "@effect/vitest"
import * as Http from "node:http"
import * as Https from "node:https"
import * as Agents from "../src/internal/core/agents.js"

describe("nodeAgentOptions", () => {
  it("keep sockets alive: 256 idle per origin at most, closed after 60 s idle, no cap on sockets", () => {
    expect(Agents.nodeAgentOptions({})).toEqual({ keepAlive: true, maxFreeSockets: 256, timeout: 60_000 })
  })

  it("take the given numbers, zero included, and agentOptions over everything", () => {
    expect(Agents.nodeAgentOptions({ maxSockets: 0, maxFreeSockets: 0, idleTimeoutMs: 0 })).toEqual({
      keepAlive: true,
      maxFreeSockets: 0,
      timeout: 0,
      maxSockets: 0
    })
    expect(Agents.nodeAgentOptions({ maxSockets: 8, agentOptions: { keepAlive: false, timeout: 5, ca: "pem" } }))
      .toEqual({ keepAlive: false, maxFreeSockets: 256, timeout: 5, maxSockets: 8, ca: "pem" })
  })
})

describe("makeNodeAgents", () => {
  it("builds an http and an https agent with those options", () => {
    const agents = Agents.makeNodeAgents({ maxFreeSockets: 3 })
    expect(agents.http).toBeInstanceOf(Http.Agent)
    expect(agents.https).toBeInstanceOf(Https.Agent)
    expect(agents.https.options).toMatchObject({ keepAlive: true, maxFreeSockets: 3, timeout: 60_000 })
    expect(agents.http.maxFreeSockets).toBe(3)
    expect(agents.https.createConnection).toBe(Https.Agent.prototype.createConnection)
    Agents.destroyNodeAgents(agents)
  })

  it("through a proxy, the https agent tunnels; credentials are not asked for until a connection opens", () => {
    let asked = 0
    const agents = Agents.makeNodeAgents({}, {
      address: { hostname: "127.0.0.1", port: 3128, host: "127.0.0.1:3128" },
      authorization: () => {
        asked++
        return undefined
      }
    })
    expect(agents.https.createConnection).not.toBe(Https.Agent.prototype.createConnection)
    expect(agents.http.createConnection).toBe(Http.Agent.prototype.createConnection)
    expect(asked).toBe(0)
    Agents.destroyNodeAgents(agents)
  })
})

describe("destroyNodeAgents", () => {
  it("destroys both agents", () => {
    const agents = Agents.makeNodeAgents({})
    const destroyed: Array<string> = []
    agents.http.destroy = () => destroyed.push("http")
    agents.https.destroy = () => destroyed.push("https")
    Agents.destroyNodeAgents(agents)
    expect(destroyed.sort()).toEqual(["http", "https"])
  })
})

describe("a client's proxy and agents, in any edition's secrets", () => {
  interface Box {
    readonly held: string
  }
  const hold = (text: string): Box => ({ held: text })
  const reveal = (box: Box) => box.held

  it("checkProxy holds the credentials as a secret, and refuses as checkProxyUrl does", () => {
    expect(Agents.checkProxy("http://u:p@proxy.test:3128", hold)).toEqual({
      hostname: "proxy.test",
      port: 3128,
      host: "proxy.test:3128",
      authorization: { held: `Basic ${Buffer.from("u:p").toString("base64")}` }
    })
    expect(Agents.checkProxy("http://proxy.test", hold)).toMatchObject({ port: 80, authorization: undefined })
    expect(Agents.checkProxy("socks5://proxy.test", hold)).toMatchObject({ field: "proxy" })
  })

  it("authorizationOf reveals the credentials only when asked, and gives none without them", () => {
    let revealed = 0
    const authorization = Agents.authorizationOf({ authorization: hold("Basic x") }, (box) => {
      revealed++
      return box.held
    })
    expect(revealed).toBe(0)
    expect(authorization()).toBe("Basic x")
    expect(revealed).toBe(1)
    expect(Agents.authorizationOf({ authorization: undefined }, reveal)()).toBeUndefined()
    expect(Agents.authorizationOf(undefined, reveal)()).toBeUndefined()
  })

  it("makeClientAgents keeps the proxy on the agents and tunnels through it; without one, plain agents", () => {
    const plain = Agents.makeClientAgents<Box>({}, undefined, reveal)
    expect(plain.proxy).toBeUndefined()
    expect(plain.https).toBeInstanceOf(Https.Agent)
    const proxy = Agents.checkProxy("http://proxy.test:3128", hold) as Agents.Proxy<Box>
    const tunnelled = Agents.makeClientAgents({}, proxy, reveal)
    expect(tunnelled.proxy).toBe(proxy)
    expect(plain.https.createConnection).toBe(Https.Agent.prototype.createConnection)
    expect(tunnelled.https.createConnection).not.toBe(Https.Agent.prototype.createConnection)
    Agents.destroyNodeAgents(plain)
    Agents.destroyNodeAgents(tunnelled)
  })
})
