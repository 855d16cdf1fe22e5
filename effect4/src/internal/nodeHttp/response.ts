/**
 * An `HttpClientResponse` over a body `BinanceHttpClient` has already read whole, and the `node:http` message's
 * headers: no web `Response`, no `Headers` rebuilt on every read, no promise between the bytes and the text.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Cookies from "effect/http/Cookies"
import * as Headers from "effect/http/Headers"
import * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as HttpIncomingMessage from "effect/http/HttpIncomingMessage"
import * as UrlParams from "effect/http/UrlParams"
import * as Inspectable from "effect/Inspectable"
import * as Option from "effect/Option"
import { pipeArguments } from "effect/Pipeable"
import type * as Schema from "effect/Schema"
import type * as Socket from "effect/socket/Socket"
import * as Stream from "effect/Stream"
import type * as Http from "node:http"
import * as NodeSend from "../core/nodeSend.js"

/** Statuses whose response has no body at all (a web `Response` refuses one). @internal */
export const NULL_BODY_STATUS: ReadonlySet<number> = new Set([101, 204, 205, 304])

const EMPTY = new Uint8Array(0)

/** @internal */
export class BufferedResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId]: typeof HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: typeof HttpClientResponse.TypeId = HttpClientResponse.TypeId
  readonly remoteAddress: Option.Option<string>
  private readonly bytes: Uint8Array | undefined
  private cachedHeaders: Headers.Headers | undefined
  private cachedCookies: Cookies.Cookies | undefined
  private cachedText: Effect.Effect<string, HttpClientError.HttpClientError> | undefined

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    private readonly target: URL,
    readonly status: number,
    /** The message's headers as node parsed them (lower-case names, `set-cookie` as an array). */
    private readonly rawHeaders: Http.IncomingHttpHeaders,
    /** `undefined` when the status carries no body. */
    bytes: Uint8Array | undefined,
    remoteAddress: string | undefined
  ) {
    super()
    this.bytes = bytes
    this.remoteAddress = Option.fromUndefinedOr(remoteAddress)
  }

  get url(): string {
    const href = this.target.href
    const hash = href.indexOf("#")
    return hash === -1 ? href : href.slice(0, hash)
  }

  get headers(): Headers.Headers {
    return this.cachedHeaders ??= Headers.fromInput(this.rawHeaders)
  }

  get cookies(): Cookies.Cookies {
    return this.cachedCookies ??= Cookies.fromSetCookie(this.rawHeaders["set-cookie"] ?? [])
  }

  private decodeError(cause: unknown, description?: string): HttpClientError.HttpClientError {
    return new HttpClientError.HttpClientError({
      reason: new HttpClientError.DecodeError({
        request: this.request,
        response: this,
        cause,
        ...(description === undefined ? {} : { description })
      })
    })
  }

  get text(): Effect.Effect<string, HttpClientError.HttpClientError> {
    if (this.cachedText !== undefined) return this.cachedText
    return this.cachedText = Effect.succeed(this.bytes === undefined ? "" : NodeSend.textOf(this.bytes))
  }

  get json(): Effect.Effect<Schema.Json, HttpClientError.HttpClientError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => NodeSend.jsonOf(text) as Schema.Json,
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.HttpClientError> {
    return Effect.sync(() => NodeSend.arrayBufferOf(this.bytes ?? EMPTY))
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.HttpClientError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => UrlParams.fromInput(new URLSearchParams(text)),
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get formData(): Effect.Effect<FormData, HttpClientError.HttpClientError> {
    return Effect.tryPromise({
      try: () => NodeSend.formDataOf(this.bytes, this.rawHeaders["content-type"]),
      catch: (cause) => this.decodeError(cause)
    })
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.HttpClientError> {
    if (this.bytes === undefined) {
      return Stream.fail(
        new HttpClientError.HttpClientError({
          reason: new HttpClientError.EmptyBodyError({
            request: this.request,
            response: this,
            description: "can not create stream from empty body"
          })
        })
      )
    }
    return this.bytes.byteLength === 0 ? Stream.empty : Stream.succeed(this.bytes)
  }

  get upgrade(): Effect.Effect<Socket.Socket, HttpClientError.HttpClientError> {
    return Effect.fail(
      new HttpClientError.HttpClientError({
        reason: new HttpClientError.StatusCodeError({
          request: this.request,
          response: this,
          description: "BinanceHttpClient does not hand over the connection of an HTTP upgrade"
        })
      })
    )
  }

  toJSON(): unknown {
    return HttpIncomingMessage.inspect(this, {
      _id: "HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }

  pipe() {
    // eslint-disable-next-line prefer-rest-params -- Pipeable's own idiom (its overloads take up to 20 functions)
    return pipeArguments(this, arguments)
  }
}
