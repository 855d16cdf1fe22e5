// npm run soak [-- --calls N] [--concurrency N] [--seed N] [--weight-limit N] [--strict-429] [--one-ip-calls N]
// Drives calls through both APIs against misbehaving fakes, then the one-IP scenario (two Promise clients and an
// Effect program sharing one budget against one fake that answers 429, 403 and 418), and prints one table; exits
// 1 if a figure that must be zero is not.
import { runOneIp } from "./soak/oneIp.js"
import { runSoak } from "./soak/run.js"
import { ONE_IP_NOTES, oneIpRows, oneIpZeros, table, zeros } from "./soak/table.js"

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
const oneIpCalls = number("one-ip-calls", 3_000)
process.stderr.write(`soak, one IP: ${oneIpCalls} calls…\n`)
const oneIp = await runOneIp({ calls: oneIpCalls, seed: number("seed", 20261124) })
process.stdout.write(
  `${table(report)}\n${oneIpRows(oneIp)}\n\n${ONE_IP_NOTES}\n\nProduced by \`${command}\` on Node ${process.version}.\n`
)
const bad = [
  ...Object.entries(zeros(report)),
  ...Object.entries(oneIpZeros(oneIp)).map(([name, value]) => [`oneIp.${name}`, value] as const)
].filter(([, value]) => value !== 0)
if (bad.length > 0) {
  process.stdout.write(`\nNOT ZERO: ${bad.map(([name, value]) => `${name} ${value}`).join(", ")}\n`)
  if (oneIp.examples.length > 0) process.stdout.write(`${oneIp.examples.join("\n")}\n`)
  process.exit(1)
}
process.exit(0)
