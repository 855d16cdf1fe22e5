// Loopback stand-in for fapi, run as its own process so it never shares the client's event loop.
// Answers every request with the same pmAccountInfo body (it does not check signatures: FakeBinance does
// that in the specs) and a low, constant used-weight header, so no client's rate-limit logic ever throttles.
// Prints "listening <port>" on stdout once ready; exits when stdin closes (its parent went away).
import * as Http from "node:http"

const BODY = Buffer.from(
  "{\"maxWithdrawAmountUSD\":\"1627523.32459208\",\"asset\":\"BTC\",\"maxWithdrawAmount\":\"27.43689636\"}"
)
const TIME_PATH = "/fapi/v1/time"

const server = Http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  // Drain whatever the client sent (GETs send nothing, but be safe) before answering.
  req.resume()
  if (req.url !== undefined && req.url.startsWith(TIME_PATH)) {
    const body = `{"serverTime":${Date.now()}}`
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) })
    res.end(body)
    return
  }
  res.writeHead(200, {
    "content-type": "application/json",
    "content-length": BODY.length,
    "x-mbx-used-weight-1m": "5"
  })
  res.end(BODY)
})
server.keepAliveTimeout = 60_000
server.headersTimeout = 65_000
server.maxRequestsPerSocket = 0

const port = Number(process.argv[2] ?? 0)
server.listen(port, "127.0.0.1", () => {
  const address = server.address()
  process.stdout.write(`listening ${typeof address === "object" && address !== null ? address.port : port}\n`)
})
process.stdin.on("end", () => process.exit(0))
process.stdin.on("close", () => process.exit(0))
process.stdin.resume()
process.on("SIGTERM", () => process.exit(0))
