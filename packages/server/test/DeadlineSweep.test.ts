import { SqlClient } from "@effect/sql"
import { afterEach, assert, describe, it } from "@effect/vitest"
import { MigrationsLive, pgClient, ProcurementFilter, Procurements, type ProcurementId } from "@groupbuy/core"
import { coreProfiles, insertProcurement, insertUser, testDatabaseUrl } from "@groupbuy/core/testing"
import { Deferred, Effect, Fiber, Layer, Option, Redacted, Schedule } from "effect"
import { randomBytes } from "node:crypto"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { killRunning, run, waitFor } from "./utils/Spawn.js"
import * as TestServices from "effect/TestServices"
import { DeadlineSweepLive } from "../src/schedulers/DeadlineSweep.js"
import { SingleRunner, SingleRunnerAdvisoryLock, SingleRunnerLocal } from "../src/schedulers/SingleRunner.js"

const statusOf = (id: ProcurementId) =>
  Effect.flatMap(Procurements, (p) => Effect.map(p.get(id), (v) => v.procurement.status))

for (const profile of coreProfiles()) {
  const runner = profile.name === "PostgreSQL" ? SingleRunnerAdvisoryLock : SingleRunnerLocal
  describe(`deadline sweep on a schedule (${profile.name})`, () => {
    it.layer(runner.pipe(Layer.provideMerge(profile.layer)), { timeout: "120 seconds" })((it) => {
      it.effect("an ACTIVE procurement past its deadline becomes STOPPED without anyone calling the sweep", () =>
        TestServices.provideLive(
          // the scheduler on the live clock with a short interval (the server sweeps every minute)
          Effect.scoped(
            Effect.zipRight(
              Layer.build(DeadlineSweepLive("100 millis")),
              Effect.gen(function* () {
                const sql = yield* SqlClient.SqlClient
                const organizer = yield* insertUser({ role: "organizer" })
                const expired = yield* insertProcurement(organizer, { title: "Просрочена" })
                const open = yield* insertProcurement(organizer, { title: "Открыта" })
                yield* sql`UPDATE procurements SET deadline = now() - interval '1 minute' WHERE id = ${expired}`
                yield* statusOf(expired).pipe(
                  Effect.repeat({ until: (s) => s === "STOPPED", schedule: Schedule.spaced("50 millis") }),
                  Effect.timeoutFail({ duration: "60 seconds", onTimeout: () => "the sweep never ran" })
                )
                assert.strictEqual(yield* statusOf(open), "ACTIVE")
                const procurements = yield* Procurements
                const listed = yield* procurements.list(new ProcurementFilter({ status: ["ACTIVE"], limit: 100 }))
                assert.isFalse(listed.items.some((v) => v.procurement.id === expired))
              })
            )
          )
        )
      )

      if (profile.name === "PostgreSQL")
        it.effect("one runner at a time: while another connection runs a job, the job is skipped, not run twice", () =>
          TestServices.provideLive(
            // the scheduler on the live clock with a short interval (the server sweeps every minute)
            Effect.scoped(
              Effect.zipRight(
                Layer.build(DeadlineSweepLive("100 millis")),
                Effect.gen(function* () {
                  const runner = yield* SingleRunner
                  const running = yield* Deferred.make<void>()
                  const finish = yield* Deferred.make<void>()
                  const first = yield* Effect.fork(
                    runner.run(
                      "test-job",
                      Deferred.succeed(running, undefined).pipe(
                        Effect.zipRight(Deferred.await(finish)),
                        Effect.as("first")
                      )
                    )
                  )
                  yield* Deferred.await(running)
                  assert.deepStrictEqual(yield* runner.run("test-job", Effect.succeed("second")), Option.none())
                  assert.deepStrictEqual(yield* runner.run("other-job", Effect.succeed("other")), Option.some("other"))
                  yield* Deferred.succeed(finish, undefined)
                  assert.deepStrictEqual(yield* Fiber.join(first), Option.some("first"))
                  assert.deepStrictEqual(yield* runner.run("test-job", Effect.succeed("third")), Option.some("third"))

                  // the scheduled sweep is held off the same way while another instance sweeps
                  const sql = yield* SqlClient.SqlClient
                  const organizer = yield* insertUser({ role: "organizer" })
                  const expired = yield* insertProcurement(organizer, { title: "Ждёт" })
                  const sweeping = yield* Deferred.make<void>()
                  const done = yield* Deferred.make<void>()
                  const other = yield* Effect.fork(
                    runner.run(
                      "deadline-sweep",
                      Deferred.succeed(sweeping, undefined).pipe(Effect.zipRight(Deferred.await(done)))
                    )
                  )
                  yield* Deferred.await(sweeping)
                  yield* sql`UPDATE procurements SET deadline = now() - interval '1 minute' WHERE id = ${expired}`
                  yield* Effect.sleep("500 millis")
                  assert.strictEqual(yield* statusOf(expired), "ACTIVE")
                  yield* Deferred.succeed(done, undefined)
                  yield* Fiber.join(other)
                  yield* statusOf(expired).pipe(
                    Effect.repeat({ until: (s) => s === "STOPPED", schedule: Schedule.spaced("50 millis") }),
                    Effect.timeoutFail({ duration: "60 seconds", onTimeout: () => "the sweep never ran" })
                  )
                })
              )
            )
          )
        )
    })
  })
}

afterEach(killRunning)

const url = testDatabaseUrl()
describe.skipIf(url === undefined)("the server schedules the sweep (npm start on PostgreSQL)", () => {
  it(
    "a procurement already past its deadline when the server starts is STOPPED by the sweep at start-up",
    { timeout: 300_000 },
    async () => {
      const name = `gb_sweep_${randomBytes(4).toString("hex")}`
      const admin = (statement: string) =>
        Effect.runPromise(
          Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe(statement)).pipe(
            Effect.provide(pgClient(Redacted.make(url!), { maxConnections: 1 })),
            Effect.orDie
          )
        )
      const target = new URL(url!)
      target.pathname = `/${name}`
      const database = pgClient(Redacted.make(target.toString()), { maxConnections: 1 })
      const onDatabase = <A, E>(effect: Effect.Effect<A, E, SqlClient.SqlClient>) =>
        Effect.runPromise(effect.pipe(Effect.provide(MigrationsLive.pipe(Layer.provideMerge(database))), Effect.orDie))
      await admin(`CREATE DATABASE ${name}`)
      try {
        const expired = await onDatabase(
          Effect.gen(function* () {
            const sql = yield* SqlClient.SqlClient
            const organizer = yield* insertUser({ role: "organizer" })
            const id = yield* insertProcurement(organizer, { title: "Просрочена до старта" })
            yield* sql`UPDATE procurements SET deadline = now() - interval '1 hour' WHERE id = ${id}`
            return id
          })
        )
        const statusNow = () =>
          onDatabase(
            Effect.flatMap(SqlClient.SqlClient, (sql) =>
              Effect.map(
                sql<{ status: string }>`SELECT status FROM procurements WHERE id = ${expired}`,
                (rows) => rows[0]!.status
              )
            )
          )
        assert.strictEqual(await statusNow(), "ACTIVE")
        const server = run("main.ts", [], {
          DATA_DIR: mkdtempSync(join(tmpdir(), "gb-sweep-")),
          DATABASE_URL: target.toString(),
          PORT: "0",
          HOST: "127.0.0.1",
          LOG_FORMAT: "json"
        })
        await waitFor("the listening log line", () => /Listening on/.exec(server.output())?.[0], server.output)
        let status = await statusNow()
        for (let i = 0; i < 600 && status !== "STOPPED"; i++) {
          await new Promise((r) => setTimeout(r, 100))
          status = await statusNow()
        }
        assert.strictEqual(status, "STOPPED", server.output())
        server.child.kill("SIGTERM")
        assert.strictEqual((await server.exited).code, 0, server.output())
      } finally {
        await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      }
    }
  )
})
