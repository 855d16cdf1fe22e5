/**
 * Amounts as Binance writes them: decimal strings, decoded to exact `BigDecimal`s (never floats) and written
 * back in plain positional notation.
 *
 * @since 0.2.0
 */
import * as BigDecimal from "effect/BigDecimal"
import * as Schema from "effect/Schema"
import * as Endpoint from "./internal/core/endpoint.js"

/**
 * A decimal as Binance writes it: digits, an optional fraction, an optional minus sign, and the exponent
 * form Java's `BigDecimal` prints for some values (`"0E-8"`, `"1.5E+3"`). Never empty.
 *
 * @since 0.2.0
 * @category Schemas
 */
export const DecimalString: Schema.filter<typeof Schema.String> = Schema.String.pipe(
  Schema.pattern(Endpoint.DECIMAL, { message: () => Endpoint.DECIMAL_EXAMPLE })
)

/**
 * A `DecimalString` decoded to an exact `BigDecimal` (every digit kept, however many).
 *
 * @since 0.2.0
 * @category Schemas
 */
export const DecimalFromString: Schema.Schema<BigDecimal.BigDecimal, string> = Schema.transform(
  DecimalString,
  Schema.BigDecimalFromSelf,
  { strict: true, decode: (text) => BigDecimal.unsafeFromString(text), encode: (n) => formatPlain(n) }
)

/**
 * Formats a `BigDecimal` in plain positional notation, every digit written out (`BigDecimal.format` switches
 * to exponent notation from 16 digits of scale, which is not how Binance writes amounts).
 *
 * @since 0.2.0
 * @category Formatting
 */
export const formatPlain = (n: BigDecimal.BigDecimal): string => Endpoint.formatPlain(n.value, n.scale)
