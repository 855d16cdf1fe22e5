import { createClient, isClientError } from "effect-binance-pm/promise"

const client = createClient({ apiKey: process.env.BINANCE_API_KEY!, secretKey: process.env.BINANCE_SECRET_KEY! })
try {
  const info = await client.pmAccountInfo({ asset: "BTC" }, { signal: AbortSignal.timeout(5_000) })
  console.log(info.maxWithdrawAmount) // "27.43689636" — Binance's exact string
} catch (error) {
  // a tagged Error: RateLimited, IpBanned, InvalidSignature… with status, code, retryAfterMs where they apply
  if (isClientError(error)) console.error(error._tag, error.message)
  else throw error
} finally {
  await client.close()
}
