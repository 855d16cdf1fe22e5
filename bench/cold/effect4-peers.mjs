// Cold start baseline for the Effect 4 Effect API row: what an Effect 4 app has loaded before it adds this library
// (effect's runtime, Schema, its HttpClient) and one run of a program, no client and no request.
// The Effect API row's figure minus this one is what the library adds to such an app's start.
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Schema from "effect/Schema"

const Info = Schema.Struct({ asset: Schema.String })
const runtime = ManagedRuntime.make(Layer.empty)
const info = await runtime.runPromise(
  Effect.as(Effect.serviceOption(HttpClient.HttpClient), { asset: "BTC" }).pipe(
    Effect.flatMap(Schema.decodeUnknownEffect(Info))
  )
)
const firstResultMs = performance.now()
const cpu = process.cpuUsage()
process.stdout.write(`${JSON.stringify({ firstResultMs, cpuMs: (cpu.user + cpu.system) / 1000, asset: info.asset })}\n`)
process.exit(0)
