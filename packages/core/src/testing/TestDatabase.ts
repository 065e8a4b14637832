/**
 * Databases for tests. Every suite of core runs against embedded PGlite (always) and against a real PostgreSQL
 * server whenever `TEST_DATABASE_URL` is set; each layer build gets a fresh, migrated database of its own, dropped
 * afterwards, so suites can run in parallel without seeing each other's rows.
 */
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Effect, Layer, Redacted } from "effect"
import { randomBytes } from "node:crypto"
import { pgClient, pgliteClient } from "../Database.js"
import { MigrationsLive } from "../Migrations.js"

const required = (name: "TEST_DATABASE_URL" | "TEST_REDIS_URL", what: string): string | undefined => {
  const value = process.env[name]
  if (value !== undefined && value !== "") return value
  if (process.env.CI === "true" || process.env.CI === "1") {
    // In CI a server suite must run, never skip: fail loudly at import time.
    throw new Error(`${name} is not set: CI must run the ${what} suites (see .ci/run)`)
  }
  return undefined
}

/** `TEST_DATABASE_URL`, or undefined (suites skip locally; CI fails instead). */
export const testDatabaseUrl = (): string | undefined => required("TEST_DATABASE_URL", "PostgreSQL")

/** `TEST_REDIS_URL`, or undefined (suites skip locally; CI fails instead). */
export const testRedisUrl = (): string | undefined => required("TEST_REDIS_URL", "Redis")

/** In-memory PGlite, migrated. (`Layer.fresh`: @effect/vitest memoises layers across suites of a file.) */
export const PgliteTest = Layer.fresh(MigrationsLive).pipe(Layer.provideMerge(pgliteClient(undefined)))

const withDatabase = (url: string, database: string) => {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

/** A fresh database on the `TEST_DATABASE_URL` server, migrated, dropped when the layer is released. */
export const PostgresTest = (url: string, options: { readonly maxConnections?: number } = {}) =>
  Layer.unwrapScoped(
    Effect.gen(function* () {
      const name = `gb_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`
      const admin = (statement: string) =>
        Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe(statement)).pipe(
          Effect.provide(PgClient.layer({ url: Redacted.make(url), maxConnections: 1 })),
          Effect.orDie
        )
      yield* Effect.acquireRelease(admin(`CREATE DATABASE ${name}`), () =>
        admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).pipe(Effect.ignore)
      )
      return Layer.fresh(MigrationsLive).pipe(
        Layer.provideMerge(pgClient(Redacted.make(withDatabase(url, name)), options))
      )
    })
  )

/** The database profiles a suite should run against: PGlite always, PostgreSQL when configured. */
export const databaseProfiles = () => {
  const url = testDatabaseUrl()
  return [
    { name: "PGlite", layer: PgliteTest },
    ...(url === undefined ? [] : [{ name: "PostgreSQL", layer: PostgresTest(url) }])
  ] as const
}
