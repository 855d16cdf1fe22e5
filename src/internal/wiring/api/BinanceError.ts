/**
 * The typed errors of `pmAccountInfo`, declared once for both editions (each edition's `BinanceError` module
 * re-exports them with its own version tags). Every error is a `Schema.TaggedError`, so it is an `Error`, can be
 * matched with `Effect.catchTag(s)`, and serialises without secrets: no error holds a key, a secret, a signature
 * or a signed URL — only status codes, Binance codes and messages, and short body excerpts.
 */
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import type * as CallRules from "../../core/call.js"
import * as Errors from "../../core/errors.js"
import * as Dialect from "../../dialect.js"

/** The mark every error of this library carries (what `isBinanceError` looks for). */
export const TypeId: unique symbol = Symbol.for("effect-binance-pm/BinanceError")

export type TypeId = typeof TypeId

/** Whether a value is one of this library's errors. */
export const isBinanceError = (u: unknown): u is PmAccountInfoError | ClientClosed => Predicate.hasProperty(u, TypeId)

const fields = Errors.fieldsOf({
  number: Schema.Number,
  string: Schema.String,
  boolean: Schema.Boolean,
  optionalNumber: Schema.optional(Schema.Number),
  optionalString: Schema.optional(Schema.String)
})

/**
 * A call parameter failed validation. Nothing was sent.
 */
export class InvalidParameters extends Schema.TaggedError<InvalidParameters>("effect-binance-pm/InvalidParameters")(
  "InvalidParameters",
  fields.InvalidParameters
) {
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return Errors.messages.InvalidParameters(this)
  }
}

/**
 * Credentials or configuration are unusable (malformed key, wrong passphrase, bad base URL, …). Raised when
 * a layer is built or a Promise client is created, never in the middle of a call.
 */
export class InvalidConfiguration
  extends Schema.TaggedError<InvalidConfiguration>("effect-binance-pm/InvalidConfiguration")(
    "InvalidConfiguration",
    fields.InvalidConfiguration
  )
{
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return Errors.messages.InvalidConfiguration(this)
  }
}

/**
 * Binance -1021: the request timestamp was outside `recvWindow` even after re-synchronising with the server
 * clock once.
 */
export class InvalidTimestamp extends Schema.TaggedError<InvalidTimestamp>("effect-binance-pm/InvalidTimestamp")(
  "InvalidTimestamp",
  fields.InvalidTimestamp
) {
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return Errors.messages.InvalidTimestamp(this)
  }
}

/**
 * Binance -1022: the signature did not verify. Usually the wrong secret or private key for the API key.
 */
export class InvalidSignature extends Schema.TaggedError<InvalidSignature>("effect-binance-pm/InvalidSignature")(
  "InvalidSignature",
  fields.InvalidSignature
) {
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return Errors.messages.InvalidSignature(this)
  }
}

/**
 * The API key is missing, invalid, locked, not allowed from this IP, lacks permission, or belongs to another
 * environment (HTTP 401, codes -1002, -1011, -1099, -2008, -2014, -2015, -2017). Never retried.
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>("effect-binance-pm/Unauthorized")(
  "Unauthorized",
  fields.Unauthorized
) {
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return Errors.messages.Unauthorized(this)
  }
}

/**
 * HTTP 429 / code -1003: the IP's request weight is exhausted. `retryAfterMs` says how long Binance asked us
 * to wait; it is only raised to the caller when that wait is longer than the configured longest wait, or
 * when the retry budget ran out.
 */
export class RateLimited extends Schema.TaggedError<RateLimited>("effect-binance-pm/RateLimited")(
  "RateLimited",
  fields.RateLimited
) {
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return Errors.messages.RateLimited(this)
  }
}

/**
 * HTTP 418: the IP is banned for ignoring 429s. Every call fails at once, without touching the network,
 * until the ban ends.
 */
export class IpBanned extends Schema.TaggedError<IpBanned>("effect-binance-pm/IpBanned")(
  "IpBanned",
  fields.IpBanned
) {
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return Errors.messages.IpBanned(this)
  }
}

/**
 * HTTP 403: Binance's web application firewall refused the request — its limits were violated, or the
 * request comes from a blocked network or region. It says nothing about the API key. Never retried: every
 * caller on the IP pauses (1 s, doubling on consecutive 403s up to 5 minutes, reset by a success), and a caller
 * whose wait would exceed `maxRetryAfterWait` fails at once with this error, sending nothing.
 * `retryAfterMs` is the pause in force when the gate refused a request.
 */
export class WafBlocked extends Schema.TaggedError<WafBlocked>("effect-binance-pm/WafBlocked")(
  "WafBlocked",
  fields.WafBlocked
) {
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return Errors.messages.WafBlocked(this)
  }
}

/**
 * The Promise client was closed (`client.close()`): the call was cancelled, or arrived after the close.
 */
export class ClientClosed extends Schema.TaggedError<ClientClosed>("effect-binance-pm/ClientClosed")(
  "ClientClosed",
  fields.ClientClosed
) {
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return Errors.messages.ClientClosed(this)
  }
}

/**
 * A failure on Binance's side: HTTP 5xx, 408, or codes -1000, -1001, -1006, -1007. Retried with backoff
 * (the call is a read-only GET); raised when the retry budget is spent.
 */
export class ServerError extends Schema.TaggedError<ServerError>("effect-binance-pm/ServerError")(
  "ServerError",
  fields.ServerError
) {
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return Errors.messages.ServerError(this)
  }
}

/**
 * Any other Binance error response (a 4xx with `{code,msg}`, or an unexpected non-2xx status).
 */
export class BinanceApiError extends Schema.TaggedError<BinanceApiError>("effect-binance-pm/BinanceApiError")(
  "BinanceApiError",
  fields.BinanceApiError
) {
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return Errors.messages.BinanceApiError(this)
  }
}

/**
 * One attempt took longer than the per-attempt timeout. Retried; raised when the retry budget is spent.
 */
export class Timeout extends Schema.TaggedError<Timeout>("effect-binance-pm/Timeout")(
  "Timeout",
  fields.Timeout
) {
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return Errors.messages.Timeout(this)
  }
}

/**
 * The request never got an HTTP response: DNS, connection refused or reset, TLS, a body cut off mid-way.
 * `description` is a sanitised summary of the cause (it never contains the request URL).
 */
export class TransportError extends Schema.TaggedError<TransportError>("effect-binance-pm/TransportError")(
  "TransportError",
  fields.TransportError
) {
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return Errors.messages.TransportError(this)
  }
}

/**
 * A 2xx response whose body is not the documented shape (not JSON, a missing or non-decimal amount, another
 * asset than requested). `excerpt` is a short, secret-free piece of the body.
 */
export class ResponseDecodeError extends Schema.TaggedError<ResponseDecodeError>(
  "effect-binance-pm/ResponseDecodeError"
)(
  "ResponseDecodeError",
  fields.ResponseDecodeError
) {
  readonly [TypeId]: TypeId = TypeId
  override get message(): string {
    return Errors.messages.ResponseDecodeError(this)
  }
}

// What one call can fail with, written once for the type and the schema.
const pmAccountInfoErrors = [
  InvalidParameters,
  InvalidConfiguration,
  InvalidTimestamp,
  InvalidSignature,
  Unauthorized,
  RateLimited,
  IpBanned,
  WafBlocked,
  ServerError,
  BinanceApiError,
  Timeout,
  TransportError,
  ResponseDecodeError
] as const

// Name = tag, and printed as an `Error`, in both editions (Effect 4's schema errors are neither by themselves).
Dialect.nameAfterTag([...pmAccountInfoErrors, ClientClosed])

/**
 * Everything `PortfolioMargin.pmAccountInfo` can fail with: `InvalidParameters`, `InvalidConfiguration`,
 * `InvalidTimestamp`, `InvalidSignature`, `Unauthorized`, `RateLimited`, `IpBanned`, `WafBlocked`, `ServerError`,
 * `BinanceApiError`, `Timeout`, `TransportError` or `ResponseDecodeError`.
 */
export type PmAccountInfoError = InstanceType<(typeof pmAccountInfoErrors)[number]>

/**
 * A schema for the whole union, for callers that persist or send errors across process boundaries.
 */
export const PmAccountInfoError = Dialect.schemaUnion(pmAccountInfoErrors)

/**
 * Errors that one more attempt may cure: transport failures, attempt timeouts and Binance server errors.
 * Rate limiting is retried separately, only when the wait Binance asked for is acceptable.
 */
export const isTransient = (error: PmAccountInfoError): boolean => Errors.isTransientTag(error._tag)

/**
 * The typed error of an error the call machine described (a classified answer, bad parameters, a bad body).
 *
 * @internal
 */
export const toError = (description: CallRules.Description): PmAccountInfoError => {
  // The fields without the description's `_tag`: each class sets its own.
  const { _tag, ...fields } = description as CallRules.Description & {
    readonly status: number
    readonly code: number
    readonly msg: string
    readonly field: string
    readonly reason: string
    readonly excerpt: string
  }
  switch (_tag) {
    case "InvalidParameters":
      return new InvalidParameters(fields)
    case "ResponseDecodeError":
      return new ResponseDecodeError(fields)
    case "IpBanned":
      return new IpBanned(fields)
    case "RateLimited":
      return new RateLimited(fields)
    case "WafBlocked":
      return new WafBlocked(fields)
    case "InvalidTimestamp":
      return new InvalidTimestamp(fields)
    case "InvalidSignature":
      return new InvalidSignature(fields)
    case "Unauthorized":
      return new Unauthorized(fields)
    case "ServerError":
      return new ServerError(fields)
    case "BinanceApiError":
      return new BinanceApiError(fields)
  }
}
