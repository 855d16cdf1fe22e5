/**
 * One request and its whole answer over `BinanceHttpClient`'s keep-alive agents, in plain node: what both editions'
 * clients send with, and the direct path this library's own requests take (a GET straight from the call to the
 * socket and back, without the platform's per-request wrapper).
 */
import * as Http from "node:http"
import * as Https from "node:https"
import * as ProxyAgent from "./proxyAgent.js"
import { describeCause } from "./responses.js"

/** The agents a client sends through; with a proxy, `https` tunnels and `http` forwards. */
export interface Agents {
  readonly http: Http.Agent
  readonly https: Https.Agent
  readonly proxy?: ProxyAgent.ProxyAddress | undefined
}

/** A whole answer, as node received it. */
export interface Received {
  readonly status: number
  /** As node parsed them: lower-case names, `set-cookie` as an array. */
  readonly headers: Http.IncomingHttpHeaders
  /** The whole body. */
  readonly bytes: Buffer
  readonly remoteAddress: string | undefined
}

/**
 * Why no answer came: the request failed (`body: undefined`), or the body was cut short after the status line
 * (`body` holds what came of the answer), or the deadline passed first (`timedOut`).
 */
export interface Failure {
  readonly cause: unknown
  readonly body: { readonly status: number; readonly headers: Http.IncomingHttpHeaders } | undefined
  readonly timedOut?: true | undefined
}

/**
 * Sends the request and calls `done` once, with the whole answer or why there is none. Returns what stops it
 * (destroys the request; `done` is not called after). With `timeoutMs`, the request is destroyed and `done`
 * told `timedOut` when no whole answer came in that time (a node timer: real time). `authorization` gives the
 * proxy's credentials, read only when the request goes out.
 */
export const send = (
  agents: Agents,
  authorization: ProxyAgent.Authorization,
  method: string,
  url: URL,
  headers: Readonly<Record<string, string>>,
  body: Uint8Array | string | undefined,
  done: (result: Received | Failure) => void,
  timeoutMs?: number | undefined
): () => void => {
  const https = url.protocol === "https:"
  const options = ProxyAgent.requestOptions(agents, agents.proxy, authorization, method, url, headers)
  const req = https ? Https.request(options) : Http.request(options)
  let settled = false
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
    finish({ cause: undefined, body: undefined, timedOut: true })
    req.destroy()
  }, timeoutMs)
  const finish = (result: Received | Failure) => {
    if (settled) return
    settled = true
    clearTimeout(timer)
    done(result)
  }
  let source: Http.IncomingMessage | undefined
  req.on("error", (cause) =>
    finish({
      cause,
      body: source === undefined ? undefined : { status: source.statusCode ?? 0, headers: source.headers }
    }))
  req.on("response", (message) => {
    source = message
    // A kept-alive socket leaves the message once the body ends: read its address now.
    const remoteAddress = message.socket.remoteAddress
    const chunks: Array<Buffer> = []
    message.on("data", (chunk: Buffer) => chunks.push(chunk))
    // A body cut short is an `error` (ECONNRESET "aborted"), never an `end`: node (≥ 20) destroys an incomplete
    // message when its socket closes.
    message.on("error", (cause) => req.emit("error", cause))
    message.on("end", () => {
      const received: Received = {
        status: message.statusCode ?? 0,
        headers: message.headers,
        bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
        remoteAddress
      }
      // Node hands the socket back to the keep-alive pool on the next tick after 'end' (it queued that before
      // this listener ran): answer after it, so that the caller's next request reuses the socket.
      process.nextTick(finish, received)
    })
  })
  req.end(body)
  return () => {
    settled = true
    clearTimeout(timer)
    req.destroy()
  }
}

export const isReceived = (result: Received | Failure): result is Received => "bytes" in result

/** The body as text, as TextDecoder (what a web Response uses) reads it: UTF-8, a leading byte-order mark dropped. */
export const textOf = (bytes: Uint8Array): string => {
  // Past the end a byte reads as undefined: a body shorter than three bytes has no mark.
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  return Buffer.from(bytes.buffer, bytes.byteOffset + bom, bytes.byteLength - bom).toString("utf8")
}

/** A body's JSON, as an `HttpClientResponse` reads it: an empty body is `null`. Throws what `JSON.parse` throws. */
export const jsonOf = (text: string): unknown => text === "" ? null : JSON.parse(text)

/** The bytes, copied into an `ArrayBuffer` of their own (a pooled `Buffer` shares a larger one). */
export const arrayBufferOf = (bytes: Uint8Array): ArrayBuffer => {
  const copy = new ArrayBuffer(bytes.byteLength)
  new Uint8Array(copy).set(bytes)
  return copy
}

/** A body read as form data, under its `content-type` (`undefined` bytes: a status without a body). */
export const formDataOf = (bytes: Uint8Array | undefined, contentType: string | undefined): Promise<FormData> =>
  new Response(
    bytes === undefined ? null : new Uint8Array(bytes),
    contentType === undefined ? {} : { headers: { "content-type": contentType } }
  ).formData()

/**
 * Where a client built by `BinanceHttpClient` keeps its direct path. Private to this copy of the library (not a
 * registered symbol): another copy's client, or the same one wrapped by the caller, goes through `HttpClient` as
 * any client does.
 */
export const DirectKey: unique symbol = Symbol("effect-binance-pm/BinanceHttpClient/direct")

/**
 * `send` of a GET over the client's agents: returns what stops the request. It carries the agents and the proxy's
 * credentials it sends with, so that the watcher's WebSocket leaves by the same proxy.
 */
export type Direct =
  & ((
    url: URL,
    headers: Readonly<Record<string, string>>,
    timeoutMs: number | undefined,
    done: (result: Received | Failure) => void
  ) => () => void)
  & { readonly agents: Agents; readonly authorization: ProxyAgent.Authorization }

/** The direct path of a client built by this copy's `BinanceHttpClient`, if it is one. */
export const clientDirect = (client: object): Direct | undefined =>
  (client as { readonly [DirectKey]?: Direct })[DirectKey]

/** The direct path over `agents`, to attach to a client under `DirectKey`. */
export const directOf = (agents: Agents, authorization: ProxyAgent.Authorization): Direct =>
  Object.assign(
    (
      url: URL,
      headers: Readonly<Record<string, string>>,
      timeoutMs: number | undefined,
      done: (result: Received | Failure) => void
    ) => send(agents, authorization, "GET", url, headers, undefined, done, timeoutMs),
    { agents, authorization }
  )

/**
 * A failure as the platform's clients describe theirs (`Transport: …`, `response Decode: …`), from its cause chain
 * only: never the request, whose URL is signed.
 */
export const describeFailure = (failure: Failure): string =>
  `${failure.body === undefined ? "Transport" : "response Decode"}: ${describeCause(failure.cause)}`
