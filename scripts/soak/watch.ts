// The watcher's wall-clock soak over loopback, as users get it: each edition's packed Promise API (`client.watch`)
// watches 10 assets at the default share against its own served FakeBinance, over real HTTP and WebSocket, for
// --minutes (default 10). The account drifts 0.4 % every 30 s (a re-read of every asset each time it has moved more
// than 1 %), the stream is dropped every 2 minutes and 2 % of reads are answered 429. Both editions run at once, each
// on its own fake. Prints, per edition: the pmAccountInfo weight of each minute (the share is 240 of 2400), each
// asset's age sampled every second (p50, p99, max), the stream's drops and returns, the 429s, the failed reads.
// The same scenario on virtual time is test/Watch.soak.test.ts.
//   node --import tsx scripts/soak/watch.ts [--minutes N] [--edition 3|4|both]
import { type Edition, loadEditions } from "../editions.js"

const args = process.argv.slice(2)
const flag = (name: string) => {
  const at = args.indexOf(`--${name}`)
  return at === -1 ? undefined : args[at + 1]
}
const minutes = Number(flag("minutes") ?? 10)
const which = flag("edition") ?? "both"
if (!Number.isInteger(minutes) || minutes < 1 || !["3", "4", "both"].includes(which)) {
  process.stderr.write("usage: node --import tsx scripts/soak/watch.ts [--minutes N (≥ 1)] [--edition 3|4|both]\n")
  process.exit(2)
}

const PM = "/fapi/v1/pmAccountInfo"
const API_KEY = "soak-watch-key"
const SECRET = "soak-watch-secret"
const ASSETS = ["BTC", "ETH", "BNB", "SOL", "XRP", "ADA", "DOGE", "TRX", "LINK", "DOT"]
const amounts = { maxWithdrawAmount: "1.5", maxWithdrawAmountUSD: "100.25" }
const accounts = [{
  apiKey: API_KEY,
  hmacSecret: SECRET,
  assets: Object.fromEntries(ASSETS.map((asset) => [asset, amounts]))
}]
const figures = (vmw: number) => ({
  uniMMR: "1.9",
  accountEquity: "30000",
  actualEquity: "30000",
  initialMargin: "20000",
  maintenanceMargin: "15000",
  availableBalance: "3900",
  virtualMaxWithdrawUSD: vmw.toFixed(2)
})

const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Report {
  readonly name: string
  readonly weightPerMinute: ReadonlyArray<number>
  readonly ageP50: number
  readonly ageP99: number
  readonly ageMax: number
  readonly drops: number
  readonly ups: number
  readonly rateLimited: number
  readonly readFailed: number
  readonly assetEvents: number
}

const soak = (edition: Edition): Promise<Report> =>
  edition.withFake({ accounts }, async ({ baseUrl, fake }) => {
    await edition.run(fake.setStreamAccount(API_KEY, figures(10_000)))
    await edition.run(fake.setFaultRate(edition.FakeBinance.Fault.rateLimited(2), 0.02, { path: PM, seed: 3 }))
    const client = edition.promise.createClient({
      apiKey: API_KEY,
      secretKey: SECRET,
      baseUrl,
      wsBaseUrl: baseUrl.replace("http:", "ws:")
    })
    const counts = { drops: 0, ups: 0, readFailed: 0, assetEvents: 0 }
    const watcher = client.watch({ assets: ASSETS })
    const consumed = (async () => {
      for await (const event of watcher) {
        if (event.type === "stream") {
          if (event.state === "up") counts.ups++
          else counts.drops++
        } else if (event.type === "read-failed") counts.readFailed++
        else if (event.type === "asset") counts.assetEvents++
      }
    })()
    const startedAt = Date.now()
    const ages: Array<number> = []
    let vmw = 10_000
    try {
      for (let second = 1; second <= minutes * 60; second++) {
        await sleep(startedAt + second * 1_000 - Date.now())
        if (second % 120 === 0) await edition.run(fake.dropStream())
        if (second % 30 === 0) await edition.run(fake.setStreamAccount(API_KEY, figures(vmw *= 1.004)))
        const now = Date.now()
        for (const asset of ASSETS) {
          const latest = watcher.latest(asset)
          if (latest !== undefined) ages.push(now - latest.at)
        }
      }
    } finally {
      await watcher.close()
      await consumed
      await client.close()
    }
    const weightPerMinute = Array.from({ length: minutes }, () => 0)
    let rateLimited = 0
    for (const entry of await edition.run(fake.requests)) {
      if (entry.path !== PM) continue
      if (entry.status === 429) rateLimited++
      const minute = Math.floor((entry.time - startedAt) / 60_000)
      if (minute >= 0 && minute < minutes) weightPerMinute[minute]! += 5
    }
    ages.sort((a, b) => a - b)
    return {
      name: edition.name,
      weightPerMinute,
      ageP50: percentile(ages, 0.5),
      ageP99: percentile(ages, 0.99),
      ageMax: ages.at(-1) ?? Number.NaN,
      rateLimited,
      ...counts
    }
  })

const editions = await loadEditions(which === "both" ? [3, 4] : [Number(which) as 3 | 4])
process.stderr.write(`watch soak: ${minutes} min of wall time, ${editions.map((e) => e.name).join(" and ")}\n`)
const reports = await Promise.all(editions.map(soak))
const s = (ms: number) => `${(ms / 1_000).toFixed(1)} s`
const rows = reports.map((r) =>
  `| ${r.name} | ${Math.min(...r.weightPerMinute)}–${Math.max(...r.weightPerMinute)} | ${s(r.ageP50)} | ${
    s(r.ageP99)
  } | ${s(r.ageMax)} | ${r.drops} / ${r.ups} | ${r.rateLimited} | ${r.readFailed} | ${r.assetEvents} |`
)
process.stdout.write(
  [
    `Watch soak over loopback, ${minutes} min, 10 assets, default share (240 weight a minute), Node ${process.version}`,
    "",
    "| edition | weight/min | age p50 | age p99 | age max | stream down / up | 429s | failed reads | asset events |",
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ...rows,
    ""
  ].join("\n")
)
// Over the share in any minute, or a figure older than twice the default maxAgeMs: the watcher broke its promise.
const broke = reports.some((r) => Math.max(...r.weightPerMinute) > 240 || r.ageMax > 120_000)
process.exit(broke ? 1 : 0)
