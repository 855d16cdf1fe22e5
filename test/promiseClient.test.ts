// The Promise client's rules (src/internal/core/promiseClient.ts) over a scripted runtime: no Effect. Which calls
// are running, what an abort or `close` does to them, what each call resolves or rejects with, and createClient's
// plain option checks. Both editions' promise modules are this over their own runtime (test/promise.test.ts and
// effect4/test/promise.test.ts run them for real).
import { describe, expect, it } from "@effect/vitest"
import type { Success } from "../src/internal/core/call.js"
import { AbortError, type WatchOptions } from "../src/internal/core/promiseApi.js"
import * as PromiseClient from "../src/internal/core/promiseClient.js"

const SUCCESS: Success = {
  body: { asset: "BTC", maxWithdrawAmount: "1.50", maxWithdrawAmountUSD: "90000" },
  usedWeight: 7,
  attempts: 2
}

class Closed extends Error {
  constructor(readonly during: boolean) {
    super(during ? "closed during the call" : "closed")
  }
}

/** A runtime whose calls end when the spec says so. */
const scripted = () => {
  let next = 0
  const calls = new Map<number, { readonly end: (end: PromiseClient.End<unknown>) => void; readonly params: unknown }>()
  const stopped: Array<number> = []
  let closedWith: ReadonlyArray<number> | undefined
  let immediate: PromiseClient.End<never> | undefined
  const watchers: Array<{ readonly options: WatchOptions; closed: boolean }> = []
  const runtime: PromiseClient.Runtime<number, Error> = {
    start: (params, shape, done) => {
      const id = next++
      if (immediate !== undefined) {
        done(immediate)
        return id
      }
      calls.set(id, {
        params,
        end: (end) => done(end._tag === "Success" ? { _tag: "Success", value: shape(end.value as Success) } : end)
      })
      return id
    },
    stop: (id) => {
      stopped.push(id)
      calls.get(id)?.end({ _tag: "Interrupted" })
    },
    close: async (running) => {
      closedWith = running
      for (const id of running) calls.get(id)?.end({ _tag: "Interrupted" })
    },
    watch: (options) => {
      const watcher = { options, closed: false }
      watchers.push(watcher)
      return {
        [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve({ done: true, value: undefined }) }),
        latest: () => undefined,
        fresh: () => Promise.reject(new Error("not read")),
        close: async () => {
          watcher.closed = true
        }
      }
    },
    closed: (during) => new Closed(during),
    invalid: (refusal) => Object.assign(new Error(refusal.reason), refusal)
  }
  return {
    client: PromiseClient.make(runtime),
    end: (id: number, end: PromiseClient.End<unknown>) => calls.get(id)!.end(end),
    params: (id: number) => calls.get(id)?.params,
    stopped,
    watchers,
    closedWith: () => closedWith,
    endAtOnce: (end: PromiseClient.End<never>) => {
      immediate = end
    }
  }
}

describe("the Promise client over a runtime", () => {
  it("resolves Binance's strings, or them with the used weight and attempts", async () => {
    const rt = scripted()
    const info = rt.client.pmAccountInfo({ asset: "BTC" })
    const result = rt.client.pmAccountInfoResult({ asset: "BTC" })
    expect(rt.params(0)).toEqual({ asset: "BTC" })
    rt.end(0, { _tag: "Success", value: SUCCESS })
    rt.end(1, { _tag: "Success", value: SUCCESS })
    expect(await info).toEqual(SUCCESS.body)
    expect(await result).toEqual({ info: SUCCESS.body, usedWeight: 7, attempts: 2 })
  })

  it("rejects with the call's error, and a defect as an Error tagged Defect", async () => {
    const rt = scripted()
    const failed = rt.client.pmAccountInfo({ asset: "BTC" })
    const broken = rt.client.pmAccountInfo({ asset: "BTC" })
    const error = Object.assign(new Error("limited"), { _tag: "RateLimited" })
    rt.end(0, { _tag: "Failure", error })
    rt.end(1, { _tag: "Defect", defect: "boom" })
    await expect(failed).rejects.toBe(error)
    await expect(broken).rejects.toMatchObject({
      _tag: "Defect",
      name: "Defect",
      message: "Unexpected failure: boom",
      cause: "boom"
    })
  })

  it("a call that ends while it starts (bad parameters) rejects, and is not left running", async () => {
    const rt = scripted()
    const error = Object.assign(new Error("bad"), { _tag: "InvalidParameters" })
    rt.endAtOnce({ _tag: "Failure", error })
    await expect(rt.client.pmAccountInfo({ asset: "btc" })).rejects.toBe(error)
    await rt.client.close()
    expect(rt.closedWith()).toEqual([])
  })

  it("an aborted signal: a call rejects with AbortError at once, or when it aborts mid-call", async () => {
    const rt = scripted()
    const before = new AbortController()
    before.abort("too late")
    await expect(rt.client.pmAccountInfo({ asset: "BTC" }, { signal: before.signal })).rejects.toMatchObject({
      name: "AbortError",
      cause: "too late"
    })
    expect(rt.params(0)).toBeUndefined()
    const during = new AbortController()
    const first = rt.client.pmAccountInfo({ asset: "BTC" }, { signal: during.signal })
    const second = rt.client.pmAccountInfoResult({ asset: "BTC" }, { signal: during.signal })
    const other = rt.client.pmAccountInfo({ asset: "BTC" })
    during.abort("stop")
    await expect(first).rejects.toBeInstanceOf(AbortError)
    await expect(second).rejects.toMatchObject({ cause: "stop" })
    expect(rt.stopped).toEqual([0, 1])
    rt.end(2, { _tag: "Success", value: SUCCESS })
    expect(await other).toEqual(SUCCESS.body)
  })

  it("a signal whose calls ended stops nothing when it aborts later", async () => {
    const rt = scripted()
    const controller = new AbortController()
    const call = rt.client.pmAccountInfo({ asset: "BTC" }, { signal: controller.signal })
    rt.end(0, { _tag: "Success", value: SUCCESS })
    await call
    controller.abort()
    expect(rt.stopped).toEqual([])
  })

  it("close stops the running calls (they reject as closed during the call), and later calls reject at once", async () => {
    const rt = scripted()
    const running = rt.client.pmAccountInfo({ asset: "BTC" })
    const done = rt.client.pmAccountInfo({ asset: "BTC" })
    rt.end(1, { _tag: "Success", value: SUCCESS })
    await done
    await rt.client.close()
    expect(rt.closedWith()).toEqual([0])
    await expect(running).rejects.toMatchObject({ during: true })
    await expect(rt.client.pmAccountInfo({ asset: "BTC" })).rejects.toMatchObject({ during: false })
  })

  it("an interruption that is neither an abort nor a close is a defect", async () => {
    const rt = scripted()
    const call = rt.client.pmAccountInfo({ asset: "BTC" })
    rt.end(0, { _tag: "Interrupted" })
    await expect(call).rejects.toMatchObject({ _tag: "Defect", message: "Unexpected failure: interrupted" })
  })
})

describe("the Promise client's watchers", () => {
  it("starts a watcher of checked options, and refuses unknown ones with the edition's error", () => {
    const rt = scripted()
    rt.client.watch({ assets: ["BTC"], maxAgeMs: 1000 })
    expect(rt.watchers.map((watcher) => watcher.options)).toEqual([{ assets: ["BTC"], maxAgeMs: 1000 }])
    expect(() => rt.client.watch({ assets: ["BTC"], every: 1 } as never)).toThrow(
      expect.objectContaining({ field: "every", reason: "is not a known option of watch" })
    )
    expect(rt.watchers).toHaveLength(1)
  })

  it("close closes the watchers still open, then the calls; a closed client starts no watcher", async () => {
    const rt = scripted()
    const closedFirst = rt.client.watch({ assets: ["BTC"] })
    rt.client.watch({ assets: ["ETH"] })
    await closedFirst.close()
    rt.watchers[0]!.closed = false // closed by its owner: the client's close must not close it again
    await rt.client.close()
    expect(rt.watchers.map((watcher) => watcher.closed)).toEqual([false, true])
    expect(() => rt.client.watch({ assets: ["BTC"] })).toThrow(expect.objectContaining({ during: false }))
  })
})

describe("a call's end, read from its fiber's exit (endOf)", () => {
  const causes: PromiseClient.Causes<{ readonly error?: Error; readonly interrupted?: boolean }> = {
    error: (cause) => cause.error,
    isInterruptedOnly: (cause) => cause.interrupted === true,
    squash: () => "squashed"
  }

  it("a value, the typed error, an interruption alone, or else the squashed defect", () => {
    const error = new Error("limited")
    expect(PromiseClient.endOf({ _tag: "Success", value: 1 }, causes)).toEqual({ _tag: "Success", value: 1 })
    expect(PromiseClient.endOf({ _tag: "Failure", cause: { error, interrupted: true } }, causes)).toEqual({
      _tag: "Failure",
      error
    })
    expect(PromiseClient.endOf({ _tag: "Failure", cause: { interrupted: true } }, causes)).toEqual({
      _tag: "Interrupted"
    })
    expect(PromiseClient.endOf({ _tag: "Failure", cause: {} }, causes)).toEqual({
      _tag: "Defect",
      defect: "squashed"
    })
  })
})

describe("createClient's plain checks (plan)", () => {
  const base = { apiKey: "k", secretKey: "s" }

  it("a plan: the key, BinanceConfig's options in ms, the proxy", () => {
    expect(PromiseClient.plan({
      ...base,
      baseUrl: "https://fapi.test",
      recvWindow: 6000,
      timeoutMs: 2500,
      maxRetryAfterWaitMs: 0,
      maxRetries: 1,
      weightLimit: 1200,
      egress: "eth0",
      market: "coin-m",
      environment: "testnet",
      proxy: "http://proxy:3128"
    })).toEqual({
      apiKey: "k",
      key: { _tag: "Hmac", secretKey: "s" },
      config: {
        environment: "testnet",
        baseUrl: "https://fapi.test",
        recvWindow: 6000,
        maxRetries: 1,
        weightLimit: 1200,
        timeout: 2500,
        maxRetryAfterWait: 0,
        egress: "eth0",
        market: "coin-m"
      },
      proxy: "http://proxy:3128",
      wsBaseUrl: "wss://fstream.binance.com"
    })
  })

  it("refusals, in the order a caller fixes them", () => {
    expect(PromiseClient.plan({ apiKey: "k" } as never)).toMatchObject({ field: "secretKey" })
    expect(PromiseClient.plan({ ...base, timeoutMs: 0, maxRetryAfterWaitMs: -1 })).toMatchObject({ field: "timeoutMs" })
    expect(PromiseClient.plan({ ...base, maxRetryAfterWaitMs: -1, proxy: 1 as never })).toMatchObject({
      field: "maxRetryAfterWaitMs"
    })
    expect(PromiseClient.plan({ ...base, stateDir: "", proxy: 1 as never })).toMatchObject({ field: "stateDir" })
    expect(PromiseClient.plan({ ...base, proxy: 1 as never })).toMatchObject({ field: "proxy" })
    expect(PromiseClient.plan({ ...base, stateDir: "/var/state" })).toMatchObject({ stateDir: "/var/state" })
  })

  it("the key, made with the edition's constructors; a passphrase's refusal under the option's name", () => {
    const made = (plan: PromiseClient.Plan | { readonly field: string }) =>
      PromiseClient.credentialsOf<object>(plan as PromiseClient.Plan, {
        makeHmac: (options) => ({ hmac: options }),
        makePrivateKey: (options) => ({ privateKey: options })
      })
    expect(made(PromiseClient.plan(base))).toEqual({ hmac: { apiKey: "k", secretKey: "s" } })
    expect(made(PromiseClient.plan({ apiKey: "k", privateKey: "pem", privateKeyPassphrase: "p" }))).toEqual({
      privateKey: { apiKey: "k", privateKey: "pem", passphrase: "p" }
    })
    const invalid = (refusal: { readonly field: string; readonly reason: string }) => ({ ...refusal })
    const wrong = { field: "passphrase", reason: "is wrong" }
    expect(PromiseClient.keyError(wrong, invalid)).toEqual({ field: "privateKeyPassphrase", reason: "is wrong" })
    const malformed = { field: "privateKey", reason: "is malformed" }
    expect(PromiseClient.keyError(malformed, invalid)).toBe(malformed)
  })
})
