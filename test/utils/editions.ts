// Both editions' packed tarballs, loaded once per spec file (packed once per content: scripts/packed.mjs).
import { loadEditions } from "../../scripts/editions.js"

export type { Edition } from "../../scripts/editions.js"

export const editions = await loadEditions([3, 4])

/** For `describe.each(byName)("… %s", (_name, edition) => …)`: titles name the edition without quotes. */
export const byName = editions.map((edition) => [edition.name, edition] as const)
