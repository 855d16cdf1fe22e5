import { Console, Effect, Layer, Stream } from "effect"
import { BinanceClock, BinanceHttpClient, Credentials, Watch } from "effect-binance-pm"

const program = Effect.scoped(Effect.gen(function*() {
  const watcher = yield* Watch.make({ assets: ["BTC", "ETH"], maxAgeMs: 30_000 })
  const btc = yield* watcher.fresh("BTC") // now, joined with any read of BTC under way
  yield* Console.log(`BTC ${btc.maxWithdrawAmount} free at ${new Date(btc.at).toISOString()}`)
  yield* Console.log(`stream ${(yield* watcher.snapshot.get).stream}`)
  yield* watcher.events.pipe(
    Stream.filter((event) => event.type === "asset" || event.type === "risk"),
    Stream.take(10),
    Stream.runForEach((event) => Console.log(JSON.stringify(event)))
  )
}))

program.pipe(
  Effect.provide(Layer.mergeAll(Credentials.layerConfig(), BinanceClock.layer, BinanceHttpClient.layer())),
  Effect.runPromise
)
