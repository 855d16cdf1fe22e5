// The specs `npm run mutate` (StrykerJS) runs against every mutant: the fast unit specs of the rule modules only.
// No load, no soak, no end-to-end over processes (the state file's four writers are test/stateFile.test.ts's, its
// rules and faults test/stateFile.rules.test.ts's); I/O only over loopback and temp dirs. Each mutant reruns the
// specs that cover it, so on a 2-core machine a run stays within minutes. See docs/testing-the-library.md.
import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: [
      "test/Credentials.test.ts",
      "test/Credentials.order.test.ts",
      "test/responses.test.ts",
      "test/call.test.ts",
      "test/callTraces.test.ts",
      "test/promiseClient.test.ts",
      "test/watch*.test.ts",
      "test/Watch.test.ts",
      "test/endpoint.rules.test.ts",
      "test/options.rules.test.ts",
      "test/keys.rules.test.ts",
      "test/attempt.rules.test.ts",
      "test/coinm.test.ts",
      "test/proxy.test.ts",
      "test/PortfolioMargin.test.ts",
      "test/validation.test.ts",
      "test/retries.test.ts",
      "test/BinanceClock.test.ts",
      "test/RateLimit.test.ts",
      "test/gate*.test.ts",
      "test/budgets.test.ts",
      "test/stateFile.rules.test.ts",
      "test/metrics.rules.test.ts",
      "test/egress.test.ts",
      "test/abortWatch.test.ts",
      "test/redisStore.rules.test.ts",
      "test/redisOptions.rules.test.ts",
      "test/nodeSend.test.ts",
      "test/proxyAgent.test.ts",
      "test/corpus.test.ts",
      "test/secrets.test.ts"
    ],
    setupFiles: ["./test/setup.ts"],
    fakeTimers: { toFake: undefined },
    testTimeout: 30_000
  }
})
