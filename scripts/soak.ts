// npm run soak [-- --calls N] [--concurrency N] [--seed N] [--weight-limit N] [--strict-429]
// Drives calls through both APIs against misbehaving fakes and prints one table; exits 1 if a figure that
// must be zero is not.
import { runSoak } from "./soak/run.js"
import { table, zeros } from "./soak/table.js"

const args = process.argv.slice(2)
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`)
  return i === -1 ? undefined : args[i + 1]
}
const number = (name: string, fallback: number): number => {
  const value = flag(name)
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n <= 0) {
    process.stderr.write(`--${name} must be a positive integer, got ${value}\n`)
    process.exit(2)
  }
  return n
}

const calls = number("calls", 10_000)
const command = `npm run soak -- ${args.join(" ")}`.trim().replace(/ --$/, "")
process.stderr.write(`soak: ${calls} calls…\n`)
const report = await runSoak({
  calls,
  concurrency: number("concurrency", 32),
  seed: number("seed", 20261124),
  weightLimit: number("weight-limit", 12_000),
  strict429: args.includes("--strict-429"),
  onProgress: (done, total) => process.stderr.write(`  ${done}/${total}\n`)
})
process.stdout.write(`${table(report)}\n\nProduced by \`${command}\` on Node ${process.version}.\n`)
const bad = Object.entries(zeros(report)).filter(([, value]) => value !== 0)
if (bad.length > 0) {
  process.stdout.write(`\nNOT ZERO: ${bad.map(([name, value]) => `${name} ${value}`).join(", ")}\n`)
  process.exit(1)
}
process.exit(0)
