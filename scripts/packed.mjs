// The published packages as a user gets them: builds and packs each edition (the same `npm run build` and
// `npm pack` that scripts/package-check.sh and effect4's check:package use), installs each tarball into a consumer
// folder of its own next to its Effect peers (the versions this repo pins), and returns those folders. The
// e2e, differential and soak specs import the library from there, so they test the tarball, not the sources.
//
// Cached by content: a consumer folder is named after a hash of everything that goes into its tarball (sources,
// build settings, package.json) and of its peers' versions, so an unchanged edition is never packed twice — not by
// two spec files of one run (a lock serializes them), nor by the next run. The folders live in the OS temp
// directory, outside this repo, so a module the tarball forgot to declare cannot be found in the repo's
// node_modules by accident.
//
//   node scripts/packed.mjs [3|4|both]    prints {"3": "/tmp/…/consumer", "4": …}
import { execFileSync } from "node:child_process"
import * as Crypto from "node:crypto"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Url from "node:url"

const root = Path.resolve(Path.dirname(Url.fileURLToPath(import.meta.url)), "..")

/** Where each edition is built from, what decides its tarball's contents, and the peers it is installed with. */
const EDITIONS = {
  3: {
    dir: root,
    inputs: [
      "src",
      "package.json",
      "tsconfig.build.json",
      "tsconfig.build.cjs.json",
      "scripts/build.mjs",
      "scripts/build-bin.mjs",
      "scripts/build-promise.mjs",
      "README.md"
    ],
    // @effect/platform-node: the Effect API specs send with its HttpClient, as an app of this edition would.
    // ws: the optional peer a watcher's stream needs on Node 20 and the served fake's stream always needs.
    peers: ["effect", "@effect/platform", "@effect/platform-node", "ws"]
  },
  4: {
    dir: Path.join(root, "effect4"),
    // ../scripts/build-bin.mjs: the root's bundler builds this edition's dist/bin.js too.
    inputs: [
      "src",
      "package.json",
      "tsconfig.build.json",
      "tsconfig.build.cjs.json",
      "scripts/build.mjs",
      "../scripts/build-bin.mjs",
      "../scripts/build-promise.mjs",
      "README.md"
    ],
    peers: ["effect", "ws"]
  }
}

const cacheRoot = Path.join(Os.tmpdir(), "effect-binance-pm-packed")

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" })

/** Every file under `path` (following symlinks: effect4/src/internal/core and internal/wiring are), sorted. */
const files = (path) => {
  if (!Fs.existsSync(path)) return []
  if (!Fs.statSync(path).isDirectory()) return [path]
  return Fs.readdirSync(path).sort().flatMap((name) => files(Path.join(path, name)))
}

/** The version of `name` this edition's own install holds: the one its lockfile pins. */
const pinned = (dir, name) =>
  JSON.parse(Fs.readFileSync(Path.join(dir, "node_modules", name, "package.json"), "utf8")).version

const hashOf = (edition, peers) => {
  const { dir, inputs } = EDITIONS[edition]
  const hash = Crypto.createHash("sha256").update(JSON.stringify({ edition, peers }))
  for (const file of inputs.flatMap((input) => files(Path.join(dir, input)))) {
    hash.update(Path.relative(dir, file)).update("\0").update(Fs.readFileSync(file)).update("\0")
  }
  return hash.digest("hex").slice(0, 16)
}

/** One process at a time builds (the specs run in parallel workers); the others wait, then find it cached. */
const withLock = async (body) => {
  Fs.mkdirSync(cacheRoot, { recursive: true })
  const lock = Path.join(cacheRoot, "lock")
  const started = Date.now()
  for (;;) {
    try {
      Fs.mkdirSync(lock)
      Fs.writeFileSync(Path.join(lock, "pid"), String(process.pid))
      break
    } catch (error) {
      if (error.code !== "EEXIST") throw error
      // A holder that died (killed run) leaves its lock behind: take it over.
      const holder = Number(Fs.readFileSync(Path.join(lock, "pid"), { encoding: "utf8", flag: "a+" }))
      if (holder > 0 && !alive(holder)) Fs.rmSync(lock, { recursive: true, force: true })
      else if (Date.now() - started > 600_000) throw new Error(`${lock} held for 10 minutes by pid ${holder}`)
      else await new Promise((resolve) => setTimeout(resolve, 250))
    }
  }
  try {
    return await body()
  } finally {
    Fs.rmSync(lock, { recursive: true, force: true })
  }
}

const alive = (pid) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return error.code === "EPERM"
  }
}

const prepare = (edition) => {
  const { dir, peers } = EDITIONS[edition]
  // The root's `npm test` installs effect4 after its own specs: install it now if nobody has.
  if (!Fs.existsSync(Path.join(dir, "node_modules"))) run("npm", ["ci", "--no-audit", "--no-fund", "--silent"], dir)
  const versions = Object.fromEntries(peers.map((name) => [name, pinned(dir, name)]))
  const target = Path.join(cacheRoot, `effect${edition}-${hashOf(edition, versions)}`)
  const consumer = Path.join(target, "consumer")
  if (Fs.existsSync(Path.join(target, "ready"))) return consumer
  Fs.rmSync(target, { recursive: true, force: true })
  Fs.mkdirSync(consumer, { recursive: true })
  run("npm", ["run", "--silent", "build"], dir)
  const tarball = run("npm", ["pack", "--silent", "--pack-destination", target], dir).trim().split("\n").pop()
  Fs.writeFileSync(Path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true }) + "\n")
  run("npm", [
    "install",
    "--prefer-offline",
    "--no-audit",
    "--no-fund",
    "--silent",
    Path.join(target, tarball),
    ...Object.entries(versions).map(([name, version]) => `${name}@${version}`)
  ], consumer)
  Fs.writeFileSync(Path.join(target, "ready"), `${new Date().toISOString()}\n`)
  return consumer
}

/**
 * The consumer folder of each edition asked for (built, packed and installed unless cached). Import the library
 * from `<folder>/node_modules/effect-binance-pm/…`, or resolve it with `createRequire(<folder>/package.json)`.
 *
 * @param {ReadonlyArray<3 | 4>} editions
 * @returns {Promise<Record<string, string>>}
 */
export const packed = (editions = [3, 4]) =>
  withLock(() => Object.fromEntries(editions.map((edition) => [edition, prepare(edition)])))

if (process.argv[1] !== undefined && Url.pathToFileURL(process.argv[1]).href === import.meta.url) {
  const which = process.argv[2] ?? "both"
  const editions = which === "both" ? [3, 4] : [Number(which)]
  if (!editions.every((edition) => edition in EDITIONS)) {
    process.stderr.write(`usage: node scripts/packed.mjs [3|4|both], got ${which}\n`)
    process.exit(2)
  }
  process.stdout.write(JSON.stringify(await packed(editions)) + "\n")
}
