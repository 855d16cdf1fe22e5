// The state file's rules (src/internal/core/stateFile.ts) edge by edge, for the mutation set: what is left of a pause
// at the edges of its clocks, when a pause is forgotten, merging ties, the entries a budget makes and the budgets
// an entry raises, every reason a file is refused, and the file's own faults (lock, rename, read) on temp dirs.
// The cross-process behaviour (restarts, clock steps, four writers at once) is test/stateFile.test.ts's.
import { afterAll, describe, expect, it } from "@effect/vitest"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Gate from "../src/internal/core/gate.js"
import * as StateFile from "../src/internal/core/stateFile.js"

const KEY = "https://fapi.binance.com"
const made: Array<string> = []
const tempDir = () => {
  const directory = Fs.mkdtempSync(Path.join(Os.tmpdir(), "gate-rules-"))
  made.push(directory)
  return directory
}
afterAll(() => {
  for (const directory of made) Fs.rmSync(directory, { recursive: true, force: true })
})

const pause = (until: number, since: number, sinceMono = since): StateFile.Pause => ({ until, since, sinceMono })
const entry = (fields: Partial<StateFile.Entry>): StateFile.Entry => ({ rateLimitStreak: 0, wafStreak: 0, ...fields })
const ask = (local: number, maxWaitMs = 10_000): Gate.Ask => ({
  weight: 5,
  weightLimit: 2400,
  maxWaitMs,
  now: local,
  local
})

/** Clocks set by hand; `tick` is added to the monotonic clock at every reading (a lock wait then ends). */
const handClocks = (wall = 1_000_000, mono = 5_000, tick = 0) => {
  const clocks = { wall, mono }
  const source: StateFile.Clocks = {
    wall: () => clocks.wall,
    mono: () => (clocks.mono += tick) - tick
  }
  return { clocks, source }
}

/** Admits one request at `local` and settles it with `status`. */
const answer = (gate: StateFile.Persisted, local: number, status: number, retryAfterMs?: number) => {
  const decision = gate.admit(KEY, ask(local))
  expect(decision._tag).toBe("Admit")
  gate.settle(
    KEY,
    { weight: 5, ...(decision as Extract<Gate.Decision, { _tag: "Admit" }>) },
    {
      status,
      retryAfterMs
    },
    local,
    local
  )
}

const fileOf = (directory: string) => Path.join(directory, StateFile.FILE_NAME)
const read = (directory: string) => StateFile.parse(Fs.readFileSync(fileOf(directory), "utf8"))

describe("what is left of a pause", () => {
  const p = pause(220_000, 100_000, 50_000) // 120 s, begun at wall 100 s, monotonic 50 s

  it("on the monotonic clock from the very instant the pause began", () => {
    // the wall clock says it is over; the monotonic clock reads exactly the pause's start: all of it is left
    expect(StateFile.remaining(p, 500_000, 50_000)).toBe(120_000)
    expect(StateFile.remaining(p, 500_000, 49_999)).toBe(0) // behind the start: a reboot, the wall clock alone
    expect(StateFile.remaining(p, 500_000, 170_000)).toBe(0) // over on both
    expect(StateFile.remaining(p, 500_000, 169_000)).toBe(1_000)
  })

  it("never below zero and never above the pause's length, on either clock", () => {
    expect(StateFile.remaining(p, 100_000, 0)).toBe(120_000)
    expect(StateFile.remaining(p, 40_000, 0)).toBe(120_000) // wall stepped back before the start
    expect(StateFile.remaining(p, 219_000, 0)).toBe(1_000)
    // an end before its start (a hand-edited file) is no pause at all
    expect(StateFile.remaining(pause(90_000, 100_000, 50_000), 80_000, 50_000)).toBe(0)
  })
})

describe("after a reboot (the monotonic clock restarted)", () => {
  // 120 s, begun at wall 100 s and monotonic 600 s on boot A
  const p: StateFile.Pause = { ...pause(220_000, 100_000, 600_000), boot: "A" }

  it("the monotonic reading of another boot never counts, even once that clock has passed the pause's start", () => {
    // the wall clock says it is over; on boot B the monotonic clock reads 10 s into the pause's span: nothing left
    expect(StateFile.remaining(p, 500_000, 610_000, "B")).toBe(0)
    expect(StateFile.remaining(p, 500_000, 610_000, "A")).toBe(110_000) // same boot: the wall clock stepped forward
    expect(StateFile.remaining(p, 500_000, 610_000)).toBe(110_000) // a host that names no boot: as before
    expect(StateFile.remaining({ ...p, boot: undefined }, 500_000, 610_000, "B")).toBe(110_000) // a file of before
    // on another boot the wall clock still tells what is left
    expect(StateFile.remaining(p, 200_000, 610_000, "B")).toBe(20_000)
  })

  it("a pause over on the wall clock is forgotten at once on another boot, or with the clock behind its start", () => {
    const kept = { [KEY]: entry({ ban: p, rateLimitStreak: 2 }) }
    const wallOver = 220_000 + 120_001 // over by more than its length on the wall clock
    expect(StateFile.merge(kept, {}, wallOver, 610_000, "B")).toEqual({})
    expect(StateFile.merge(kept, {}, wallOver, 610_000, "A")).toEqual(kept) // same boot: the monotonic clock holds it
    expect(StateFile.merge(kept, {}, wallOver, 5_000)).toEqual({}) // no boot names, the clock behind the start
    expect(StateFile.merge(kept, {}, 200_000, 5_000, "B")).toEqual(kept) // still running on the wall clock
  })

  it("a written pause carries the boot it was written on, and a file with one round-trips", () => {
    const written = StateFile.entryOf(
      { ...Gate.initial(0), bannedUntil: 60_000 },
      0,
      1_000_000,
      5_000,
      "A"
    )
    expect(written.ban).toEqual({ until: 1_060_000, since: 1_000_000, sinceMono: 5_000, boot: "A" })
    expect(StateFile.entryOf({ ...Gate.initial(0), bannedUntil: 60_000 }, 0, 1, 2).ban)
      .toEqual({ until: 60_001, since: 1, sinceMono: 2 })
    const text = JSON.stringify({ version: 1, budgets: { [KEY]: { ban: p, rateLimitStreak: 0, wafStreak: 0 } } })
    expect(StateFile.parse(text)).toEqual({ [KEY]: entry({ ban: p }) })
    const bad = JSON.stringify({ version: 1, budgets: { [KEY]: { ban: { ...p, boot: 7 } } } })
    expect(StateFile.parse(bad)).toHaveProperty("corrupt")
  })

  it("the system names its boot where it can (Linux), the same at every reading", () => {
    const boot = StateFile.systemClocks.boot?.()
    if (Fs.existsSync("/proc/sys/kernel/random/boot_id")) {
      expect(boot).toBe(Fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim())
    } else {
      expect(boot).toBeUndefined()
    }
    expect(StateFile.systemClocks.boot?.()).toBe(boot)
  })
})

describe("merging", () => {
  it("a pause is kept until it is over by more than its length on the wall clock and twice it on the monotonic one", () => {
    // 30 s, begun at 100 s on both clocks: over at 130 s
    const kept = { [KEY]: entry({ pause: pause(130_000, 100_000), rateLimitStreak: 3 }) }
    expect(StateFile.merge(kept, {}, 160_000, 160_001)).toEqual(kept) // wall exactly its length past the end
    expect(StateFile.merge(kept, {}, 160_001, 160_000)).toEqual(kept) // monotonic exactly twice its length
    expect(StateFile.merge(kept, {}, 160_001, 160_001)).toEqual({})
    // still running by the monotonic clock (the wall clock stepped forward an hour): kept
    expect(StateFile.merge(kept, {}, 3_760_000, 110_000)).toEqual(kept)
  })

  it("only the kinds still running are kept, with both streaks, from whichever side has the longer", () => {
    const a = { [KEY]: entry({ ban: pause(130_000, 100_000), block: pause(900_000, 100_000), wafStreak: 4 }) }
    const b = { [KEY]: entry({ pause: pause(900_000, 100_000), rateLimitStreak: 2, wafStreak: 1 }), other: entry({}) }
    expect(StateFile.merge(a, b, 200_000, 200_000)).toEqual({
      [KEY]: { block: pause(900_000, 100_000), pause: pause(900_000, 100_000), rateLimitStreak: 2, wafStreak: 4 }
    })
  })

  it("of two pauses, the one with more left is kept, whichever side it is on", () => {
    const longer = { [KEY]: entry({ pause: pause(200_000, 100_000) }) }
    const shorter = { [KEY]: entry({ pause: pause(150_000, 100_000) }) }
    expect(StateFile.merge(longer, shorter, 120_000, 120_000)).toEqual(longer)
    expect(StateFile.merge(shorter, longer, 120_000, 120_000)).toEqual(longer)
  })

  it("of two pauses with as much left, the first one given is kept", () => {
    const a = { [KEY]: entry({ ban: pause(130_000, 100_000, 100_000) }) }
    const b = { [KEY]: entry({ ban: pause(130_000, 90_000, 90_000) }) }
    // both over (nothing left), neither forgotten yet
    expect(StateFile.merge(a, b, 140_000, 140_000)[KEY]!.ban).toEqual(a[KEY].ban)
    expect(StateFile.merge(b, a, 140_000, 140_000)[KEY]!.ban).toEqual(b[KEY].ban)
  })
})

describe("entries and budgets", () => {
  const state: Gate.BudgetState = {
    ...Gate.initial(0),
    bannedUntil: 10_000,
    pausedUntil: 5_000,
    blockedUntil: 4_000,
    rateLimitStreak: 2,
    wafStreak: 1
  }

  it("an entry holds the pauses still running at the host instant, on the wall and monotonic clocks", () => {
    expect(StateFile.entryOf(state, 4_000, 700_000, 30)).toEqual({
      ban: pause(706_000, 700_000, 30),
      pause: pause(701_000, 700_000, 30),
      rateLimitStreak: 2,
      wafStreak: 1
    })
  })

  it("a budget is raised to the entry's ends and streaks, never lowered", () => {
    const fromFile = entry({ ban: pause(800_000, 700_000, 0), pause: pause(701_000, 700_000, 0), wafStreak: 5 })
    // at host instant 4 s, wall 700 s, monotonic 0: the file's ban has 100 s left, its pause 1 s
    expect(StateFile.raise(state, fromFile, 4_000, 700_000, 0)).toEqual({
      ...state,
      bannedUntil: 104_000,
      pausedUntil: 5_000, // the budget's own pause ends later
      wafStreak: 5
    })
  })
})

describe("a file's text", () => {
  it("every shape that is not a version 1 state file is named, never thrown", () => {
    expect(StateFile.parse("{")).toEqual({ corrupt: "not JSON" })
    expect(StateFile.parse("3")).toEqual({ corrupt: "not a version 1 state file" })
    expect(StateFile.parse("null")).toEqual({ corrupt: "not a version 1 state file" })
    expect(StateFile.parse(JSON.stringify({ version: 2, budgets: {} }))).toEqual({
      corrupt: "not a version 1 state file"
    })
    expect(StateFile.parse(JSON.stringify({ version: 1, budgets: null }))).toEqual({
      corrupt: "not a version 1 state file"
    })
    expect(StateFile.parse(JSON.stringify({ version: 1, budgets: "x" }))).toEqual({
      corrupt: "not a version 1 state file"
    })
    expect(StateFile.parse(JSON.stringify({ version: 1, budgets: { [KEY]: null } }))).toEqual({
      corrupt: "a budget is not an object"
    })
    expect(StateFile.parse(JSON.stringify({ version: 1, budgets: { [KEY]: 7 } }))).toEqual({
      corrupt: "a budget is not an object"
    })
    // JSON has no Infinity, but a number too large reads as one
    expect(StateFile.parse(`{"version":1,"budgets":{"k":{"ban":{"until":1e999,"since":1,"sinceMono":1}}}}`))
      .toEqual({ corrupt: "a ban is not a pause" })
    for (const kind of ["ban", "pause", "block"]) {
      for (const bad of [null, 5, { until: 1, since: 1 }, { until: 1, sinceMono: 1 }, { since: 1, sinceMono: 1 }]) {
        expect(StateFile.parse(JSON.stringify({ version: 1, budgets: { [KEY]: { [kind]: bad } } }))).toEqual({
          corrupt: `a ${kind} is not a pause`
        })
      }
    }
  })

  it("an entry's missing or bad streaks read as 0; a version 1 file round-trips", () => {
    expect(
      StateFile.parse(JSON.stringify({ version: 1, budgets: { [KEY]: { rateLimitStreak: "2", wafStreak: null } } }))
    )
      .toEqual({ [KEY]: { rateLimitStreak: 0, wafStreak: 0 } })
    const entries = { [KEY]: entry({ block: pause(3, 1, 2), rateLimitStreak: 4, wafStreak: 2 }), b: entry({}) }
    const text = StateFile.format(entries)
    expect(JSON.parse(text)).toEqual({ version: 1, budgets: entries })
    expect(StateFile.parse(text)).toEqual(entries)
  })
})

describe("the file", () => {
  it("is <directory>/gate-state.json, made with its directories, readable by its owner only", () => {
    const directory = Path.join(tempDir(), "a", "b")
    const { clocks, source } = handClocks()
    const gate = StateFile.persisted(new Map(), { directory, clocks: source })
    expect(gate.path).toBe(Path.join(directory, "gate-state.json"))
    answer(gate, clocks.wall, 418, 60_000)
    expect(Fs.statSync(gate.path).mode & 0o777).toBe(0o600)
    expect(read(directory)).toEqual({ [KEY]: entry({ ban: pause(1_060_000, 1_000_000, 5_000) }) })
    expect(Fs.readdirSync(directory)).toEqual(["gate-state.json"]) // no lock, no temporary file left
    expect(gate.warning()).toBeUndefined()
  })

  it("only the answers that start a pause or a ban are written", () => {
    const directory = tempDir()
    const { clocks, source } = handClocks()
    const gate = StateFile.persisted(new Map(), { directory, clocks: source })
    for (const status of [200, 400, 500, 503]) answer(gate, clocks.wall, status)
    expect(Fs.existsSync(fileOf(directory))).toBe(false)
    for (const status of [429, 403, 418]) {
      const other = tempDir()
      answer(StateFile.persisted(new Map(), { directory: other, clocks: source }), clocks.wall, status, 30_000)
      expect(Object.keys(read(other))).toEqual([KEY])
    }
  })

  it("a budget is raised from the file once per reading: a success then ends the streak in memory", () => {
    const directory = tempDir()
    const { clocks, source } = handClocks()
    const gate = StateFile.persisted(new Map(), { directory, clocks: source })
    answer(gate, clocks.wall, 429) // streak 1: 1 s
    clocks.wall += 2_000
    clocks.mono += 2_000
    answer(gate, clocks.wall, 200) // the streak ends in memory; the file still says 1
    answer(gate, clocks.wall, 429) // a fresh streak: 1 s again, not 2
    expect(gate.get(KEY)).toMatchObject({ rateLimitStreak: 1, pausedUntil: clocks.wall + 1_000 })
  })

  it("the time left of a pause in the file is counted from the clocks of the admission that reads it", () => {
    const directory = tempDir()
    const { clocks, source } = handClocks()
    answer(StateFile.persisted(new Map(), { directory, clocks: source }), clocks.wall, 418, 60_000)
    clocks.wall += 10_000
    clocks.mono += 10_000
    // the next process's host clock is 5 s behind the wall clock: 50 s left, on its own clock
    const next = StateFile.persisted(new Map(), { directory, clocks: source })
    expect(next.admit(KEY, ask(clocks.wall - 5_000))).toEqual({ _tag: "Refuse", reason: "418", retryAfterMs: 50_000 })
  })

  it("a lock younger than 2 s is waited for, then given up after 3 s: one warning, memory holds", () => {
    const directory = tempDir()
    const lock = `${fileOf(directory)}.lock`
    Fs.writeFileSync(lock, "")
    const mtime = Fs.statSync(lock).mtimeMs
    // exactly 2 s old on the wall clock: not yet left behind; each monotonic reading 1 s later than the last
    const { source } = handClocks(mtime + 2_000, 0, 1_000)
    const gate = StateFile.persisted(new Map(), { directory, clocks: source })
    answer(gate, mtime, 418, 60_000)
    expect(gate.warning()).toBe(
      `RateLimit state file ${fileOf(directory)}: cannot be written (the lock file is held too long); bans and ` +
        "pauses are kept in memory only"
    )
    expect(Fs.existsSync(lock)).toBe(true)
    expect(Fs.existsSync(fileOf(directory))).toBe(false)
    expect(gate.admit(KEY, ask(mtime))).toMatchObject({ _tag: "Refuse", reason: "418" })
  })

  it("a lock older than 2 s on the wall clock is taken over", () => {
    const directory = tempDir()
    const lock = `${fileOf(directory)}.lock`
    Fs.writeFileSync(lock, "")
    const { source } = handClocks(Fs.statSync(lock).mtimeMs + 2_001, 0, 1_000)
    const gate = StateFile.persisted(new Map(), { directory, clocks: source })
    answer(gate, 0, 418, 60_000)
    expect(gate.warning()).toBeUndefined()
    expect(Fs.readdirSync(directory)).toEqual(["gate-state.json"])
  })

  it("a lock released while it is waited for is taken, up to 3 s on the monotonic clock, not a moment later", () => {
    for (const releasedAt of [1_000, 3_000]) {
      const directory = tempDir()
      const lock = `${fileOf(directory)}.lock`
      Fs.writeFileSync(lock, "")
      const wall = Fs.statSync(lock).mtimeMs
      // the monotonic clock starts at 5 s and moves 1 s a reading; its holder lets go when it reads `releasedAt` in
      let mono = 5_000
      const clocks: StateFile.Clocks = {
        wall: () => wall,
        mono: () => {
          const reading = mono
          mono += 1_000
          // readings: the settled entry's (5 s), the write's (6 s), the lock wait's start (7 s), then one a turn
          if (reading - 7_000 === releasedAt) Fs.rmSync(lock)
          return reading
        }
      }
      const gate = StateFile.persisted(new Map(), { directory, clocks })
      gate.settle(KEY, { weight: 5, window: 0, rateLimitEpoch: 0, wafEpoch: 0 }, { status: 418 }, wall, wall)
      expect(gate.warning()).toBeUndefined()
      expect(Object.keys(read(directory))).toEqual([KEY])
    }
  })

  it("a file read once is read again when another process changes it", () => {
    const directory = tempDir()
    const { clocks, source } = handClocks()
    const first = StateFile.persisted(new Map(), { directory, clocks: source })
    first.settle(
      "other",
      { weight: 5, window: 0, rateLimitEpoch: 0, wafEpoch: 0 },
      { status: 429 },
      clocks.wall,
      clocks.wall
    )
    const running = StateFile.persisted(new Map(), { directory, clocks: source })
    clocks.wall += 5_000
    clocks.mono += 5_000
    expect(running.admit("other", ask(clocks.wall))._tag).toBe("Admit") // reads the file
    answer(StateFile.persisted(new Map(), { directory, clocks: source }), clocks.wall, 418, 60_000)
    expect(running.admit(KEY, ask(clocks.wall))).toMatchObject({ _tag: "Refuse", reason: "418" })
  })

  it("a warning asked for before any fault does not use up the one warning", () => {
    const directory = tempDir()
    const { clocks, source } = handClocks()
    const gate = StateFile.persisted(new Map(), { directory, clocks: source })
    expect(gate.warning()).toBeUndefined()
    Fs.writeFileSync(fileOf(directory), "{}")
    clocks.wall += 1
    expect(gate.admit(KEY, ask(clocks.wall))._tag).toBe("Admit")
    expect(gate.warning()).toMatch(/is ignored \(not a version 1 state file\)/)
    expect(gate.warning()).toBeUndefined() // once
  })

  it("a lock whose age cannot be read is waited for as a young one", () => {
    const directory = tempDir()
    // a dangling symbolic link in the lock's place: "wx" refuses it (EEXIST), yet it has no age to read
    Fs.symlinkSync(Path.join(directory, "nowhere", "x"), `${fileOf(directory)}.lock`)
    const { clocks, source } = handClocks(1_000_000, 0, 1_000)
    const gate = StateFile.persisted(new Map(), { directory, clocks: source })
    answer(gate, clocks.wall, 418, 60_000)
    expect(gate.warning()).toMatch(/cannot be written \(the lock file is held too long\)/)
  })

  it("a rename that fails leaves no temporary file and no lock behind", () => {
    const directory = tempDir()
    Fs.mkdirSync(Path.join(fileOf(directory), "inside"), { recursive: true }) // a directory where the file goes
    const { clocks, source } = handClocks()
    const gate = StateFile.persisted(new Map(), { directory, clocks: source })
    answer(gate, clocks.wall, 418, 60_000)
    expect(gate.warning()).toMatch(/: cannot be read \(EISDIR\)/) // the first fault is the one told
    expect(Fs.readdirSync(directory)).toEqual(["gate-state.json"])
  })

  it("a directory where a file stands: the first fault (its reading) is the one warning", () => {
    const parent = tempDir()
    const directory = Path.join(parent, "file")
    Fs.writeFileSync(directory, "")
    const { clocks, source } = handClocks()
    const gate = StateFile.persisted(new Map(), { directory, clocks: source })
    answer(gate, clocks.wall, 418, 60_000)
    expect(gate.warning()).toBe(
      `RateLimit state file ${fileOf(directory)}: cannot be read (ENOTDIR); bans and pauses are kept in memory only`
    )
  })

  it("a state directory that is not a path is refused with the reason", () => {
    for (const bad of ["", 3, undefined, "a\0b"]) {
      expect(StateFile.checkDirectory("stateDir", bad)).toEqual({
        field: "stateDir",
        reason: "must be a non-empty path"
      })
    }
    expect(StateFile.checkDirectory("stateDir", "/tmp/x")).toBeUndefined()
    expect(StateFile.checkDirectory("stateDir", "x")).toBeUndefined()
    expect(StateFile.STATE_DIR_VARIABLE).toBe("BINANCE_STATE_DIR")
  })

  it("the system clocks: the wall clock in ms, the monotonic one in ms too", () => {
    expect(Math.abs(StateFile.systemClocks.wall() - Date.now())).toBeLessThan(1_000)
    const mono = Number(process.hrtime.bigint() / 1_000_000n)
    expect(Math.abs(StateFile.systemClocks.mono() - mono)).toBeLessThan(1_000)
  })
})
