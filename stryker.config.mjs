// @ts-check
// Mutation testing of the rule modules (`npm run mutate`): StrykerJS with the vitest runner, over the fast unit
// specs in vitest.mutate.config.ts. Scores and surviving mutants: docs/testing-the-library.md.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutate.config.ts", related: false },
  coverageAnalysis: "perTest",
  // Code run while modules load (e.g. a layer built at the top of a spec file) would need every spec per mutant.
  ignoreStatic: true,
  mutate: [
    // the rules both editions share: the gate's arithmetic, how answers are classified and read, the endpoint's
    // parameters, request bytes and body, the options, key parsing and signing
    "src/internal/core/gate.ts",
    "src/internal/core/responses.ts",
    "src/internal/core/endpoint.ts",
    "src/internal/core/options.ts",
    "src/internal/core/keys.ts",
    // the call machine, the clock's rules and the Promise client: every rule of one call
    "src/internal/core/call.ts",
    "src/internal/core/clock.ts",
    "src/internal/core/promiseClient.ts",
    // the desk watcher's rules: the read schedule, the user-data stream's life cycle, decoding its messages, the
    // options' checks and the pace the watchers of one budget share (test/watch*.test.ts, test/Watch.test.ts)
    "src/internal/core/watch/schedule.ts",
    "src/internal/core/watch/stream.ts",
    "src/internal/core/watch/events.ts",
    "src/internal/core/watch/options.ts",
    "src/internal/core/watch/share.ts",
    // the clock offset (learnOffset) and one attempt through the gate
    "src/internal/attempt.ts",
    // a process's budgets: the gate's admission loop, the process-wide budgets, the step-free host clock
    // (test/gate.test.ts, test/budgets.test.ts)
    "src/internal/core/budgets.ts",
    // bans and pauses kept across processes: the merge rules, the file's text, the lock, its faults on temp dirs
    // (test/stateFile.rules.test.ts)
    "src/internal/core/stateFile.ts",
    // the Promise API's watcher and the listenKey request's rules (test/watch.promiseWatcher*.test.ts,
    // test/watch.listenKey*.test.ts); the watcher's driver (test/watch.driver.test.ts)
    "src/internal/core/watch/promiseWatcher.ts",
    "src/internal/core/watch/listenKey.ts",
    "src/internal/core/watch/driver.ts",
    // the metrics' tags and memo, the watcher's read tags, the budget's egress, one abort listener per signal
    // (test/metrics.rules.test.ts, test/watch.metrics.rules.test.ts, test/egress.test.ts, test/abortWatch.test.ts)
    "src/internal/core/metrics.ts",
    "src/internal/core/watch/metrics.ts",
    "src/internal/core/egress.ts",
    "src/internal/core/abortWatch.ts",
    // the shared gate's Redis side over a stand-in client, and RateLimitRedis's options
    // (test/redisStore.rules.test.ts, test/redisOptions.rules.test.ts)
    "src/internal/core/redisStore.ts",
    "src/internal/core/redisOptions.ts",
    // node's send and its forward proxies, called directly over loopback servers (test/nodeSend.test.ts,
    // test/proxyAgent.test.ts)
    "src/internal/core/nodeSend.ts",
    "src/internal/core/proxyAgent.ts"
  ],
  concurrency: 2,
  timeoutMS: 30_000,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
  ignorePatterns: ["bench", "docs", "dist", "build", "reports", "coverage", "scripts", "effect4"]
}
