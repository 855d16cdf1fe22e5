// The watcher specs' data, plain: replayed by each edition's test/Watch.test.ts (the Effect API under TestClock) and
// test/Watch.promise.test.ts, so that both editions refuse the same options and see the same stream frames.

/** pmAccountInfo's answers for the assets the specs watch besides BTC. */
export const ETH = { maxWithdrawAmount: "100.5", maxWithdrawAmountUSD: "250000.1" } as const
export const SOL = { maxWithdrawAmount: "7", maxWithdrawAmountUSD: "1000" } as const

export const LISTEN_KEY = "/fapi/v1/listenKey"

/** Options a watcher refuses at once, and the field its `InvalidConfiguration` names. */
export const badWatchOptions: ReadonlyArray<readonly [Record<string, unknown>, string]> = [
  [{ assets: [] }, "assets"],
  [{ assets: ["BTC"], weightShare: 2 }, "weightShare"],
  [{ assets: ["BTC"], maxAgeMs: 10 }, "maxAgeMs"],
  [{ assets: ["BTC"], wsBaseUrl: "ws://example.com" }, "wsBaseUrl"],
  [{ assets: ["BTC"], wsBaseUrl: "https://fstream.binance.com" }, "wsBaseUrl"]
]

/** A `PM_PRO_ACCOUNT_UPDATE` frame with this `vmw`, at event time `at`. */
export const accountFrame = (vmw: string, at: number) => ({
  e: "PM_PRO_ACCOUNT_UPDATE",
  E: at,
  u: "1.9",
  eq: "30.2",
  ae: "30.2",
  im: "20.6",
  mm: "15.1",
  avb: "3.9",
  vmw
})

/** The same figures as the fake's `setStreamAccount` takes them. */
export const streamFigures = (vmw: string) => ({
  uniMMR: "1.9",
  accountEquity: "30.2",
  actualEquity: "30.2",
  initialMargin: "20.6",
  maintenanceMargin: "15.1",
  availableBalance: "3.9",
  virtualMaxWithdrawUSD: vmw
})

/** `createClient({ wsBaseUrl })` values refused with `InvalidConfiguration` naming `wsBaseUrl`. */
export const badWsBaseUrls: ReadonlyArray<unknown> = [
  "http://127.0.0.1:1",
  "ws://example.com",
  "wss://user:pw@fstream.binance.com",
  42
]

/** `client.watch` options refused at once, and the field named (the Promise API's own checks included). */
export const badPromiseWatchOptions: ReadonlyArray<readonly [Record<string, unknown>, string]> = [
  [{ assets: [] }, "assets"],
  [{ assets: ["BTC"], weightShare: 0 }, "weightShare"],
  [{ assets: ["BTC"], stream: "yes" }, "stream"],
  [{ assets: ["BTC"], every: 5 }, "every"],
  [{ assets: ["BTC"], signal: "stop" }, "signal"]
]
