/**
 * One runner at a time across server instances for a named job (the deadline sweep): a PostgreSQL session advisory
 * lock taken on a connection reserved for the run. It is released when the run ends, and by PostgreSQL itself when
 * the connection drops, so an instance that dies mid-run never blocks the others. The embedded database belongs to one
 * process (its data directory is locked), so there a job simply runs.
 */
import { SqlClient } from "@effect/sql"
import { DatabaseConfig } from "@groupbuy/core"
import { Context, Effect, Layer, Option } from "effect"

export interface SingleRunnerService {
  /** Runs `job` unless another instance runs the job `name` right now; `None` when it was skipped. */
  readonly run: <A, E, R>(name: string, job: Effect.Effect<A, E, R>) => Effect.Effect<Option.Option<A>, E, R>
}

export class SingleRunner extends Context.Tag("@groupbuy/server/SingleRunner")<SingleRunner, SingleRunnerService>() {}

/** Every job runs: one process owns the database. */
export const SingleRunnerLocal = Layer.succeed(
  SingleRunner,
  SingleRunner.of({ run: (_name, job) => Effect.asSome(job) })
)

/** `pg_try_advisory_lock(hashtext('groupbuy:job:<name>'))` on a reserved connection, unlocked after the run. */
export const SingleRunnerAdvisoryLock = Layer.effect(
  SingleRunner,
  Effect.map(SqlClient.SqlClient, (sql) =>
    SingleRunner.of({
      run: (name, job) =>
        Effect.scoped(
          Effect.gen(function* () {
            const key = `groupbuy:job:${name}`
            const connection = yield* Effect.orDie(sql.reserve)
            const locked = yield* Effect.acquireRelease(
              connection.execute("SELECT pg_try_advisory_lock(hashtext($1)) AS locked", [key], undefined).pipe(
                Effect.map((rows) => rows[0]?.locked === true),
                Effect.orDie
              ),
              (locked) =>
                locked
                  ? // a failed unlock leaves a broken connection: PostgreSQL drops its locks with it
                    connection.execute("SELECT pg_advisory_unlock(hashtext($1))", [key], undefined).pipe(Effect.ignore)
                  : Effect.void
            )
            return locked ? Option.some(yield* job) : Option.none()
          })
        )
    })
  )
)

/** The advisory lock on a PostgreSQL server (`DATABASE_URL`), the local runner on the embedded database. */
export const SingleRunnerLive = Layer.unwrapEffect(
  Effect.map(DatabaseConfig, ({ url }) => (Option.isSome(url) ? SingleRunnerAdvisoryLock : SingleRunnerLocal))
)
