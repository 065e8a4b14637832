/**
 * `/health` (the process answers) and `/ready` (the database answers, and Redis when configured). `/ready` also lists
 * the bot platforms the failover monitor found without a bot to serve (`degraded`, status "degraded"): that is still
 * 200 — this instance serves the API, the web and the other platforms, and every instance shares the same bots, so
 * taking it out of the load balancer would help nobody.
 */
import { HttpLayerRouter, HttpServerResponse } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { KeyValue } from "@groupbuy/core"
import { Duration, Effect, Layer, Option } from "effect"
import { degradedPlatforms } from "../bots/FailoverMonitor.js"
import { ClusterBus } from "../hub/ClusterBus.js"

const health = Effect.succeed(HttpServerResponse.unsafeJson({ status: "ok" }))

const ready = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const bus = yield* Effect.serviceOption(ClusterBus)
  const database = yield* sql`SELECT 1`.pipe(
    Effect.timeout(Duration.seconds(3)),
    Effect.as(true),
    Effect.orElseSucceed(() => false)
  )
  const redis = Option.isSome(bus) ? yield* bus.value.ready : true
  const ok = database && redis
  const kv = yield* Effect.serviceOption(KeyValue)
  const degraded =
    ok && Option.isSome(kv)
      ? yield* degradedPlatforms.pipe(
          Effect.provideService(KeyValue, kv.value),
          Effect.timeout(Duration.seconds(3)),
          Effect.orElseSucceed(() => [] as ReadonlyArray<string>)
        )
      : []
  return HttpServerResponse.unsafeJson(
    {
      status: !ok ? "unavailable" : degraded.length > 0 ? "degraded" : "ready",
      checks: { database, bus: redis },
      degraded
    },
    { status: ok ? 200 : 503 }
  )
})

export const HealthRoutes = Layer.mergeAll(
  HttpLayerRouter.add("GET", "/health", health),
  HttpLayerRouter.add("GET", "/ready", ready)
)
