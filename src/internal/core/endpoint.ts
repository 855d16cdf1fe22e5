/**
 * The endpoint's own rules: its parameters, the bytes of its request, the shape of its answer and how its
 * amounts are written. No Effect here: both editions check, build and decode with these.
 */

/** `GET /fapi/v1/pmAccountInfo`: its path and request weight. */
export const PATH = "/fapi/v1/pmAccountInfo"
export const WEIGHT = 5
/** `GET /fapi/v1/time`, the clock. */
export const TIME_PATH = "/fapi/v1/time"
export const TIME_WEIGHT = 1

/** The two futures markets a Classic Portfolio Margin account spans: USDⓈ-M (`fapi`) and COIN-M (`dapi`). */
export const MARKETS = ["usds-m", "coin-m"] as const
export type Market = typeof MARKETS[number]

/** `GET /dapi/v1/pmAccountInfo`, COIN-M's twin: same weight, parameters and answer. */
export const COINM_PATH = "/dapi/v1/pmAccountInfo"
/** `GET /dapi/v1/time`, COIN-M's clock. */
export const COINM_TIME_PATH = "/dapi/v1/time"

/** A market's paths, and the metric names of its requests (`GET /fapi/v1/pmAccountInfo`). */
export interface Paths {
  readonly path: string
  readonly timePath: string
  readonly endpoint: string
  readonly timeEndpoint: string
}

const USDS_M_PATHS: Paths = {
  path: PATH,
  timePath: TIME_PATH,
  endpoint: `GET ${PATH}`,
  timeEndpoint: `GET ${TIME_PATH}`
}
const COIN_M_PATHS: Paths = {
  path: COINM_PATH,
  timePath: COINM_TIME_PATH,
  endpoint: `GET ${COINM_PATH}`,
  timeEndpoint: `GET ${COINM_TIME_PATH}`
}

/** The paths of a market; USDⓈ-M when none is named. */
export const pathsOf = (market: Market | undefined): Paths => market === "coin-m" ? COIN_M_PATHS : USDS_M_PATHS

/** An asset symbol as Binance lists them. */
export const ASSET = /^[A-Z0-9]{1,20}$/

/**
 * A decimal as Binance writes it: digits, an optional fraction, an optional minus sign, and the exponent form
 * Java's `BigDecimal` prints for some values (`"0E-8"`, `"1.5E+3"`). The exponent is bounded: "1E999999999" is
 * no amount, and writing it out plainly would not fit in memory.
 */
export const DECIMAL = /^-?\d+(\.\d+)?([eE][+-]?\d{1,3})?$/
export const DECIMAL_EXAMPLE = "a decimal string such as \"27.43689636\""

/** Why an input is refused: the field to fix and what is wrong with it. */
export interface Refusal {
  readonly field: string
  readonly reason: string
}

export interface Params {
  readonly asset: string
  readonly recvWindow: number
}

// Values are described, never quoted whole: a long string may be a secret pasted in the wrong place.
const describeValue = (u: unknown): string => {
  if (typeof u === "string") return u.length > 24 ? `a ${u.length}-character string` : JSON.stringify(u)
  if (u === null) return "null"
  if (typeof u === "number") return String(u)
  return `a value of type ${typeof u}`
}

/** Checks a call's parameters; nothing may be sent when they are refused. */
export const checkParams = (params: unknown, defaultRecvWindow: number): Params | Refusal => {
  if (typeof params !== "object" || params === null) {
    return { field: "params", reason: "must be an object like { asset: \"BTC\" }" }
  }
  const { asset, recvWindow } = params as Record<string, unknown>
  if (typeof asset !== "string" || !ASSET.test(asset)) {
    return {
      field: "asset",
      reason: `must be 1 to 20 upper-case letters or digits, such as "BTC"; got ${describeValue(asset)}`
    }
  }
  if (
    recvWindow !== undefined &&
    !(Number.isInteger(recvWindow) && Number(recvWindow) >= 1 && Number(recvWindow) <= 60000)
  ) {
    return { field: "recvWindow", reason: `must be an integer from 1 to 60000 ms; got ${describeValue(recvWindow)}` }
  }
  return { asset, recvWindow: (recvWindow as number | undefined) ?? defaultRecvWindow }
}

export const isRefusal = (u: Params | Refusal): u is Refusal => "field" in u

/**
 * The query of one attempt, up to the timestamp: `asset=BTC&recvWindow=5000&timestamp=`. The caller appends the
 * timestamp, signs exactly those bytes, and appends `&signature=` last.
 */
export const queryPrefix = (params: Params): string =>
  `asset=${params.asset}&recvWindow=${params.recvWindow}&timestamp=`

/** The parameters of a call. */
export interface PmAccountInfoParams {
  /** Upper-case asset symbol, e.g. "BTC". */
  readonly asset: string
  /** Overrides `BinanceConfig.recvWindow` for this call (1..60000 ms). */
  readonly recvWindow?: number | undefined
}

/** The answer's body exactly as Binance sends it: amounts stay Binance's own decimal strings. */
export interface PmAccountInfoResponse {
  readonly asset: string
  /** How much of the asset can be transferred out to the spot wallet. */
  readonly maxWithdrawAmount: string
  /** The Classic Portfolio Margin maximum virtual amount for transfer out, in USD. */
  readonly maxWithdrawAmountUSD: string
}

/** The body's fields, each as the edition reads it: its `asset` text and its two amounts. */
export type BodyFields<Text, Amount> = {
  readonly asset: Text
  /** How much of the asset can be transferred out to the spot wallet. */
  readonly maxWithdrawAmount: Amount
  /** The Classic Portfolio Margin maximum virtual amount for transfer out, in USD. */
  readonly maxWithdrawAmountUSD: Amount
}

/** The body's fields with the edition's schemas for text and for an amount: what its body schemas are built of. */
export const bodyFields = <Text, Amount>(text: Text, amount: Amount): BodyFields<Text, Amount> => ({
  asset: text,
  maxWithdrawAmount: amount,
  maxWithdrawAmountUSD: amount
})

/** A checked body with its amounts read by `read` (the edition's exact decimals). */
export const readAmounts = <Amount>(
  body: PmAccountInfoResponse,
  read: (amount: string) => Amount
): BodyFields<string, Amount> => ({
  asset: body.asset,
  maxWithdrawAmount: read(body.maxWithdrawAmount),
  maxWithdrawAmountUSD: read(body.maxWithdrawAmountUSD)
})

const AMOUNTS = ["maxWithdrawAmount", "maxWithdrawAmountUSD"] as const

/** Checks a 2xx body: JSON, the three fields, decimal amounts, the asset asked for. A string is the reason. */
export const decodeBody = (text: string, asset: string): PmAccountInfoResponse | string => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return "not JSON"
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return `body: expected an object with asset, maxWithdrawAmount and maxWithdrawAmountUSD, got ${
      json === null ? "null" : Array.isArray(json) ? "an array" : typeof json
    }`
  }
  const record = json as Record<string, unknown>
  const problems: Array<string> = []
  if (typeof record.asset !== "string") {
    problems.push(`asset: ${record.asset === undefined ? "is missing" : "expected a string"}`)
  }
  for (const field of AMOUNTS) {
    const value = record[field]
    if (value === undefined) problems.push(`${field}: is missing`)
    else if (typeof value !== "string" || !DECIMAL.test(value)) problems.push(`${field}: ${DECIMAL_EXAMPLE}`)
  }
  if (problems.length > 0) return problems.join("; ")
  if (record.asset !== asset) return `asset is "${String(record.asset)}", expected "${asset}"`
  return {
    asset: record.asset as string,
    maxWithdrawAmount: record.maxWithdrawAmount as string,
    maxWithdrawAmountUSD: record.maxWithdrawAmountUSD as string
  }
}

/**
 * `value × 10^-scale` in plain positional notation, every digit written out, trailing zeros of the fraction
 * dropped (the normalised form): how Binance writes amounts, never exponent notation.
 */
export const formatPlain = (value: bigint, scale: number): string => {
  let v = value
  let s = scale
  while (v !== 0n && v % 10n === 0n) {
    v /= 10n
    s -= 1
  }
  if (v === 0n) return "0"
  const negative = v < 0n
  const digits = (negative ? -v : v).toString()
  let text: string
  if (s <= 0) text = digits + "0".repeat(-s)
  else if (s >= digits.length) text = `0.${"0".repeat(s - digits.length)}${digits}`
  else text = `${digits.slice(0, digits.length - s)}.${digits.slice(digits.length - s)}`
  return negative ? `-${text}` : text
}
