/**
 * Effect 4 names a schema error after its identifier (`effect-binance-pm/RateLimited`) and has `util.inspect`
 * print it through `toJSON`, without its message or stack. 0.x (Effect 3) named it after its tag, as Node expects
 * of an `Error`, and printed it as one. These error classes read as 0.x's did.
 */
import * as Inspectable from "effect/Inspectable"

/**
 * Makes each class's `name` its `_tag`, and `util.inspect` (so `console.log` and an uncaught error) print
 * `RateLimited: <message>`, the stack, then the fields.
 */
export const nameAfterTag = (classes: ReadonlyArray<{ readonly prototype: object }>): void => {
  for (const error of classes) {
    Object.defineProperty(error.prototype, "name", {
      get(this: { readonly _tag: string }) {
        return this._tag
      },
      configurable: true
    })
    // Returning the error itself has Node format it as the `Error` it is.
    Object.defineProperty(error.prototype, Inspectable.NodeInspectSymbol, {
      value(this: unknown) {
        return this
      },
      configurable: true,
      writable: true
    })
  }
}
