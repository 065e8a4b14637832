/** `/health` (the process answers) and `/ready` (the database answers, and Redis when configured). */
import { HttpLayerRouter, HttpServerResponse } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { Duration, Effect, Layer, Option } from "effect"
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
  return HttpServerResponse.unsafeJson(
    { status: ok ? "ready" : "unavailable", checks: { database, bus: redis } },
    { status: ok ? 200 : 503 }
  )
})

export const HealthRoutes = Layer.mergeAll(
  HttpLayerRouter.add("GET", "/health", health),
  HttpLayerRouter.add("GET", "/ready", ready)
)
