// A watcher whose client has a proxy, in a runtime without the `ws` package (each spec mocks it away): the stream
// would go around the proxy with the global `WebSocket`, so the watcher fails at once with `InvalidConfiguration`,
// which never quotes the proxy's credentials. With the stream off, `ws` is not needed. No Effect here: each case
// says which proxy and stream setting to make a watcher with, and `seen` reduces the outcome to what is checked;
// test/Watch.proxy.noWs.test.ts (Effect 3) and effect4/test/Watch.proxy.noWs.test.ts (Effect 4) compare it with
// `expected`.
export const PASSWORD = "pr0xy-p@ss-w0rd"

/** Nothing listens there: the watcher must fail or start before any request. */
export const BASE_URL = "http://127.0.0.1:9"

/** What is checked of a watcher's outcome: whether it failed, and what its failure's cause says. */
export const seen = (failed: boolean, cause: unknown) => ({
  failed,
  namesWs: String(cause).includes("a proxy needs the `ws` package for the stream"),
  quotesPassword: JSON.stringify(cause)?.includes(PASSWORD) ?? false,
  quotesUser: String(cause).includes("desk")
})

export interface NoWsCase {
  readonly name: string
  readonly proxy: string
  readonly stream: boolean | undefined
  readonly expected: ReturnType<typeof seen>
}

export const noWsCases: ReadonlyArray<NoWsCase> = [
  {
    name: "the stream on: InvalidConfiguration that names ws, never the credentials",
    proxy: `http://desk:${encodeURIComponent(PASSWORD)}@127.0.0.1:9`,
    stream: undefined,
    expected: { failed: true, namesWs: true, quotesPassword: false, quotesUser: false }
  },
  {
    name: "the stream off: no WebSocket needed",
    proxy: "http://127.0.0.1:9",
    stream: false,
    expected: { failed: false, namesWs: false, quotesPassword: false, quotesUser: false }
  }
]
