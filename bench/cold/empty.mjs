// Cold start baseline: Node itself, no client.
const cpu = process.cpuUsage()
process.stdout.write(
  `${JSON.stringify({ firstResultMs: performance.now(), cpuMs: (cpu.user + cpu.system) / 1000, asset: "BTC" })}\n`
)
process.exit(0)
