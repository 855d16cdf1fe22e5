import { runOneIp } from "./oneIp.js"
const r = await runOneIp({ calls: Number(process.argv[2] ?? 600), burstEveryMs: Number(process.argv[3] ?? 9000), faultScale: Number(process.argv[4] ?? 1) })
console.log(JSON.stringify({ ...r, verdicts: r.verdicts }, null, 1))
process.exit(0)
