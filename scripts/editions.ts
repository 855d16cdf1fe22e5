/**
 * Both editions as their users get them: the packed tarballs (scripts/packed.mjs), each installed next to its own
 * Effect. The specs and the soak drive an edition's Promise API and its FakeBinance through this; the fake's
 * effects run on that edition's own Effect runtime.
 *
 * Typed as the Effect 3 sources: both editions' Promise APIs and fakes have the same surface.
 */
import type * as Effect from "effect/Effect"
import type * as Redacted from "effect/Redacted"
import * as Fs from "node:fs"
import * as Path from "node:path"
import * as Url from "node:url"
import type * as FakeBinance from "../src/FakeBinance.js"
import type * as PromiseApi from "../src/promise.js"
import { packed } from "./packed.mjs"

/** What the soak needs of a Promise API. */
export type PromiseClientApi = Pick<typeof PromiseApi, "createClient" | "isClientError">

export interface Served {
  readonly baseUrl: string
  readonly fake: FakeBinance.Service
}

export interface Edition {
  readonly edition: 3 | 4
  /** For test titles. */
  readonly name: string
  /** The consumer folder the tarball is installed in. */
  readonly folder: string
  readonly promise: typeof PromiseApi
  readonly FakeBinance: typeof FakeBinance
  /** Runs one of this edition's effects (its fake's) on this edition's runtime. */
  readonly run: <A, E>(effect: Effect.Effect<A, E>) => Promise<A>
  /** Reads a Redacted of this edition (the fake's log holds them). */
  readonly reveal: (redacted: Redacted.Redacted) => string
  /** Serves this edition's fake until `body` settles. */
  readonly withFake: <A>(options: FakeBinance.Options, body: (served: Served) => Promise<A>) => Promise<A>
}

/** An export of a package installed in `folder`, as an ESM URL (imported natively, never through vite's aliases). */
export const exported = (folder: string, pkg: string, subpath = "."): string => {
  const dir = Path.join(folder, "node_modules", pkg)
  let target: unknown = JSON.parse(Fs.readFileSync(Path.join(dir, "package.json"), "utf8")).exports[subpath]
  while (typeof target === "object" && target !== null) {
    const conditions = target as Record<string, unknown>
    target = conditions["import"] ?? conditions["default"]
  }
  if (typeof target !== "string") throw new Error(`${pkg} does not export ${subpath}`)
  return Url.pathToFileURL(Path.join(dir, target)).href
}

const load = async (edition: 3 | 4, folder: string): Promise<Edition> => {
  const promise: typeof PromiseApi = await import(exported(folder, "effect-binance-pm", "./promise"))
  const testing = await import(exported(folder, "effect-binance-pm", "./testing"))
  const { Effect: E, Redacted: R }: { Effect: typeof Effect; Redacted: typeof Redacted } = await import(
    exported(folder, "effect")
  )
  return {
    edition,
    name: `Effect ${edition} tarball`,
    folder,
    promise,
    FakeBinance: testing.FakeBinance,
    run: (effect) => E.runPromise(effect),
    reveal: (redacted) => R.value(redacted) as string,
    withFake: (options, body) =>
      E.runPromise(
        E.scoped(E.flatMap(testing.FakeBinance.serve(options), (served: Served) => E.promise(() => body(served))))
      )
  }
}

/** The packed tarballs of `which` editions (packed unless cached), loaded. */
export const loadEditions = async (which: ReadonlyArray<3 | 4>): Promise<ReadonlyArray<Edition>> => {
  const folders = await packed(which)
  return Promise.all(which.map((edition) => load(edition, folders[edition]!)))
}
