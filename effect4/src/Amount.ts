/**
 * Amounts as Binance writes them: decimal strings, decoded to exact `BigDecimal`s (never floats) and written
 * back in plain positional notation.
 *
 * @since 1.0.0
 */
import * as BigDecimal from "effect/BigDecimal"
import * as Schema from "effect/Schema"
import * as SchemaGetter from "effect/SchemaGetter"
import * as Endpoint from "./internal/core/endpoint.js"

/**
 * A decimal as Binance writes it: digits, an optional fraction, an optional minus sign, and the exponent
 * form Java's `BigDecimal` prints for some values (`"0E-8"`, `"1.5E+3"`). Never empty.
 *
 * @since 1.0.0
 * @category Schemas
 */
export const DecimalString: Schema.String = Schema.String.pipe(
  Schema.check(Schema.isPattern(Endpoint.DECIMAL, { message: Endpoint.DECIMAL_EXAMPLE }))
)

/**
 * Formats a `BigDecimal` in plain positional notation, every digit written out (`BigDecimal.format` switches
 * to exponent notation from 16 digits of scale, which is not how Binance writes amounts).
 *
 * @since 1.0.0
 * @category Formatting
 */
export const formatPlain = (n: BigDecimal.BigDecimal): string => Endpoint.formatPlain(n.value, n.scale)

/**
 * A `DecimalString` decoded to an exact `BigDecimal` (every digit kept, however many). Encodes with
 * `formatPlain`, never exponent notation. (Effect 4's own `Schema.BigDecimalFromString` decodes `""` as zero
 * and encodes with `BigDecimal.format`: neither is how Binance writes amounts.)
 *
 * @since 1.0.0
 * @category Schemas
 */
export const DecimalFromString: Schema.decodeTo<Schema.BigDecimal, Schema.String> = DecimalString.pipe(
  Schema.decodeTo(Schema.BigDecimal, {
    // The pattern has already been checked: the text is a decimal.
    decode: SchemaGetter.transform((text: string) => BigDecimal.fromStringUnsafe(text)),
    encode: SchemaGetter.transform(formatPlain)
  })
)
