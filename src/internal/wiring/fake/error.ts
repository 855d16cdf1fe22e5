import * as Data from "effect/Data"

// Not marked internal: the public FakeBinance module's declarations refer to it.
export class FakeBinanceError extends Data.TaggedError("FakeBinanceError")<{
  readonly message: string
  readonly cause?: unknown
}> {}
