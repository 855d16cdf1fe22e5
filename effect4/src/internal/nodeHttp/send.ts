/**
 * One request and its whole answer over `BinanceHttpClient`'s agents, in plain node (but for reading the proxy's
 * `Redacted` credentials): what both of its paths run (the `HttpClient` one, and the direct one this library's own
 * requests take).
 */
import * as Redacted from "effect/Redacted"
import * as Http from "node:http"
import * as Https from "node:https"
import type { Agents, Proxy } from "../../BinanceHttpClient.js"
import * as ProxyAgent from "../core/proxyAgent.js"

/**
 * The `Proxy-Authorization` value of a checked proxy, read only when a request goes out.
 *
 * @internal
 */
export const authorizationOf = (proxy: Proxy | undefined): ProxyAgent.Authorization =>
  proxy?.authorization === undefined ? noAuthorization : () => Redacted.value(proxy.authorization!)

const noAuthorization: ProxyAgent.Authorization = () => undefined

/** @internal */
export interface Answer {
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
 *
 * @internal
 */
export interface Failure {
  readonly cause: unknown
  readonly body: { readonly status: number; readonly headers: Http.IncomingHttpHeaders } | undefined
  readonly timedOut?: true | undefined
}

/**
 * Sends the request and calls `done` once, with the whole answer or why there is none. Returns what stops it
 * (destroys the request; `done` is not called after). With `timeoutMs`, the request is destroyed and `done`
 * told `timedOut` when no whole answer came in that time (a node timer: real time).
 *
 * @internal
 */
export const send = (
  agents: Agents,
  method: string,
  url: URL,
  headers: Readonly<Record<string, string>>,
  body: Uint8Array | string | undefined,
  done: (result: Answer | Failure) => void,
  timeoutMs?: number | undefined
): () => void => {
  const https = url.protocol === "https:"
  const options = ProxyAgent.requestOptions(agents, agents.proxy, authorizationOf(agents.proxy), method, url, headers)
  const req = https ? Https.request(options) : Http.request(options)
  let settled = false
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
    finish({ cause: undefined, body: undefined, timedOut: true })
    req.destroy()
  }, timeoutMs)
  const finish = (result: Answer | Failure) => {
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
    const remoteAddress = message.socket?.remoteAddress
    const chunks: Array<Buffer> = []
    message.on("data", (chunk: Buffer) => chunks.push(chunk))
    message.on("aborted", () => req.destroy(new Error("aborted")))
    message.on("error", (cause) => req.emit("error", cause))
    message.on("end", () => {
      if (!message.complete) return req.destroy(new Error("terminated: the connection closed mid-body"))
      const answer: Answer = {
        status: message.statusCode ?? 0,
        headers: message.headers,
        bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
        remoteAddress
      }
      // Node hands the socket back to the keep-alive pool on the next tick after 'end' (it queued that before
      // this listener ran): answer after it, so that the caller's next request reuses the socket.
      process.nextTick(finish, answer)
    })
  })
  if (body === undefined) req.end()
  else req.end(body)
  return () => {
    settled = true
    clearTimeout(timer)
    req.destroy()
  }
}

/** @internal */
export const isAnswer = (result: Answer | Failure): result is Answer => "bytes" in result

/**
 * The body as text, as TextDecoder (what a web Response uses) reads it: UTF-8, a leading byte-order mark dropped.
 *
 * @internal
 */
export const textOf = (bytes: Uint8Array): string => {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  return Buffer.from(bytes.buffer, bytes.byteOffset + bom, bytes.byteLength - bom).toString("utf8")
}
