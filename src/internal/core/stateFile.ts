/**
 * The gate's state file: what must outlive a process (418 bans, 429 and 403 pauses and their back-off streaks,
 * per budget), kept in `<directory>/gate-state.json` under the in-memory budgets. It is the same gate over a
 * third store: the memory budgets decide (`gate.ts`), this module only raises them with what other processes
 * (or this one's previous lives) learned, and writes what this process learns.
 *
 * Plain `node:fs`, synchronous, for both editions. Why not Effect's `FileSystem`: in the Effect 3 edition it needs
 * `@effect/platform-node`, which the library must not depend on (servers and the command may), and the Effect 4
 * edition has no Node file system without `@effect/platform-node` either; one module here serves both. Why
 * synchronous: a read-merge-write then runs in one step for every fiber of the process, and it happens only when
 * a 418/429/403 arrives (rare) or when the file changed (one `stat` per admission tells).
 *
 * Rules:
 * - a write reads the file, merges, drops what expired, writes a temporary file and renames it over the old one,
 *   under a lock file (`gate-state.json.lock`, created exclusively), so two processes writing at once lose nothing;
 * - merging keeps, per budget and kind, the pause that ends later, and the longer streak: a stale writer never
 *   shortens a pause;
 * - a pause is dropped once it is over and older than its own length again (its streak with it);
 * - a pause's end is kept on the wall clock and on the host's monotonic clock; the later of the two readings
 *   holds, each at most the pause's full length: a wall clock stepped forward never ends a pause early, one
 *   stepped back never makes it longer than it was; after a reboot (the monotonic clock restarted: Linux names each
 *   boot, elsewhere the clock is then behind the pause's start) the wall clock alone tells;
 * - a fault (missing directory that cannot be made, read-only, unreadable, corrupt file, a lock never released)
 *   never fails a call: the gate goes on in memory and one warning is given.
 */
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as Budgets from "./budgets.js"
import * as Gate from "./gate.js"

export const FILE_NAME = "gate-state.json"
const VERSION = 1
// How long a writer waits for the lock before it removes it as left behind by a crashed process.
const LOCK_STALE_MS = 2_000
// How long a writer waits for the lock in all; past it, this write is given up (one warning) and memory holds.
const LOCK_GIVE_UP_MS = 3_000

/**
 * One pause or ban: its end on the wall clock, and when it began on the wall and monotonic clocks; `boot` names the
 * host's boot the monotonic reading belongs to, where the host tells it (Linux).
 */
export interface Pause {
  readonly until: number
  readonly since: number
  readonly sinceMono: number
  readonly boot?: string | undefined
}

/** One budget as the file holds it. */
export interface Entry {
  readonly ban?: Pause | undefined
  readonly pause?: Pause | undefined
  readonly block?: Pause | undefined
  readonly rateLimitStreak: number
  readonly wafStreak: number
}

export type Entries = Readonly<Record<string, Entry>>

/**
 * The clocks a state file reads: the wall clock (shared by processes), the host's monotonic one (not stepped, but
 * restarted by a reboot) and, where the host tells it, which boot that monotonic clock counts from.
 */
export interface Clocks {
  readonly wall: () => number
  readonly mono: () => number
  readonly boot?: (() => string | undefined) | undefined
}

// Linux names each boot; elsewhere a reboot is seen only while the monotonic clock is still behind a pause's start.
const BOOT_ID = "/proc/sys/kernel/random/boot_id"
let bootId: { readonly id: string | undefined } | undefined

export const systemClocks: Clocks = {
  wall: () => Date.now(),
  mono: () => Number(process.hrtime.bigint() / 1_000_000n),
  boot: () => {
    if (bootId === undefined) {
      let id: string | undefined
      try {
        id = Fs.readFileSync(BOOT_ID, "utf8").trim() || undefined
      } catch {
        id = undefined
      }
      bootId = { id }
    }
    return bootId.id
  }
}

const KINDS = ["ban", "pause", "block"] as const
type Kind = typeof KINDS[number]
const FIELD: Record<Kind, "bannedUntil" | "pausedUntil" | "blockedUntil"> = {
  ban: "bannedUntil",
  pause: "pausedUntil",
  block: "blockedUntil"
}

/**
 * Whether the monotonic reading `mono` (of boot `boot`) is on the pause's monotonic clock: the same boot where both
 * are named, else not behind the pause's start (a reboot restarts the clock; once it has counted past the old
 * start again, only a boot's name tells).
 */
const sameClock = (pause: Pause, mono: number, boot: string | undefined): boolean =>
  (pause.boot === undefined || boot === undefined || pause.boot === boot) && mono >= pause.sinceMono

/**
 * What is left of a pause at `wall`/`mono`: the later of the two clocks' readings, each within [0, its length].
 * The monotonic reading counts only on the pause's own monotonic clock (`sameClock`).
 */
export const remaining = (pause: Pause, wall: number, mono: number, boot?: string): number => {
  const length = Math.max(0, pause.until - pause.since)
  const clamp = (ms: number) => Math.min(length, Math.max(0, ms))
  const byWall = clamp(pause.until - wall)
  const byMono = sameClock(pause, mono, boot) ? clamp(pause.sinceMono + length - mono) : 0
  return Math.max(byWall, byMono)
}

/**
 * Whether a pause can be forgotten: older than its own length again, on both clocks. It is then over on both
 * (nothing `remaining`): past its end by more than its length on the wall clock, and past its start by twice it on
 * the monotonic one. After a reboot the wall clock alone tells.
 */
const expired = (pause: Pause, wall: number, mono: number, boot: string | undefined): boolean => {
  const length = pause.until - pause.since
  return wall - pause.until > length && (!sameClock(pause, mono, boot) || mono - pause.sinceMono > 2 * length)
}

const later = (
  a: Pause | undefined,
  b: Pause | undefined,
  wall: number,
  mono: number,
  boot: string | undefined
): Pause | undefined =>
  a === undefined ? b : b === undefined ? a : remaining(b, wall, mono, boot) > remaining(a, wall, mono, boot) ? b : a

/** Two files' worth of budgets as one: per budget and kind, the later end; the longer streak; expired dropped. */
export const merge = (a: Entries, b: Entries, wall: number, mono: number, boot?: string): Entries => {
  const out: Record<string, Entry> = {}
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[key]
    const y = b[key]
    const pauses: Partial<Record<Kind, Pause>> = {}
    for (const kind of KINDS) {
      const kept = later(x?.[kind], y?.[kind], wall, mono, boot)
      if (kept !== undefined && !expired(kept, wall, mono, boot)) pauses[kind] = kept
    }
    if (Object.keys(pauses).length === 0) continue
    out[key] = {
      ...pauses,
      rateLimitStreak: Math.max(x?.rateLimitStreak ?? 0, y?.rateLimitStreak ?? 0),
      wafStreak: Math.max(x?.wafStreak ?? 0, y?.wafStreak ?? 0)
    }
  }
  return out
}

/** A budget's pauses and bans as an entry (at host-clock instant `local`, wall `wall`, monotonic `mono`). */
export const entryOf = (
  state: Gate.BudgetState,
  local: number,
  wall: number,
  mono: number,
  boot?: string
): Entry => {
  const entry: { -readonly [K in keyof Entry]: Entry[K] } = {
    rateLimitStreak: state.rateLimitStreak,
    wafStreak: state.wafStreak
  }
  for (const kind of KINDS) {
    const left = state[FIELD[kind]] - local
    if (left > 0) {
      entry[kind] = { until: wall + left, since: wall, sinceMono: mono, ...(boot === undefined ? {} : { boot }) }
    }
  }
  return entry
}

/** A budget raised by its entry: pauses and bans end no earlier than the entry says, streaks are no shorter. */
export const raise = (
  state: Gate.BudgetState,
  entry: Entry,
  local: number,
  wall: number,
  mono: number,
  boot?: string
): Gate.BudgetState => {
  const next = {
    ...state,
    rateLimitStreak: Math.max(state.rateLimitStreak, entry.rateLimitStreak),
    wafStreak: Math.max(state.wafStreak, entry.wafStreak)
  }
  for (const kind of KINDS) {
    const pause = entry[kind]
    if (pause !== undefined) {
      next[FIELD[kind]] = Math.max(state[FIELD[kind]], local + remaining(pause, wall, mono, boot))
    }
  }
  return next
}

const isNumber = (n: unknown): n is number => Number.isFinite(n)

const isPause = (p: unknown): p is Pause => {
  // Any other value has none of the three numbers (a primitive's properties are undefined).
  const pause = (p ?? {}) as Partial<Pause>
  return isNumber(pause.until) && isNumber(pause.since) && isNumber(pause.sinceMono) &&
    (pause.boot === undefined || typeof pause.boot === "string")
}

/** The budgets of a file's text, or a reason it is unreadable. */
export const parse = (text: string): Entries | { readonly corrupt: string } => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { corrupt: "not JSON" }
  }
  const file = (typeof json === "object" && json !== null ? json : {}) as { version?: unknown; budgets?: unknown }
  const budgets = file.budgets
  if (file.version !== VERSION || typeof budgets !== "object" || budgets === null) {
    return { corrupt: `not a version ${VERSION} state file` }
  }
  const out: Record<string, Entry> = {}
  for (const [key, value] of Object.entries(budgets)) {
    const e = value as Partial<Entry> | null
    if (typeof e !== "object" || e === null) return { corrupt: "a budget is not an object" }
    const entry: { -readonly [K in keyof Entry]: Entry[K] } = {
      rateLimitStreak: isNumber(e.rateLimitStreak) ? e.rateLimitStreak : 0,
      wafStreak: isNumber(e.wafStreak) ? e.wafStreak : 0
    }
    for (const kind of KINDS) {
      if (e[kind] === undefined) continue
      if (!isPause(e[kind])) return { corrupt: `a ${kind} is not a pause` }
      entry[kind] = e[kind]
    }
    out[key] = entry
  }
  return out
}

export const format = (entries: Entries): string => JSON.stringify({ version: VERSION, budgets: entries }, null, 1)

// `error`: what node threw (an Error), or a reason of this module's own (a string): never null or undefined.
const describe = (error: unknown): string => {
  const code = (error as { code?: unknown }).code
  return typeof code === "string" ? code : error instanceof Error ? error.message : String(error)
}

// A synchronous pause while another process holds the lock (it holds it for a read and a rename: microseconds).
const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)

/** Options of `persisted`. */
export interface Options {
  readonly directory: string
  readonly clocks?: Clocks | undefined
}

/**
 * Memory budgets over a state file. `warning()` hands out the one warning of the first fault, once, for the
 * edition to log (a library logs; it never prints).
 */
export interface Persisted extends Budgets.Budgets {
  readonly warning: () => string | undefined
  /** The file, for messages and docs. */
  readonly path: string
}

/** Budgets in `memory` (a `Map`, usually the process-wide one) raised by, and written to, the state file. */
export const persisted = (memory: Map<string, Gate.BudgetState>, options: Options): Persisted => {
  const clocks = options.clocks ?? systemClocks
  const path = Path.join(options.directory, FILE_NAME)
  const lock = `${path}.lock`
  const budgets = Budgets.memoryBudgets(memory)
  let entries: Entries = {}
  // What the file was when it was last read: size, mtime and inode (undefined: no file, or none to read); a
  // change means another writer.
  let seen: string | undefined
  // Budgets already raised from `entries` since they were read.
  const raised = new Set<string>()
  let fault: string | undefined
  let warned = false

  const trouble = (what: string, error: unknown) => {
    fault ??= `RateLimit state file ${path}: ${what} (${describe(error)}); bans and pauses are kept in memory only`
  }

  const signature = (): string | undefined => {
    try {
      const stat = Fs.statSync(path, { throwIfNoEntry: false })
      return stat && `${stat.size}:${stat.mtimeMs}:${stat.ino}`
    } catch (error) {
      trouble("cannot be read", error)
      return undefined
    }
  }

  const read = (): Entries => {
    let text: string
    try {
      text = Fs.readFileSync(path, "utf8")
    } catch (error) {
      if ((error as { code?: unknown }).code !== "ENOENT") trouble("cannot be read", error)
      return {}
    }
    const parsed = parse(text)
    if ("corrupt" in parsed) {
      trouble("is ignored", parsed.corrupt)
      return {}
    }
    return parsed
  }

  const refresh = () => {
    const now = signature()
    if (now === seen) return
    seen = now
    entries = read()
    raised.clear()
  }

  const withLock = (f: () => void) => {
    const started = clocks.mono()
    for (;;) {
      try {
        Fs.closeSync(Fs.openSync(lock, "wx"))
        break
      } catch (error) {
        if ((error as { code?: unknown }).code !== "EEXIST") throw error
        // A lock gone since (its holder finished) is simply tried again.
        const held = Fs.statSync(lock, { throwIfNoEntry: false })
        if (held !== undefined && clocks.wall() - held.mtimeMs > LOCK_STALE_MS) Fs.rmSync(lock, { force: true })
        else if (clocks.mono() - started > LOCK_GIVE_UP_MS) throw new Error("the lock file is held too long")
        else sleepSync(2)
      }
    }
    try {
      f()
    } finally {
      Fs.rmSync(lock, { force: true })
    }
  }

  const write = (key: string, entry: Entry) => {
    const wall = clocks.wall()
    const mono = clocks.mono()
    try {
      Fs.mkdirSync(options.directory, { recursive: true })
      withLock(() => {
        const merged = merge(read(), { [key]: entry }, wall, mono, clocks.boot?.())
        const temporary = `${path}.${process.pid}.${Math.random().toString(36)}.tmp`
        try {
          Fs.writeFileSync(temporary, format(merged), { mode: 0o600 })
          Fs.renameSync(temporary, path)
        } catch (error) {
          Fs.rmSync(temporary, { force: true })
          throw error
        }
        entries = merged
        seen = signature()
      })
    } catch (error) {
      trouble("cannot be written", error)
    }
  }

  const admit = (key: string, ask: Gate.Ask): Gate.Decision => {
    refresh()
    const entry = entries[key]
    if (entry !== undefined && !raised.has(key)) {
      raised.add(key)
      memory.set(
        key,
        raise(Gate.roll(memory.get(key), ask.now), entry, ask.local, clocks.wall(), clocks.mono(), clocks.boot?.())
      )
    }
    return budgets.admit(key, ask)
  }

  const settle = (key: string, admitted: Gate.Admitted, outcome: Gate.Outcome, now: number, local: number) => {
    const state = Gate.settle(memory.get(key), admitted, outcome, now, local)
    memory.set(key, state)
    const status = outcome.status
    // Only the answers that start a pause or ban are written; a success ends a streak in memory only.
    if (status !== 418 && status !== 429 && status !== 403) return
    write(key, entryOf(state, local, clocks.wall(), clocks.mono(), clocks.boot?.()))
  }

  const get = (key: string): Gate.BudgetState | undefined => budgets.get(key)

  const warning = (): string | undefined => {
    if (warned || fault === undefined) return undefined
    warned = true
    return fault
  }

  return { admit, settle, get, warning, path }
}

/** The environment variable that names the state directory (the command's and `RateLimit.layerConfig`'s). */
export const STATE_DIR_VARIABLE = "BINANCE_STATE_DIR"

/** What is wrong with a state directory option, for `InvalidConfiguration`, or undefined. */
export const checkDirectory = (
  field: string,
  directory: unknown
): { readonly field: string; readonly reason: string } | undefined =>
  typeof directory !== "string" || directory.length === 0 || directory.includes("\0")
    ? { field, reason: "must be a non-empty path" }
    : undefined
