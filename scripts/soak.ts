// npm run soak [-- --edition 3|4|both] [--calls N] [--concurrency N] [--seed N] [--weight-limit N] [--strict-429]
//   [--one-ip-calls N] [--restarts N]
// Drives calls through both APIs against misbehaving fakes, then the one-IP scenario (two Promise clients and an
// Effect program sharing one budget against one fake that answers 429, 403 and 418), and prints one table per
// edition; exits 1 if a figure that must be zero is not. The Promise API is each edition's packed tarball
// (default: both, one after the other), and so is the Effect API (Effect 3's from the sources); the one-IP
// scenario's Promise B is the other edition's, so its one budget spans both.
import { loadEditions } from "./editions.js"
import { runOneIp } from "./soak/oneIp.js"
import { programOf } from "./soak/programOf.js"
import { restartsTable, runRestarts } from "./soak/restarts.js"
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

const edition = flag("edition") ?? "both"
if (!["3", "4", "both"].includes(edition)) {
  process.stderr.write(`--edition must be 3, 4 or both, got ${edition}\n`)
  process.exit(2)
}
const calls = number("calls", 10_000)
const oneIpCalls = number("one-ip-calls", 3_000)
const command = `npm run soak -- ${args.join(" ")}`.trim().replace(/ --$/, "")
const bad: Array<string> = []
const examples: Array<string> = []
// Both are loaded: the one-IP scenario's Promise B is the other edition's.
const loadedEditions = await loadEditions([3, 4])
for (const loaded of loadedEditions.filter((e) => edition === "both" || e.edition === Number(edition))) {
  const { name, promise } = loaded
  const program = await programOf(loaded)
  process.stderr.write(`soak, both APIs from the ${name}: ${calls} calls…\n`)
  const report = await runSoak({
    calls,
    concurrency: number("concurrency", 32),
    seed: number("seed", 20261124),
    weightLimit: number("weight-limit", 12_000),
    strict429: args.includes("--strict-429"),
    onProgress: (done, total) => process.stderr.write(`  ${done}/${total}\n`),
    promiseApi: promise,
    program
  })
  process.stderr.write(`soak, one IP, Promise clients from the ${name}: ${oneIpCalls} calls…\n`)
  const oneIp = await runOneIp({
    calls: oneIpCalls,
    seed: number("seed", 20261124),
    promiseApi: promise,
    promiseApiB: loadedEditions.find((other) => other !== loaded)!.promise,
    program
  })
  process.stdout.write(
    `## Promise API and Effect API: ${name} (in the one-IP soak, Promise B is the other edition's)\n\n${
      table(report)
    }\n${oneIpRows(oneIp)}\n\n${ONE_IP_NOTES}\n\n`
  )
  const notZero = [
    ...Object.entries(zeros(report)),
    ...Object.entries(oneIpZeros(oneIp)).map(([what, value]) => [`oneIp.${what}`, value] as const)
  ].filter(([, value]) => value !== 0)
  bad.push(...notZero.map(([what, value]) => `${name}: ${what} ${value}`))
  if (notZero.length > 0) examples.push(...oneIp.examples)
}
// Last, the restart soak: a crashing client restarted under a supervisor, inside bans, both editions in turn.
const restarts = number("restarts", 100)
process.stderr.write(`soak, a crashing client restarted ${restarts} times with a state directory…\n`)
const restarted = await runRestarts(restarts, 5)
process.stdout.write(`## A crashing client restarted ${restarts} times inside bans\n\n${restartsTable(restarted)}\n\n`)
if (restarted.insideBan !== 0) bad.push(`restarts: requests inside a ban ${restarted.insideBan}`)
process.stdout.write(`Produced by \`${command}\` on Node ${process.version}.\n`)
if (bad.length > 0) {
  process.stdout.write(`\nNOT ZERO: ${bad.join(", ")}\n`)
  if (examples.length > 0) process.stdout.write(`${examples.join("\n")}\n`)
  process.exit(1)
}
process.exit(0)
