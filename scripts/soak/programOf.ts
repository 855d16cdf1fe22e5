import * as Url from "node:url"
import { type Edition, exported } from "../editions.js"
import type { MakeProgram } from "./program.js"

/**
 * The Effect program of `edition`. Effect 4's is imported by a path computed at run time, so that the root's
 * TypeScript never checks it against Effect 3; it gets its Effect and library from the tarball's consumer folder.
 */
export const programOf = async (edition: Edition): Promise<MakeProgram> => {
  if (edition.edition === 3) return (await import("./program3.js")).make
  const path = Url.fileURLToPath(new URL("../../test/packed/effect4/soakProgram.ts", import.meta.url))
  const { make } = await import(/* @vite-ignore */ path) as { make: (modules: unknown) => MakeProgram }
  return make({
    effect: await import(exported(edition.folder, "effect")),
    http: await import(exported(edition.folder, "effect", "./http")),
    library: await import(exported(edition.folder, "effect-binance-pm"))
  })
}
