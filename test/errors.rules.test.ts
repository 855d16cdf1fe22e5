// The errors' plain rules (src/internal/core/errors.ts), shared by both editions: what each error carries, which
// tags one more attempt may cure, and how each message is worded from the fields — every optional field present,
// absent, empty or at zero.
// test/cases/errorMessages.ts checks one full message per class through each edition.
import { describe, expect, it } from "@effect/vitest"
import * as Errors from "../src/internal/core/errors.js"

describe("transient tags", () => {
  it("are the transport failure, the attempt timeout and the server error, and no other", () => {
    for (const tag of ["TransportError", "Timeout", "ServerError"]) expect(Errors.isTransientTag(tag)).toBe(true)
    for (const tag of Object.keys(Errors.messages).filter((t) => !Errors.TRANSIENT_TAGS.has(t))) {
      expect(Errors.isTransientTag(tag)).toBe(false)
    }
    expect(Errors.TRANSIENT_TAGS.size).toBe(3)
  })
})

describe("binanceDetail", () => {
  it("names the status and code that are known, in parentheses", () => {
    expect(Errors.binanceDetail({})).toBe("")
    expect(Errors.binanceDetail({ status: 429 })).toBe(" (HTTP 429)")
    expect(Errors.binanceDetail({ code: -1003 })).toBe(" (code -1003)")
    expect(Errors.binanceDetail({ status: 429, code: -1003 })).toBe(" (HTTP 429, code -1003)")
    expect(Errors.binanceDetail({ status: 0, code: 0 })).toBe(" (HTTP 0, code 0)")
  })

  it("adds Binance's msg, trimmed and without its closing full stops", () => {
    expect(Errors.binanceDetail({ status: 400, msg: " Invalid asset. " })).toBe(" (HTTP 400): Invalid asset")
    expect(Errors.binanceDetail({ msg: "Too many requests..." })).toBe(": Too many requests")
    expect(Errors.binanceDetail({ msg: "v1.2 is retired" })).toBe(": v1.2 is retired")
  })

  it("leaves out a msg that is empty once trimmed", () => {
    for (const msg of ["", "   ", "...", " . "]) {
      expect(Errors.binanceDetail({ status: 400, msg })).toBe(" (HTTP 400)")
    }
  })
})

describe("messages", () => {
  it("end a Binance answer's sentence with the excerpt only when there is no msg", () => {
    expect(Errors.messages.ServerError({ status: 502 })).toBe("Binance server error (HTTP 502).")
    expect(Errors.messages.ServerError({ status: 502, excerpt: "Bad Gateway" }))
      .toBe("Binance server error (HTTP 502): Bad Gateway")
    expect(Errors.messages.ServerError({ status: 502, msg: "Internal error.", excerpt: "{\"code\":-1000}" }))
      .toBe("Binance server error (HTTP 502): Internal error.")
    expect(Errors.messages.BinanceApiError({ status: 400, msg: "", excerpt: "x" })).toBe("Binance error (HTTP 400).")
  })

  it("name a wait only when there is one, zero included", () => {
    expect(Errors.messages.RateLimited({})).toBe("Binance rate limit reached.")
    expect(Errors.messages.RateLimited({ retryAfterMs: 0 })).toBe("Binance rate limit reached. Retry after 0 ms.")
    expect(Errors.messages.IpBanned({ status: 418 })).toBe("This IP is banned by Binance (HTTP 418).")
    expect(Errors.messages.IpBanned({ status: 418, retryAfterMs: 5 }))
      .toBe("This IP is banned by Binance (HTTP 418). The ban ends in 5 ms.")
    const waf = "Binance's firewall refused the request (a request-rate limit, or a blocked network or region; not " +
      "the API key) (HTTP 403)"
    expect(Errors.messages.WafBlocked({ status: 403 })).toBe(`${waf}.`)
    expect(Errors.messages.WafBlocked({ status: 403, msg: "Forbidden", retryAfterMs: 1000 }))
      .toBe(`${waf}: Forbidden. Every call from this IP pauses for 1000 ms.`)
    expect(Errors.messages.WafBlocked({ status: 403, excerpt: "blocked", retryAfterMs: 0 }))
      .toBe(`${waf}: blocked Every call from this IP pauses for 0 ms.`)
  })

  it("say whether a closed client cancelled the call or refused it", () => {
    expect(Errors.messages.ClientClosed({ during: true })).toBe(
      "The client was closed during the call; it was cancelled"
    )
    expect(Errors.messages.ClientClosed({ during: false })).toBe("The client is closed; nothing was sent")
  })

  it("quote an undecodable body as a JSON string", () => {
    expect(Errors.messages.ResponseDecodeError({ status: 200, reason: "not JSON", excerpt: "a\"b\n" }))
      .toBe("Unexpected response body (HTTP 200): not JSON. Body starts: \"a\\\"b\\n\"")
  })
})

describe("fieldsOf", () => {
  it("gives every error that has a message its fields, in the edition's schemas", () => {
    const fields = Errors.fieldsOf({
      number: "number",
      string: "string",
      boolean: "boolean",
      optionalNumber: "number?",
      optionalString: "string?"
    })
    expect(Object.keys(fields).sort()).toEqual(Object.keys(Errors.messages).sort())
    expect(fields.RateLimited).toEqual({ status: "number?", code: "number?", msg: "string?", retryAfterMs: "number?" })
    expect(fields.ClientClosed).toEqual({ during: "boolean" })
  })
})
