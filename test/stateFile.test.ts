// The gate's state file (src/internal/core/stateFile.ts), shared by both editions: bans and pauses that outlive a
// process, its merge rules, its faults, clock steps, and two real processes writing at once.
import { afterAll, describe, expect, it } from "@effect/vitest"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import type * as Budgets from "../src/internal/core/budgets.js"
import type * as Gate from "../src/internal/core/gate.js"
import * as StateFile from "../src/internal/core/stateFile.js"

const KEY = "https://fapi.binance.com"
const made: Array<string> = []
const tempDir = () => {
  const directory = Fs.mkdtempSync(Path.join(Os.tmpdir(), "gate-state-"))
  made.push(directory)
  return directory
}
afterAll(() => {
  for (const directory of made) Fs.rmSync(directory, { recursive: true, force: true })
})

/** Clocks a spec moves by hand: the wall clock can be stepped, the monotonic one only advances. */
const handClocks = (wall = 1_000_000, mono = 5_000) => {
  const clocks = { wall, mono }
  return {
    clocks,
    source: { wall: () => clocks.wall, mono: () => clocks.mono } satisfies StateFile.Clocks,
    elapse: (ms: number) => {
      clocks.wall += ms
      clocks.mono += ms
    }
  }
}

const ask = (local: number): Gate.Ask => ({ weight: 5, weightLimit: 2400, maxWaitMs: 10_000, now: local, local })

/** A process's gate over the directory: fresh memory, as after a restart. */
const processOn = (directory: string, clocks?: StateFile.Clocks) =>
  StateFile.persisted(new Map(), { directory, clocks })

/** Sends one request through `budgets` at `local` and settles it with `status`. */
const answer = (budgets: Budgets.Budgets, local: number, status: number, retryAfterMs?: number) => {
  const decision = budgets.admit(KEY, ask(local))
  expect(decision._tag).toBe("Admit")
  const admitted = decision as Extract<Gate.Decision, { _tag: "Admit" }>
  budgets.settle(KEY, { weight: 5, ...admitted }, { status, retryAfterMs }, local, local)
}

const pause = (until: number, since: number, sinceMono = since): StateFile.Pause => ({ until, since, sinceMono })

describe("state file rules", () => {
  it("merging keeps the later end of each pause and the longer streak: a stale writer never shortens a pause", () => {
    const a: StateFile.Entries = { [KEY]: { ban: pause(200_000, 80_000), rateLimitStreak: 1, wafStreak: 3 } }
    const b: StateFile.Entries = {
      [KEY]: { ban: pause(150_000, 100_000), pause: pause(130_000, 100_000), rateLimitStreak: 2, wafStreak: 0 }
    }
    const merged = StateFile.merge(a, b, 100_000, 100_000)
    expect(merged).toEqual({
      [KEY]: { ban: pause(200_000, 80_000), pause: pause(130_000, 100_000), rateLimitStreak: 2, wafStreak: 3 }
    })
    expect(StateFile.merge(b, a, 100_000, 100_000)).toEqual(merged)
  })

  it("a pause is dropped once it is over and older than its own length again, its streak with it", () => {
    const entries: StateFile.Entries = { [KEY]: { pause: pause(130_000, 100_000), rateLimitStreak: 4, wafStreak: 0 } }
    // over at 130 s, kept until 160 s (its 30 s length again): a 429 right after a restart still doubles
    expect(StateFile.merge(entries, {}, 159_000, 159_000)).toEqual(entries)
    expect(StateFile.merge(entries, {}, 161_000, 161_000)).toEqual({})
  })

  it("what is left of a pause: the later of the wall and monotonic readings, each at most the pause's length", () => {
    const p = pause(220_000, 100_000, 50_000) // 120 s, begun at wall 100 s, monotonic 50 s
    expect(StateFile.remaining(p, 160_000, 110_000)).toBe(60_000)
    // wall stepped forward 5 minutes: the monotonic clock still says 60 s
    expect(StateFile.remaining(p, 460_000, 110_000)).toBe(60_000)
    // wall stepped back 5 minutes: never more than the pause's own 120 s
    expect(StateFile.remaining(p, -140_000, 110_000)).toBe(120_000)
    // a reboot (monotonic behind the start): the wall clock alone
    expect(StateFile.remaining(p, 160_000, 10)).toBe(60_000)
    expect(StateFile.remaining(p, 230_000, 110_000 + 70_000)).toBe(0)
  })

  it("a file that is not a state file is reported, never thrown", () => {
    expect(StateFile.parse("{")).toEqual({ corrupt: "not JSON" })
    expect(StateFile.parse("null")).toMatchObject({ corrupt: expect.any(String) })
    expect(StateFile.parse(JSON.stringify({ version: 1, budgets: { [KEY]: { ban: { until: "x" } } } })))
      .toMatchObject({ corrupt: expect.any(String) })
    const entries: StateFile.Entries = { [KEY]: { ban: pause(3, 1, 2), rateLimitStreak: 0, wafStreak: 1 } }
    expect(StateFile.parse(StateFile.format(entries))).toEqual(entries)
  })

  it("a state directory must be a non-empty path", () => {
    expect(StateFile.checkDirectory("stateDir", "")).toMatchObject({ field: "stateDir" })
    expect(StateFile.checkDirectory("stateDir", 3)).toMatchObject({ field: "stateDir" })
    expect(StateFile.checkDirectory("stateDir", "a\0b")).toMatchObject({ field: "stateDir" })
    expect(StateFile.checkDirectory("stateDir", "/tmp/x")).toBeUndefined()
  })
})

describe("state file across processes", () => {
  it("a ban learned by one process refuses the next one at once, with the time left", () => {
    const directory = tempDir()
    const { clocks, source, elapse } = handClocks()
    const first = processOn(directory, source)
    answer(first, clocks.wall, 418, 120_000)
    expect(Fs.existsSync(Path.join(directory, StateFile.FILE_NAME))).toBe(true)
    elapse(2_000)
    const second = processOn(directory, source)
    expect(second.admit(KEY, ask(clocks.wall))).toEqual({ _tag: "Refuse", reason: "418", retryAfterMs: 118_000 })
    expect(second.warning()).toBeUndefined()
    elapse(118_000)
    expect(processOn(directory, source).admit(KEY, ask(clocks.wall))._tag).toBe("Admit")
  })

  it("429 and 403 pauses and their back-off streaks carry over: the next 429 after a restart doubles", () => {
    const directory = tempDir()
    const { clocks, source, elapse } = handClocks()
    const first = processOn(directory, source)
    answer(first, clocks.wall, 429) // no Retry-After: 1 s
    elapse(1_500)
    const second = processOn(directory, source)
    answer(second, clocks.wall, 429) // the streak is 2 now: 2 s
    const third = processOn(directory, source)
    expect(third.admit(KEY, { ...ask(clocks.wall), maxWaitMs: 0 })).toEqual({
      _tag: "Refuse",
      reason: "429",
      retryAfterMs: 2_000
    })
    elapse(2_000)
    answer(third, clocks.wall, 403)
    expect(processOn(directory, source).admit(KEY, { ...ask(clocks.wall), maxWaitMs: 0 })).toMatchObject({
      _tag: "Refuse",
      reason: "403",
      retryAfterMs: 1_000
    })
  })

  it("a wall clock stepped forward by minutes does not end a ban early; stepped back, it does not lengthen it", () => {
    const directory = tempDir()
    const { clocks, source, elapse } = handClocks()
    answer(processOn(directory, source), clocks.wall, 418, 120_000)
    elapse(10_000)
    clocks.wall += 5 * 60_000
    expect(processOn(directory, source).admit(KEY, ask(clocks.wall))).toEqual({
      _tag: "Refuse",
      reason: "418",
      retryAfterMs: 110_000
    })
    clocks.wall -= 10 * 60_000
    const back = processOn(directory, source).admit(KEY, ask(clocks.wall))
    expect(back).toMatchObject({ _tag: "Refuse", reason: "418" })
    expect((back as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(120_000)
  })

  it("a process that is running sees what another one wrote when the file changes", () => {
    const directory = tempDir()
    const { clocks, source } = handClocks()
    const running = processOn(directory, source)
    expect(running.admit(KEY, ask(clocks.wall))._tag).toBe("Admit")
    answer(processOn(directory, source), clocks.wall, 418, 60_000)
    expect(running.admit(KEY, ask(clocks.wall))).toMatchObject({ _tag: "Refuse", reason: "418" })
  })
})

describe("state file faults never hurt a call", () => {
  it("a corrupt file: requests go on, one warning, and the next ban repairs it", () => {
    const directory = tempDir()
    const file = Path.join(directory, StateFile.FILE_NAME)
    Fs.writeFileSync(file, "{ not json")
    const { clocks, source } = handClocks()
    const gate = processOn(directory, source)
    expect(gate.admit(KEY, ask(clocks.wall))._tag).toBe("Admit")
    expect(gate.warning()).toMatch(/gate-state\.json: is ignored \(not JSON\)/)
    expect(gate.warning()).toBeUndefined()
    answer(gate, clocks.wall, 418, 60_000)
    expect(StateFile.parse(Fs.readFileSync(file, "utf8"))).toHaveProperty([KEY, "ban"])
  })

  it("a directory that cannot be made or written (a file stands in its place): one warning, memory holds", () => {
    const parent = tempDir()
    const directory = Path.join(parent, "not-a-directory")
    Fs.writeFileSync(directory, "")
    const { clocks, source } = handClocks()
    const gate = processOn(directory, source)
    answer(gate, clocks.wall, 418, 60_000)
    expect(gate.admit(KEY, ask(clocks.wall))).toMatchObject({ _tag: "Refuse", reason: "418" })
    expect(gate.warning()).toMatch(/cannot be (read|written)/)
    expect(gate.warning()).toBeUndefined()
  })

  it("an unreadable file (a directory in its place): one warning, no stack trace, the call goes on", () => {
    const directory = tempDir()
    Fs.mkdirSync(Path.join(directory, StateFile.FILE_NAME))
    const { clocks, source } = handClocks()
    const gate = processOn(directory, source)
    expect(gate.admit(KEY, ask(clocks.wall))._tag).toBe("Admit")
    const warning = gate.warning()
    expect(warning).toMatch(/cannot be read \(EISDIR\)/)
    expect(warning).not.toMatch(/\n\s+at /)
  })

  it("a lock left behind by a crashed writer is taken over", () => {
    const directory = tempDir()
    const lock = Path.join(directory, `${StateFile.FILE_NAME}.lock`)
    Fs.writeFileSync(lock, "")
    const old = new Date(Date.now() - 60_000)
    Fs.utimesSync(lock, old, old)
    const gate = processOn(directory)
    answer(gate, Date.now(), 418, 60_000)
    expect(gate.warning()).toBeUndefined()
    expect(Fs.existsSync(lock)).toBe(false)
    expect(processOn(directory).admit(KEY, ask(Date.now()))).toMatchObject({ _tag: "Refuse", reason: "418" })
  })

  it("four real processes writing bans at once lose none", async () => {
    const directory = tempDir()
    const writer = Path.resolve("test/workers/stateFileWriter.ts")
    const tsx = Path.resolve("node_modules/.bin/tsx")
    const runs = [0, 1, 2, 3].map((id) =>
      new Promise<number | null>((resolve) => {
        const child = ChildProcess.spawn(tsx, [writer, directory, String(id), "25"], { stdio: "inherit" })
        child.on("exit", resolve)
      })
    )
    expect(await Promise.all(runs)).toEqual([0, 0, 0, 0])
    const entries = StateFile.parse(Fs.readFileSync(Path.join(directory, StateFile.FILE_NAME), "utf8"))
    expect(Object.keys(entries).sort()).toEqual(
      [0, 1, 2, 3].flatMap((id) => Array.from({ length: 25 }, (_, i) => `budget-${id}-${i}`)).sort()
    )
  }, 60_000)
})
