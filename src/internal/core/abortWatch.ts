/**
 * One abort listener per signal, however many calls share it (a listener per call warns past ten), removed when
 * the last of its calls ends, so that a long-lived signal keeps nothing of finished calls. What both editions'
 * Promise clients use to stop the calls of an aborted signal.
 */

/** `watch(signal, call)` returns what to call when `call` ends. */
export type Watch<Call> = (signal: AbortSignal, call: Call) => () => void

/** Watches signals for calls; an abort `stop`s every call still running on that signal. */
export const make = <Call>(stop: (call: Call) => void): Watch<Call> => {
  const watched = new Map<AbortSignal, { readonly calls: Set<Call>; readonly onAbort: () => void }>()
  return (signal, call) => {
    let entry = watched.get(signal)
    if (entry === undefined) {
      const calls = new Set<Call>()
      const onAbort = () => {
        watched.delete(signal)
        for (const running of calls) stop(running)
      }
      entry = { calls, onAbort }
      watched.set(signal, entry)
      signal.addEventListener("abort", onAbort, { once: true })
    }
    const { calls, onAbort } = entry
    calls.add(call)
    return () => {
      calls.delete(call)
      if (calls.size === 0 && watched.get(signal)?.calls === calls) {
        watched.delete(signal)
        signal.removeEventListener("abort", onAbort)
      }
    }
  }
}
