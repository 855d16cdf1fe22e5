// Cold start baseline: Node itself, no client.
process.stdout.write(`${JSON.stringify({ firstResultMs: performance.now(), asset: "BTC" })}\n`)
process.exit(0)
