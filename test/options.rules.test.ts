// The client's plain options (src/internal/core/options.ts), shared by both editions: every refusal names its field
// and says why without quoting a value that may be a secret; defaults fill in; each market and environment has its
// base URL; budgets are keyed by egress; proxy URLs and NO_PROXY are read as curl and Node's agents read them.
import { describe, expect, it } from "@effect/vitest"
import * as Options from "../src/internal/core/options.js"

const UA = "ua/1"

describe("checkBaseUrl", () => {
  it("keeps an https origin, or http to a loopback host, without its trailing slash", () => {
    expect(Options.checkBaseUrl("https://fapi.binance.com/")).toBe("https://fapi.binance.com")
    for (const host of ["localhost:8080", "127.0.0.1:1", "127.9.9.9", "[::1]:9"]) {
      expect(Options.checkBaseUrl(`http://${host}`)).toBe(`http://${host}`)
    }
  })

  it("refuses everything else, saying why", () => {
    const reason = (input: unknown) => {
      const checked = Options.checkBaseUrl(input)
      expect(typeof checked, String(input)).toBe("object")
      return (checked as { field: string; reason: string }).field + ": " + (checked as { reason: string }).reason
    }
    expect(reason("")).toBe("baseUrl: must be a non-empty URL string")
    expect(reason("   ")).toBe("baseUrl: must be a non-empty URL string")
    expect(reason(42)).toBe("baseUrl: must be a non-empty URL string")
    expect(reason("fapi.binance.com")).toBe("baseUrl: is not a valid URL")
    expect(reason("http://fapi.binance.com")).toBe(
      "baseUrl: must use https: (http: is allowed only for loopback hosts), got \"http://fapi.binance.com\""
    )
    expect(reason("http://128.0.0.1")).toMatch(/only for loopback/)
    expect(reason("ftp://127.0.0.1")).toMatch(/only for loopback/)
    expect(reason("https://user:pw@fapi.binance.com")).toBe("baseUrl: must not contain credentials")
    expect(reason("https://user@fapi.binance.com")).toBe("baseUrl: must not contain credentials")
    expect(reason("https://:pw@fapi.binance.com")).toBe("baseUrl: must not contain credentials")
    expect(reason("https://fapi.binance.com/fapi")).toBe("baseUrl: must be an origin without a path")
    expect(reason("https://fapi.binance.com?x=1")).toBe("baseUrl: must not contain a query string")
    expect(reason("https://fapi.binance.com?")).toBe("baseUrl: must not contain a query string")
    expect(reason("https://fapi.binance.com#x")).toBe("baseUrl: must not contain a fragment")
    expect(reason("https://fapi.binance.com#")).toBe("baseUrl: must not contain a fragment")
  })
})

describe("checkOptions", () => {
  it("fills in the defaults: production USDⓈ-M, recvWindow 5000, 3 retries, 2400 weight", () => {
    expect(Options.checkOptions({}, UA)).toEqual({
      baseUrl: "https://fapi.binance.com",
      recvWindow: 5000,
      maxRetries: 3,
      weightLimit: 2400,
      userAgent: UA
    })
  })

  it("each market and environment has its base URL", () => {
    const base = (options: Options.PlainOptions) => (Options.checkOptions(options, UA) as Options.Settings).baseUrl
    expect(base({ environment: "testnet" })).toBe("https://testnet.binancefuture.com")
    expect(base({ environment: "demo" })).toBe("https://demo-fapi.binance.com")
    expect(base({ market: "coin-m" })).toBe("https://dapi.binance.com")
    expect(base({ market: "coin-m", environment: "demo" })).toBe("https://demo-dapi.binance.com")
    expect(base({ market: "usds-m" })).toBe("https://fapi.binance.com")
    expect(Options.environmentsOf(undefined)).toBe(Options.environments)
    expect(Options.checkOptions({ market: "coin-m" }, UA)).toMatchObject({ market: "coin-m" })
    expect("market" in (Options.checkOptions({}, UA) as object)).toBe(false)
  })

  it("keeps what it was given, at the edges of each range", () => {
    expect(Options.checkOptions({ recvWindow: 1, maxRetries: 0, weightLimit: 5, egress: "!" }, UA)).toEqual({
      baseUrl: "https://fapi.binance.com",
      recvWindow: 1,
      maxRetries: 0,
      weightLimit: 5,
      userAgent: UA,
      egress: "!"
    })
    expect(
      Options.checkOptions({ recvWindow: 60000, maxRetries: 100, weightLimit: 1_000_000, egress: "e".repeat(200) }, UA)
    )
      .toMatchObject({ recvWindow: 60000, maxRetries: 100, weightLimit: 1_000_000 })
  })

  it("refuses each bad option, naming it", () => {
    const refused = (options: Options.PlainOptions, userAgent = UA) => Options.checkOptions(options, userAgent)
    expect(refused({ environment: "staging" as Options.Environment })).toEqual({
      field: "environment",
      reason: "must be one of production, testnet, demo"
    })
    expect(refused({ environment: "testnet", baseUrl: "https://x.test" })).toEqual({
      field: "environment",
      reason: "give either environment or baseUrl, not both"
    })
    expect(refused({ market: "spot" as never })).toEqual({ field: "market", reason: "must be one of usds-m, coin-m" })
    expect(refused({ baseUrl: "http://example.com" })).toMatchObject({ field: "baseUrl" })
    const recv = { field: "recvWindow", reason: "must be an integer from 1 to 60000 ms" }
    for (const recvWindow of [0, 60001, 1.5, Number.NaN]) expect(refused({ recvWindow })).toEqual(recv)
    const retries = { field: "maxRetries", reason: "must be an integer from 0 to 100" }
    for (const maxRetries of [-1, 101, 0.5]) expect(refused({ maxRetries })).toEqual(retries)
    const weight = { field: "weightLimit", reason: "must be an integer of at least 5" }
    for (const weightLimit of [4, 1_000_001, 5.5]) expect(refused({ weightLimit })).toEqual(weight)
    const ua = { field: "userAgent", reason: "must be printable ASCII" }
    expect(refused({ userAgent: "é" })).toEqual(ua)
    expect(refused({ userAgent: "" })).toEqual(ua)
    expect(refused({ userAgent: 5 as never })).toEqual(ua)
    const egress = { field: "egress", reason: "must be 1 to 200 printable ASCII characters without spaces" }
    for (const e of ["", "a b", "e".repeat(201), 7 as never]) expect(refused({ egress: e })).toEqual(egress)
  })
})

describe("budgets", () => {
  it("are keyed by base URL, and by egress when one is named", () => {
    expect(Options.budgetKey({ baseUrl: "https://fapi.binance.com" })).toBe("https://fapi.binance.com")
    expect(Options.budgetKey({ baseUrl: "https://fapi.binance.com", egress: "nat-2" })).toBe(
      "nat-2 https://fapi.binance.com"
    )
  })
})

describe("checkProxyUrl", () => {
  it("reads host, port (80 by default) and the Proxy-Authorization of its credentials", () => {
    expect(Options.checkProxyUrl("http://proxy.local:3128")).toEqual({
      hostname: "proxy.local",
      port: 3128,
      host: "proxy.local:3128",
      authorization: undefined
    })
    expect(Options.checkProxyUrl("http://proxy.local")).toMatchObject({ port: 80, host: "proxy.local:80" })
    expect(Options.checkProxyUrl("http://[::1]:8080")).toMatchObject({ hostname: "::1", host: "[::1]:8080" })
    expect(Options.checkProxyUrl("http://us%3Aer:p%40ss@p:1")).toMatchObject({
      authorization: `Basic ${Buffer.from("us:er:p@ss").toString("base64")}`
    })
    expect(Options.checkProxyUrl("http://user@p:1")).toMatchObject({
      authorization: `Basic ${Buffer.from("user:").toString("base64")}`
    })
    expect(Options.proxyEgress(Options.checkProxyUrl("http://a:b@p:1") as Options.Proxy)).toBe("proxy p:1")
  })

  it("refuses what it cannot use, never quoting the URL (it may hold credentials)", () => {
    const refused = (input: unknown) => Options.checkProxyUrl(input) as { field: string; reason: string }
    expect(refused("")).toEqual({ field: "proxy", reason: "must be a non-empty URL string" })
    expect(refused(undefined)).toEqual({ field: "proxy", reason: "must be a non-empty URL string" })
    expect(refused("http://[bad")).toEqual({
      field: "proxy",
      reason: "is not a valid URL (expected http://[user:password@]host:port)"
    })
    // no scheme: "alice:" parses as one, and must not be quoted back
    expect(refused("alice:hunter2@proxy:3128")).toEqual({
      field: "proxy",
      reason: "must be an http: proxy URL such as http://host:port"
    })
    expect(refused("https://u:secret@p:1")).toEqual({
      field: "proxy",
      reason: "must be an http: proxy URL such as http://host:port, got \"https:\""
    })
    const shape = {
      field: "proxy",
      reason: "must be http://[user:password@]host:port, without a path, query or fragment"
    }
    for (const url of ["http://p:1/x", "http://p:1?x", "http://p:1#x"]) expect(refused(url)).toEqual(shape)
    expect(refused("http://u%ZZ:secret@p:1")).toEqual({
      field: "proxy",
      reason: "has credentials that are not valid percent-encoding"
    })
    expect(JSON.stringify(refused("http://u%ZZ:secret@p:1"))).not.toContain("secret")
  })
})

describe("bypassesProxy (NO_PROXY)", () => {
  const bypass = (noProxy: string | undefined, host: string, port = "443") => Options.bypassesProxy(noProxy, host, port)
  it("matches names, domains, wildcards and ports", () => {
    expect(bypass(undefined, "fapi.binance.com")).toBe(false)
    expect(bypass("  ", "fapi.binance.com")).toBe(false)
    expect(bypass("*", "fapi.binance.com")).toBe(true)
    expect(bypass("fapi.binance.com", "FAPI.binance.com")).toBe(true)
    expect(bypass("binance.com", "fapi.binance.com")).toBe(true)
    expect(bypass(".binance.com", "fapi.binance.com")).toBe(true)
    expect(bypass("*.binance.com", "fapi.binance.com")).toBe(true)
    expect(bypass("notbinance.com", "binance.com")).toBe(false)
    expect(bypass("inance.com", "fapi.binance.com")).toBe(false)
    expect(bypass("localhost, 127.0.0.1", "127.0.0.1")).toBe(true)
    expect(bypass("a.test b.test", "b.test")).toBe(true)
    expect(bypass("127.0.0.1:8080", "127.0.0.1", "8080")).toBe(true)
    expect(bypass("127.0.0.1:8080", "127.0.0.1", "9090")).toBe(false)
    expect(bypass("[::1]:9", "[::1]", "9")).toBe(true)
    expect(bypass("[::1]", "::1", "9")).toBe(true)
    expect(bypass(",,", "a.test")).toBe(false)
  })

  it("hostOf: the base URL's host with its port, `unknown` for what is not a URL, the same answer every time", () => {
    expect(Options.hostOf("https://fapi.binance.com")).toBe("fapi.binance.com")
    expect(Options.hostOf("http://127.0.0.1:8080/")).toBe("127.0.0.1:8080")
    expect(Options.hostOf("http://127.0.0.1:8080/")).toBe("127.0.0.1:8080")
    expect(Options.hostOf("not a url")).toBe("unknown")
    expect(Options.hostOf("not a url")).toBe("unknown")
  })
})

describe("defaults and names", () => {
  it("are the documented ones", () => {
    expect(Options.DEFAULTS).toEqual({
      recvWindow: 5000,
      timeoutMs: 10_000,
      maxRetries: 3,
      maxRetryAfterWaitMs: 10_000,
      weightLimit: 2400
    })
    expect(Options.RETRY_BACKOFF).toEqual({ firstDelayMs: 200, factor: 2, maxDelayMs: 5000 })
    expect([...Options.ENVIRONMENTS]).toEqual(Object.keys(Options.environments))
    expect(Object.keys(Options.CONFIG_ENV).sort()).toEqual(
      [
        "baseUrl",
        "egress",
        "environment",
        "market",
        "maxRetries",
        "maxRetryAfterWait",
        "recvWindow",
        "timeout",
        "weightLimit"
      ]
    )
    for (const [option, name] of Object.entries(Options.CONFIG_ENV)) {
      expect(name).toBe(`BINANCE_${option === "environment" ? "ENV" : option.replace(/[A-Z]/g, "_$&").toUpperCase()}`)
    }
  })

  it("with no option, the settings are production's and the defaults, the same as checking no option gives", () => {
    expect(Options.defaultSettings(UA)).toEqual({
      baseUrl: "https://fapi.binance.com",
      recvWindow: 5000,
      maxRetries: 3,
      weightLimit: 2400,
      userAgent: UA
    })
    expect(Options.checkOptions({}, UA)).toEqual(Options.defaultSettings(UA))
  })

  it("the User-Agent names the package, its version and the runtime, in printable ASCII", () => {
    const ua = Options.userAgentOf("1.2.3")
    expect(ua).toBe(`effect-binance-pm/1.2.3 (Node.js/${process.version}; ${process.platform})`)
    expect(Options.checkOptions({}, ua)).toMatchObject({ userAgent: ua })
  })
})

describe("durations", () => {
  it("a value that is not one is told what a duration is", () => {
    expect(Options.notADuration("timeout")).toEqual({
      field: "timeout",
      reason: "must be a duration (ms number or \"10 seconds\")"
    })
  })

  it("must be finite and not negative; zero only where allowed", () => {
    for (const allowZero of [true, false]) {
      expect(Options.checkDurationMs("t", 1, allowZero)).toBeUndefined()
      expect(Options.checkDurationMs("t", 0.5, allowZero)).toBeUndefined()
      expect(Options.checkDurationMs("t", Number.MAX_SAFE_INTEGER, allowZero)).toBeUndefined()
    }
    expect(Options.checkDurationMs("maxRetryAfterWait", 0, true)).toBeUndefined()
    expect(Options.checkDurationMs("timeout", 0, false)).toEqual({
      field: "timeout",
      reason: "must be a finite positive duration"
    })
    for (const ms of [-1, -0.001, Infinity, -Infinity, NaN]) {
      expect(Options.checkDurationMs("timeout", ms, false)).toEqual({
        field: "timeout",
        reason: "must be a finite positive duration"
      })
      expect(Options.checkDurationMs("maxRetryAfterWait", ms, true)).toEqual({
        field: "maxRetryAfterWait",
        reason: "must be a finite non-negative duration"
      })
    }
  })
})

describe("resolve: options over the defaults, in any edition's durations", () => {
  // A dialect of plain numbers: a duration is its ms; a schedule is any function.
  const dialect: Options.Dialect<number, unknown> = {
    millis: (ms) => ms,
    decode: (input) => typeof input === "number" ? input : undefined,
    toMillis: (ms) => ms,
    isSchedule: (u) => typeof u === "function"
  }
  const schedule = () => 1
  const defaults = Options.resolvedDefaults<number, unknown>(UA, schedule, dialect)

  it("with no option: the plain defaults, 10 s per attempt, the default schedule, at most 10 s of waiting", () => {
    expect(defaults).toEqual({
      ...Options.defaultSettings(UA),
      timeout: 10_000,
      retrySchedule: schedule,
      maxRetryAfterWait: 10_000
    })
    expect(Options.resolve({}, defaults, dialect)).toEqual(defaults)
  })

  it("keeps what is given", () => {
    const other = () => 2
    expect(
      Options.resolve({ timeout: 5, maxRetryAfterWait: 0, retrySchedule: other, recvWindow: 10 }, defaults, dialect)
    )
      .toEqual({ ...defaults, timeout: 5, maxRetryAfterWait: 0, retrySchedule: other, recvWindow: 10 })
  })

  it("refuses, first: options that are not an object, the plain options, the schedule, then each duration", () => {
    for (const options of [null, undefined, 1, "x"]) {
      expect(Options.resolve(options as never, defaults, dialect)).toEqual({
        field: "options",
        reason: "must be an object"
      })
    }
    expect(Options.resolve({ recvWindow: 0, retrySchedule: 1, timeout: "x" }, defaults, dialect)).toMatchObject({
      field: "recvWindow"
    })
    expect(Options.resolve({ retrySchedule: 1, timeout: "x" }, defaults, dialect)).toEqual({
      field: "retrySchedule",
      reason: "must be a Schedule"
    })
    expect(Options.resolve({ timeout: "x", maxRetryAfterWait: -1 }, defaults, dialect)).toEqual(
      Options.notADuration("timeout")
    )
    expect(Options.resolve({ timeout: 0 }, defaults, dialect)).toEqual(Options.checkDurationMs("timeout", 0, false))
    expect(Options.resolve({ maxRetryAfterWait: "x" }, defaults, dialect)).toEqual(
      Options.notADuration("maxRetryAfterWait")
    )
    expect(Options.resolve({ maxRetryAfterWait: -1 }, defaults, dialect)).toEqual(
      Options.checkDurationMs("maxRetryAfterWait", -1, true)
    )
  })
})

describe("configsOf", () => {
  it("reads each option from its variable, by its kind", () => {
    const kind = (name: string) => (variable: string) => `${name} ${variable}`
    expect(Options.configsOf({
      environment: kind("environment"),
      text: kind("text"),
      integer: kind("integer"),
      duration: kind("duration"),
      market: kind("market")
    })).toEqual({
      environment: "environment BINANCE_ENV",
      baseUrl: "text BINANCE_BASE_URL",
      recvWindow: "integer BINANCE_RECV_WINDOW",
      timeout: "duration BINANCE_TIMEOUT",
      maxRetries: "integer BINANCE_MAX_RETRIES",
      maxRetryAfterWait: "duration BINANCE_MAX_RETRY_AFTER_WAIT",
      weightLimit: "integer BINANCE_WEIGHT_LIMIT",
      egress: "text BINANCE_EGRESS",
      market: "market BINANCE_MARKET"
    })
  })
})
