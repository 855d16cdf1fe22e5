import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "@effect/platform/Headers"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type * as Http from "node:http"
import * as NodeSend from "../core/nodeSend.js"

/**
 * Where the one read of the body stands.
 *
 * @internal
 */
type BodyState =
  | { readonly _tag: "Unread" }
  | {
    readonly _tag: "Reading"
    readonly waiters: Array<(exit: Effect.Effect<Buffer, HttpClientError.ResponseError>) => void>
  }
  | { readonly _tag: "Done"; readonly effect: Effect.Effect<Buffer, HttpClientError.ResponseError> }
  | { readonly _tag: "Streamed" }

const UNREAD: BodyState = { _tag: "Unread" }

// Responses handed over with their body still on the socket, when no AbortSignal stands behind them: dropping
// one unread destroys its message, so the socket does not stay busy for ever.
const unread = new FinalizationRegistry<Http.IncomingMessage>((source) => {
  source.destroy()
})

/** Why a body read failed. @internal */
export interface BodyFailure {
  readonly cause: unknown
  readonly description?: string | undefined
}

/**
 * Collects a message's body; calls back once, with the bytes or the failure. The 'end' event comes after Node
 * has queued the socket's return to the keep-alive pool, so a request sent from the callback's continuation
 * reuses it.
 *
 * @internal
 */
export const readAll = (source: Http.IncomingMessage, done: (result: Buffer | BodyFailure) => void): void => {
  const chunks: Array<Buffer> = []
  const finish = (result: Buffer | BodyFailure) => {
    source.off("data", onData)
    source.off("end", onEnd)
    source.off("error", onError)
    source.off("close", onClose)
    done(result)
  }
  const onData = (chunk: Buffer) => {
    chunks.push(chunk)
  }
  const onEnd = () => finish(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks))
  const onError = (cause: unknown) => finish({ cause })
  // A socket closed before the message completed, without an error of its own: the body is cut short.
  const onClose = () => {
    if (!source.complete) finish({ cause: undefined, description: "the connection closed before the body ended" })
  }
  source.on("data", onData)
  source.on("end", onEnd)
  source.on("error", onError)
  source.on("close", onClose)
}

/**
 * An `HttpClientResponse` over a `node:http` `IncomingMessage`. The body is read once and kept: `text`,
 * `json`, `arrayBuffer`, `urlParamsBody` and `formData` all share that one read. The client reads small
 * bodies before it hands the response over (`settle`); larger ones are read on demand or streamed.
 *
 * @internal
 */
export class NodeResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  private body: BodyState = UNREAD
  private cachedHeaders: Headers.Headers | undefined
  private cachedCookies: Cookies.Cookies | undefined
  // A kept-alive socket is detached from the message once the body ends: remember it for remoteAddress.
  private readonly socket: Http.IncomingMessage["socket"] | null

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly source: Http.IncomingMessage
  ) {
    super()
    this.socket = source.socket
  }

  get status(): number {
    return this.source.statusCode ?? 0
  }

  get headers(): Headers.Headers {
    return this.cachedHeaders ??= Headers.fromInput(this.source.headers)
  }

  get cookies(): Cookies.Cookies {
    if (this.cachedCookies !== undefined) return this.cachedCookies
    const setCookie = this.source.headers["set-cookie"]
    return this.cachedCookies = setCookie === undefined ? Cookies.empty : Cookies.fromSetCookie(setCookie)
  }

  get remoteAddress(): Option.Option<string> {
    return Option.fromNullable(this.socket?.remoteAddress)
  }

  decodeError(cause: unknown, description?: string | undefined): HttpClientError.ResponseError {
    return new HttpClientError.ResponseError({
      request: this.request,
      response: this,
      reason: "Decode",
      cause,
      ...(description === undefined ? {} : { description })
    })
  }

  /** Destroys the message if this response is dropped before its body is read. */
  trackUnread(): void {
    unread.register(this, this.source, this)
  }

  /** The whole body, read at most once. */
  get bytes(): Effect.Effect<Buffer, HttpClientError.ResponseError> {
    unread.unregister(this)
    const state = this.body
    switch (state._tag) {
      case "Done":
        return state.effect
      case "Streamed":
        return Effect.fail(this.decodeError(undefined, "the body was already consumed as a stream"))
      case "Reading":
        return Effect.async((resume) => {
          state.waiters.push(resume)
        })
    }
    if (this.source.destroyed) {
      return this.settle(Effect.fail(this.decodeError(undefined, "the connection closed before the body was read")))
    }
    return Effect.async((resume) => {
      const waiters = [resume]
      this.body = { _tag: "Reading", waiters }
      readAll(this.source, (bytes) => {
        const effect = Buffer.isBuffer(bytes)
          ? Effect.succeed(bytes)
          : Effect.fail(this.decodeError(bytes.cause, bytes.description))
        this.settle(effect)
        for (const waiter of waiters) waiter(effect)
      })
      // An interrupted read leaves a half-read message: destroy it (and its socket) rather than reuse it.
      return Effect.sync(() => {
        if (this.body._tag === "Reading") this.source.destroy()
      })
    })
  }

  /** Keeps the outcome of the one body read. */
  settle(
    effect: Effect.Effect<Buffer, HttpClientError.ResponseError>
  ): Effect.Effect<Buffer, HttpClientError.ResponseError> {
    this.body = { _tag: "Done", effect }
    return effect
  }

  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return Effect.map(this.bytes, (bytes) => bytes.toString("utf8"))
  }

  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => NodeSend.jsonOf(text),
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return Effect.map(this.bytes, NodeSend.arrayBufferOf)
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => UrlParams.fromInput(new URLSearchParams(text)),
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return Effect.flatMap(this.bytes, (bytes) =>
      Effect.tryPromise({
        try: () => NodeSend.formDataOf(bytes, this.source.headers["content-type"]),
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    return Stream.suspend(() => {
      const state = this.body
      if (state._tag === "Done" || state._tag === "Reading") return Stream.fromEffect(this.bytes)
      if (state._tag === "Streamed") {
        return Stream.fail(this.decodeError(undefined, "the body was already consumed as a stream"))
      }
      unread.unregister(this)
      this.body = { _tag: "Streamed" }
      return Stream.fromAsyncIterable(this.source as AsyncIterable<Uint8Array>, (cause) => this.decodeError(cause))
    })
  }

  toJSON(): unknown {
    return HttpIncomingMessage.inspect(this, {
      _id: "@effect/platform/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
}
