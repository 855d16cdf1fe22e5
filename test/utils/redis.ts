// Where the Redis tests find a Redis: REDIS_URL if set, else a redis-server of their own if one is on the PATH,
// else nowhere: the tests that need it are still registered, and show as skipped with the reason in their title.
import * as ChildProcess from "node:child_process"
import * as Net from "node:net"

export interface RedisServer {
  readonly url: string
  readonly port: number
  readonly origin: "REDIS_URL" | "redis-server"
  readonly stop: () => Promise<void>
}

export const NOT_RUN_MESSAGE = [
  "Redis tests did not run: REDIS_URL is not set and redis-server is not on the PATH.",
  "Run them with a Redis: `REDIS_URL=redis://127.0.0.1:6379 npm test` (or install redis-server)."
].join(" ")

/** The reason, short enough for a test title. */
export const NOT_RUN_REASON = "skipped: no Redis (REDIS_URL is not set and redis-server is not on the PATH)"

/**
 * A title for a `describe.skipIf(!server)` of Redis specs: where the Redis came from, or why they are skipped.
 * The specs stay registered either way, so a run without Redis lists them as skipped instead of dropping them.
 */
export const redisTitle = (name: string, server: RedisServer | undefined): string =>
  server === undefined ? `${name} — ${NOT_RUN_REASON}` : `${name} (${server.origin})`

/** A TCP port nothing listens on (it was free a moment ago). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = Net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as Net.AddressInfo
      server.close(() => resolve(port))
    })
  })

const onPath = (command: string): boolean =>
  ChildProcess.spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0

const spawnServer = async (): Promise<RedisServer> => {
  const port = await freePort()
  const child = ChildProcess.spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "pipe"] }
  )
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("redis-server did not start within 5 s")), 5_000)
    child.once("error", reject)
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("Ready to accept connections")) {
        clearTimeout(timer)
        resolve()
      }
    })
  })
  child.stdout.resume()
  child.stderr.resume()
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    origin: "redis-server",
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once("exit", () => resolve())
        child.kill("SIGTERM")
      })
  }
}

/** Finds or starts a Redis; `undefined` (after printing how to run them) when there is none. */
export const startRedis = async (): Promise<RedisServer | undefined> => {
  const fromEnv = process.env["REDIS_URL"]
  if (fromEnv !== undefined && fromEnv !== "") {
    const url = new URL(fromEnv)
    return { url: fromEnv, port: Number(url.port || 6379), origin: "REDIS_URL", stop: () => Promise.resolve() }
  }
  if (onPath("redis-server")) return spawnServer()
  console.warn(NOT_RUN_MESSAGE)
  return undefined
}

/**
 * A TCP relay to `target` that can be taken down and brought back, to play "Redis went away", or stalled (bytes
 * held, in order, until `flow`), to play "Redis is slow".
 */
export const tcpProxy = async (target: number) => {
  const port = await freePort()
  const sockets = new Set<Net.Socket>()
  let server: Net.Server | undefined
  let stalled = false
  const held: Array<() => void> = []
  const relay = (from: Net.Socket, to: Net.Socket) =>
    from.on("data", (chunk) => stalled ? held.push(() => to.write(chunk)) : to.write(chunk))
  const up = () =>
    new Promise<void>((resolve, reject) => {
      server = Net.createServer((client) => {
        const upstream = Net.connect(target, "127.0.0.1")
        for (const s of [client, upstream]) {
          sockets.add(s)
          s.on("close", () => sockets.delete(s))
          s.on("error", () => s.destroy())
        }
        relay(client, upstream)
        relay(upstream, client)
        client.on("close", () => upstream.destroy())
        upstream.on("close", () => client.destroy())
      })
      server.once("error", reject)
      server.listen(port, "127.0.0.1", () => resolve())
    })
  const down = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy()
      if (server === undefined) return resolve()
      server.close(() => resolve())
      server = undefined
    })
  const stall = () => {
    stalled = true
  }
  const flow = () => {
    stalled = false
    for (const write of held.splice(0)) write()
  }
  await up()
  return { port, up, down, stall, flow }
}
