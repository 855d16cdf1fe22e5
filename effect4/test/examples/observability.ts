import * as OtelMetrics from "@effect/opentelemetry/OtelMetrics"
import * as Resource from "@effect/opentelemetry/Resource"
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus"
import { Layer } from "effect"

// The desk's setup: every Effect metric, the library's included, served for Prometheus on :9464/metrics.
export const makeObservability = (port = 9464) =>
  OtelMetrics.layer(() => new PrometheusExporter({ port, host: "127.0.0.1" })).pipe(
    Layer.provide(Resource.layer({ serviceName: "pm-desk" }))
  )
