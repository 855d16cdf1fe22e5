// One process writing bans into a shared state directory as fast as it can, for test/stateFile.test.ts (four of
// them run at once): `tsx test/workers/stateFileWriter.ts <directory> <id> <count>`. Exits 1 on any warning.
import * as StateFile from "../../src/internal/core/stateFile.js"

const [directory, id, count] = process.argv.slice(2) as [string, string, string]
const gate = StateFile.persisted(new Map(), { directory })
for (let i = 0; i < Number(count); i++) {
  const key = `budget-${id}-${i}`
  const local = Date.now()
  const decision = gate.admit(key, { weight: 1, weightLimit: 2400, maxWaitMs: 0, now: local, local })
  if (decision._tag !== "Admit") process.exit(2)
  gate.settle(key, { weight: 1, ...decision }, { status: 418, retryAfterMs: 600_000 }, local, local)
}
const warning = gate.warning()
if (warning !== undefined) {
  process.stderr.write(`${warning}\n`)
  process.exit(1)
}
