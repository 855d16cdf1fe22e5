import { configDefaults, defineConfig } from "vitest/config"

const src = (file: string) => new URL(`./src/${file}`, import.meta.url).pathname

export default defineConfig({
  // The docs' examples (test/examples) import the package as a user would; here that is its sources.
  resolve: {
    alias: [
      { find: /^effect-binance-pm$/, replacement: src("index.ts") },
      { find: /^effect-binance-pm\/(promise|testing|redis)$/, replacement: src("$1.ts") }
    ]
  },
  test: {
    include: ["test/**/*.test.ts"],
    // Effect 4 code, run by effect4's vitest: npm run test:packed4
    exclude: [...configDefaults.exclude, "test/packed/effect4/**"],
    setupFiles: ["./test/setup.ts"],
    fakeTimers: { toFake: undefined },
    testTimeout: 30_000
  }
})
