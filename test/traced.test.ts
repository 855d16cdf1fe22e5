// The call's entries are traced by internal/call's `traced`, Effect.fn's span and call-site frame at a third of its
// Effect 3 steps: here both run the same bodies and must leave the same traces.
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import { traced } from "../src/internal/call.js"

interface Recorded {
  readonly name: string
  readonly parent: string | undefined
  readonly attributes: Record<string, unknown>
  readonly events: ReadonlyArray<string>
  readonly exit: string | undefined
  readonly id: string
}

const recording = () => {
  const spans: Array<Tracer.Span> = []
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind) => {
      const span = new NativeSpanLike(name, parent, context, links, startTime, kind)
      spans.push(span)
      return span
    },
    context: (f) => f()
  })
  const view = (): ReadonlyArray<Recorded> =>
    spans.map((span) => ({
      name: span.name,
      parent: Option.getOrUndefined(Option.map(span.parent, (p) => p.spanId)),
      attributes: Object.fromEntries(span.attributes),
      events: (span as NativeSpanLike).events,
      exit: span.status._tag === "Ended" ? span.status.exit._tag : undefined,
      id: span.spanId
    }))
  return { tracer, view }
}

let ids = 0
class NativeSpanLike implements Tracer.Span {
  readonly _tag = "Span"
  readonly spanId = `span${++ids}`
  readonly traceId = "trace"
  readonly sampled = true
  status: Tracer.SpanStatus
  readonly attributes = new Map<string, unknown>()
  readonly events: Array<string> = []
  constructor(
    readonly name: string,
    readonly parent: Option.Option<Tracer.AnySpan>,
    readonly context: Tracer.Span["context"],
    readonly links: ReadonlyArray<Tracer.SpanLink>,
    startTime: bigint,
    readonly kind: Tracer.SpanKind
  ) {
    this.status = { _tag: "Started", startTime }
  }
  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>) {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
  }
  attribute(key: string, value: unknown) {
    this.attributes.set(key, value)
  }
  event(name: string) {
    this.events.push(name)
  }
  addLinks() {}
}

class Boom {
  readonly _tag = "Boom"
}

// The same body under both: it logs, opens a child span, reads its parent, then ends as told.
const body = (end: "succeed" | "fail" | "die" | "wait") =>
  Effect.gen(function*() {
    yield* Effect.logInfo("inside")
    yield* Effect.void.pipe(Effect.withSpan("child"))
    const parent = yield* Effect.currentSpan
    parent.attribute("seen", true)
    if (end === "fail") return yield* Effect.fail(new Boom())
    if (end === "die") return yield* Effect.die("defect")
    if (end === "wait") return yield* Effect.never
    return 1
  })

const viaFn = Effect.fn("Entry")((end: "succeed" | "fail" | "die" | "wait") => body(end))
const viaTraced = traced("Entry", (end: "succeed" | "fail" | "die" | "wait") => body(end))

// What an entry leaves: spans (ids relative to the outer span), the span after the call, the rendered failure.
const run = (entry: typeof viaFn, end: "succeed" | "fail" | "die" | "wait") =>
  Effect.gen(function*() {
    const { tracer, view } = recording()
    const program = Effect.gen(function*() {
      const outer = yield* Effect.currentSpan
      const fiber = yield* Effect.fork(entry(end))
      if (end === "wait") {
        yield* Effect.yieldNow()
        yield* Fiber.interrupt(fiber)
      }
      const exit = yield* Fiber.await(fiber)
      const after = yield* Effect.currentSpan
      return { outer: outer.spanId, after: after.spanId, exit }
    }).pipe(Effect.withSpan("outer"), Effect.withTracer(tracer))
    const { after, exit, outer } = yield* program
    const spans = view()
    const rename = (id: string | undefined) =>
      id === undefined ? undefined : ["outer", "Entry", "child"][spans.findIndex((s) => s.id === id)] ?? "?"
    return {
      restored: after === outer,
      spans: spans.map((s) => ({
        ...s,
        id: rename(s.id),
        parent: rename(s.parent),
        // The frames name this file on both sides; only their lines differ.
        attributes: { ...s.attributes, "code.stacktrace": shape(s.attributes["code.stacktrace"]) }
      })),
      exit: exit._tag,
      rendered: Exit.isFailure(exit) ? shape(Cause.pretty(exit.cause, { renderErrorCause: true })) : undefined
    }
  })

const shape = (text: unknown) =>
  typeof text === "string" ? text.replace(/:\d+:\d+/g, ":L:C").replace(/at \S+ \(/g, "at F (") : text

describe("traced gives what Effect.fn gives", () => {
  for (const end of ["succeed", "fail", "die", "wait"] as const) {
    it.effect(`the same spans, parent restored and rendered failure when the body ends with ${end}`, () =>
      Effect.gen(function*() {
        const fn = yield* run(viaFn, end)
        const ours = yield* run(viaTraced, end)
        expect(ours).toEqual(fn)
        expect(fn.restored).toBe(true)
        expect(fn.spans.map((s) => [s.name, s.parent])).toEqual([["outer", undefined], ["Entry", "outer"], [
          "child",
          "Entry"
        ]])
        if (end !== "succeed") {
          expect(String(ours.spans[1]!.attributes["code.stacktrace"])).toContain("traced.test.ts")
        }
        if (end === "fail") expect(ours.rendered).toContain("traced.test.ts")
      }))
  }

  it("is a function of the entry's name and length", () => {
    expect([viaTraced.name, viaTraced.length]).toEqual([viaFn.name, viaFn.length])
  })
})

// Under Effect's built-in tracer (no exporter) a call that succeeds makes no span; one that fails makes it then, so
// that its cause renders the call site as Effect.fn's does. The call's own body fails uncaptured (Exit.fail).
describe("traced under Effect's built-in tracer", () => {
  // The same body, failing uncaptured (as the call's walk does) or with Effect.fail (as Effect.fn's bodies may).
  const bodyFailingWith = (fail: (error: Boom) => Effect.Effect<never, Boom>) => (end: "succeed" | "fail" | "die") =>
    Effect.gen(function*() {
      const seen = yield* Effect.currentSpan
      if (end === "fail") return yield* fail(new Boom())
      if (end === "die") return yield* Effect.die("defect")
      return seen.name
    })
  const viaTracedUncaptured = traced("Entry", bodyFailingWith(Exit.fail))
  const viaFnBuiltIn = Effect.fn("Entry")(bodyFailingWith(Effect.fail))
  const rendered = (program: Effect.Effect<string, unknown>) =>
    Effect.map(
      Effect.exit(Effect.withSpan(program, "outer")),
      (exit): string =>
        Exit.isFailure(exit) ? String(shape(Cause.pretty(exit.cause, { renderErrorCause: true }))) : exit.value
    )

  for (const end of ["fail", "die"] as const) {
    it.effect(`a call that ends with ${end} renders its cause as Effect.fn's, the call site included`, () =>
      Effect.gen(function*() {
        const ours = yield* rendered(viaTracedUncaptured(end))
        const fn = yield* rendered(viaFnBuiltIn(end))
        expect(ours).toEqual(fn)
        // The entry's definition and call site, then the caller's span.
        if (end === "fail") expect(ours.match(/at F \(.*traced\.test\.ts:L:C\)/g)).toHaveLength(3)
      }))
  }

  it.effect("a call that succeeds runs in the caller's span: no span is made that no one exports", () =>
    Effect.gen(function*() {
      expect(yield* rendered(viaTracedUncaptured("succeed"))).toBe("outer")
      expect(yield* rendered(viaFnBuiltIn("succeed"))).toBe("Entry")
    }))
})
