import { defineConfig } from "vitest/config"

// vitest 5's reporter calls Map.groupBy (Node 21+) when it prints failures (formatErrorAttempts): on Node 20 — this
// edition's engines floor, and what CI runs — a failing run dies with a TypeError instead of printing the failure.
// Checked with vitest 5.1.2 on Node 20.20.2; drop this once the floor is Node 22.
const groupable = Map as unknown as { groupBy?: unknown }
groupable.groupBy ??= <K, V>(items: Iterable<V>, key: (item: V, index: number) => K): Map<K, Array<V>> => {
  const groups = new Map<K, Array<V>>()
  let index = 0
  for (const item of items) {
    const k = key(item, index++)
    const group = groups.get(k)
    if (group === undefined) groups.set(k, [item])
    else group.push(item)
  }
  return groups
}

export default defineConfig({
  // src/internal/core is a symlink to the root edition's rules: resolve its imports where it sits in this tree.
  resolve: { preserveSymlinks: true },
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["./test/setup.ts"],
    testTimeout: 30_000
  }
})
