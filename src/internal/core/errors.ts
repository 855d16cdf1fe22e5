/**
 * What both editions' errors mean, with no Effect: which of them one more attempt may cure.
 */

/** The tags of errors one more attempt may cure: transport failures, attempt timeouts and Binance server errors. */
export const TRANSIENT_TAGS: ReadonlySet<string> = new Set(["TransportError", "Timeout", "ServerError"])

/** Whether an error of this tag may be cured by one more attempt (rate limiting is decided apart, by its wait). */
export const isTransientTag = (tag: string): boolean => TRANSIENT_TAGS.has(tag)
