import * as Data from "effect/Data"

/** @internal */
export class FakeBinanceError extends Data.TaggedError("FakeBinanceError")<{
  readonly message: string
  readonly cause?: unknown
}> {}
