// Leak check, run in its own process with --expose-gc: heap and RSS after 1,000 calls and after N calls,
// each measured after full collections. Prints one JSON line.
//   node --expose-gc --import tsx bench/leak.ts <effect|promise> <baseUrl> <calls>
const [mode = "effect", baseUrl = "", total = "100000"] = process.argv.slice(2)
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error("run with --expose-gc")

const settle = async () => {
  // A few rounds: weak references and finalizers (the platform registers responses) need more than one.
  for (let i = 0; i < 4; i++) {
    gc()
    await new Promise((resolve) => setImmediate(resolve))
  }
  const { heapUsed, rss } = process.memoryUsage()
  return { heapUsed, rss }
}

const main = async () => {
  // Only the row measured is loaded: the Promise API's process holds no Effect API program (nor a second effect).
  const spec = mode === "promise"
    ? (await import("./rows/promise.js")).promiseApi
    : (await import("./rows/effect.js")).effectNode
  const row = await spec.make({ baseUrl, apiKey: "bench-key", secretKey: "bench-secret" })
  let done = 1
  const runTo = async (target: number) => {
    const worker = async () => {
      while (done < target) {
        done++
        await row.call()
      }
    }
    await Promise.all(Array.from({ length: 16 }, worker))
  }
  await runTo(1_000)
  const early = await settle()
  await runTo(Number(total))
  const late = await settle()
  await row.close()
  process.stdout.write(`${JSON.stringify({ mode, calls: done, early, late })}\n`)
}

main().catch((error) => {
  process.stderr.write(`${String(error)}\n`)
  process.exit(1)
})
