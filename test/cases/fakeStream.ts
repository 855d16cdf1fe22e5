// The fake's listenKey endpoints and the served fake's user-data stream: real HTTP and WebSocket over loopback,
// real clock. No Effect here: each case runs against an edition's served fake (`FakeBinance.start`), running its
// scripting calls with the edition's runner, and returns what it saw; test/FakeBinance.ws.test.ts (Effect 3) and
// effect4/test/FakeBinance.ws.test.ts (Effect 4) compare it with `expected`.
import { WebSocket } from "ws"
import type { Account, FakeResponse, ServeOptions, UserStreamShape } from "../../src/internal/core/fake/model.js"
import { figures } from "./watchStream.js"

/** What a case uses of an edition: its served fake, and how to run what the fake's calls return. */
export interface StreamEdition<Step, Count, Handled> {
  readonly start: (options?: ServeOptions) => Promise<{
    readonly baseUrl: string
    readonly fake: UserStreamShape<Step, Count> & {
      readonly handle: (request: { method: string; url: string; headers: Record<string, string> }) => Handled
    }
    readonly close: () => Promise<void>
  }>
  /** Runs a scripting call; rejects with its error. */
  readonly run: (step: Step) => Promise<unknown>
  readonly read: (count: Count) => number
  readonly answer: (handled: Handled) => Promise<FakeResponse>
}

export interface StreamCase {
  readonly name: string
  readonly run: <Step, Count, Handled>(edition: StreamEdition<Step, Count, Handled>) => Promise<unknown>
  readonly expected: unknown
  readonly timeoutMs?: number
}

const SECRET = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9"
const KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
const account: Account = { apiKey: KEY, hmacSecret: SECRET, assets: {} }
const LISTEN_KEY = "/fapi/v1/listenKey"

/** A listenKey request over HTTP. */
const request = async (baseUrl: string, method: string) => {
  const response = await fetch(`${baseUrl}${LISTEN_KEY}`, { method, headers: { "X-MBX-APIKEY": KEY } })
  return {
    status: response.status,
    weight: response.headers.get("x-mbx-used-weight-1m"),
    body: await response.json() as { listenKey?: string; code?: number }
  }
}

interface Seen {
  readonly texts: Array<string>
  readonly closed: Promise<{ readonly code: number; readonly reason: string }>
}

/** Opens the stream for `key`; resolves once open, or rejects with the refused upgrade's status. */
const connect = (baseUrl: string, key: string) =>
  new Promise<Seen>((resolve, reject) => {
    const socket = new WebSocket(`${baseUrl.replace("http:", "ws:")}/pm-classic/ws/${key}`)
    const texts: Array<string> = []
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      socket.on("close", (code, reason) => done({ code, reason: reason.toString() }))
    )
    socket.on("message", (data) => texts.push(String(data)))
    socket.on("open", () => resolve({ texts, closed }))
    socket.on("unexpected-response", (_, response) => reject(new Error(`status ${response.statusCode}`)))
    socket.on("error", () => {})
  })

/** Waits up to 2 s for `check`; says whether it held. */
const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10))
  return check()
}

/** Runs `body` on a served fake with one HMAC account, and closes it after. */
const served = async <Step, Count, Handled, A>(
  edition: StreamEdition<Step, Count, Handled>,
  body: (started: Awaited<ReturnType<StreamEdition<Step, Count, Handled>["start"]>>) => Promise<A>
): Promise<A> => {
  const started = await edition.start({ accounts: [account] })
  try {
    return await body(started)
  } finally {
    await started.close()
  }
}

/** The message a scripting call fails with. */
const problem = <Step>(edition: { readonly run: (step: Step) => Promise<unknown> }, step: Step) =>
  edition.run(step).then(() => "no problem", (error: Error) => error.message)

export const streamCases: ReadonlyArray<StreamCase> = [
  {
    name: "POST, PUT and DELETE /fapi/v1/listenKey: API key only, weight 1, -1125 for a key that is gone",
    run: (edition) =>
      served(edition, async ({ fake }) => {
        const outcome = async (method: string, headers: Record<string, string> = { "X-MBX-APIKEY": KEY }) => {
          const response = await edition.answer(fake.handle({ method, url: LISTEN_KEY, headers }))
          if (response._tag !== "Reply") throw new Error(`expected a reply, got ${response._tag}`)
          const body = JSON.parse(response.body)
          return { status: response.status, code: body.code, body, weight: response.headers["x-mbx-used-weight-1m"] }
        }
        const created = await outcome("POST")
        return {
          created: [created.status, /^[0-9a-f]{64}$/.test(created.body.listenKey), created.weight],
          // A POST while the key is live returns it.
          again: (await outcome("POST")).body.listenKey === created.body.listenKey,
          kept: (await outcome("PUT")).status,
          deleted: (await outcome("DELETE")).body,
          gone: await outcome("PUT").then(({ code, status }) => [status, code]),
          noKey: (await outcome("POST", {})).code,
          unknownKey: (await outcome("POST", { "X-MBX-APIKEY": "unknown" })).code,
          get: (await outcome("GET")).status
        }
      }),
    expected: {
      created: [200, true, "1"],
      again: true,
      kept: 200,
      deleted: {},
      gone: [400, -1125],
      noKey: -2014,
      unknownKey: -2015,
      get: 405
    }
  },
  {
    name: "bad stream figures are refused with the field",
    run: (edition) =>
      served(edition, async ({ fake }) => ({
        figures: (await problem(edition, fake.setStreamAccount(KEY, { ...figures, virtualMaxWithdrawUSD: "lots" })))
          .includes("virtualMaxWithdrawUSD"),
        account: (await problem(edition, fake.setStreamAccount("nobody", figures))).includes("no account"),
        frame: (await problem(edition, fake.pushStreamEvent(42))).includes("frame")
      })),
    expected: { figures: true, account: true, frame: true }
  },
  {
    name: "serves /pm-classic/ws/<listenKey>: pushes, expiry, drops; refuses an unknown key",
    run: (edition) =>
      served(edition, async ({ baseUrl, fake }) => {
        const connections = () => edition.read(fake.streamConnections)
        const created = await request(baseUrl, "POST")
        const key = created.body.listenKey!
        const refused = await connect(baseUrl, "0".repeat(64)).then(() => "open", (e: Error) => e.message)

        const first = await connect(baseUrl, key)
        const firstOpen = await until(() => connections() === 1)
        await edition.run(fake.pushStreamEvent({ e: "RISK_LEVEL_CHANGE", E: 1, s: "MARGIN_CALL" }))
        await edition.run(fake.pushStreamEvent("not json"))
        const pushed = await until(() => first.texts.length === 2)
        await edition.run(fake.expireListenKeys())
        const expired = await first.closed
        const expiredFrame = JSON.parse(first.texts[2]!)

        const putAfterExpiry = (await request(baseUrl, "PUT")).body.code
        const renewed = (await request(baseUrl, "POST")).body.listenKey!
        const second = await connect(baseUrl, renewed)
        const secondOpen = await until(() => connections() === 1)
        await edition.run(fake.dropStream())
        return {
          created: [created.status, created.weight],
          refused,
          firstOpen,
          pushed: [pushed, JSON.parse(first.texts[0]!), first.texts[1]],
          expired,
          expiredFrame: [expiredFrame.e, expiredFrame.listenKey === key],
          putAfterExpiry,
          renewed: renewed !== key,
          secondOpen,
          // Cut without a close frame: the client sees 1006.
          dropped: (await second.closed).code,
          left: await until(() => connections() === 0)
        }
      }),
    expected: {
      created: [200, "1"],
      refused: "status 400",
      firstOpen: true,
      pushed: [true, { e: "RISK_LEVEL_CHANGE", E: 1, s: "MARGIN_CALL" }, "not json"],
      expired: { code: 1000, reason: "listenKey expired" },
      expiredFrame: ["listenKeyExpired", true],
      putAfterExpiry: -1125,
      renewed: true,
      secondOpen: true,
      dropped: 1006,
      left: true
    }
  },
  {
    name: "pushes the account figures every 5 s once set",
    run: (edition) =>
      served(edition, async ({ baseUrl, fake }) => {
        const seen = await connect(baseUrl, (await request(baseUrl, "POST")).body.listenKey!)
        await edition.run(fake.setStreamAccount(KEY, figures))
        await new Promise((r) => setTimeout(r, 5_300))
        return seen.texts.map((text) => {
          const { e, u, vmw } = JSON.parse(text)
          return { e, u, vmw }
        })
      }),
    expected: [{ e: "PM_PRO_ACCOUNT_UPDATE", u: "1.99999999", vmw: "3.98972738" }],
    timeoutMs: 10_000
  },
  {
    name: "closing the served fake cuts every stream connection",
    run: async (edition) => {
      const { baseUrl, close } = await edition.start({ accounts: [account] })
      const seen = await connect(baseUrl, (await request(baseUrl, "POST")).body.listenKey!)
      await close()
      return (await seen.closed).code
    },
    expected: 1006
  }
]
