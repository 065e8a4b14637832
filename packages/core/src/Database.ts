/**
 * The database: a real PostgreSQL server when `DATABASE_URL` is set, otherwise embedded PGlite in `DATA_DIR`
 * (default `./data`). One driver serves both — PGlite is exposed to `@effect/sql-pg` over a loopback socket with a
 * pool of one connection, so its transactions stay serialised — and one migration set (`Migrations.ts`).
 */
import { PGlite } from "@electric-sql/pglite"
import { PGLiteSocketServer } from "@electric-sql/pglite-socket"
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import type { SqlError } from "@effect/sql/SqlError"
import { Config, ConfigError, Data, Effect, Layer, Option, Redacted, String } from "effect"
import { resolve } from "node:path"
import { DataDirectoryLocked, lockDataDirectory, makePrivateDirectory, restrictTree } from "./internal/DataDirectory.js"
import { MigrationsLive } from "./Migrations.js"

/** Start-up failure of the embedded database (bad data directory, corrupt files, port in use). */
export class DatabaseStartError extends Data.TaggedError("DatabaseStartError")<{
  readonly message: string
  readonly cause?: unknown
}> {}

const transforms = {
  transformQueryNames: String.camelToSnake,
  transformResultNames: String.snakeToCamel
} as const

/** A PgClient over a PostgreSQL URL. */
export const pgClient = (url: Redacted.Redacted, options: { readonly maxConnections?: number } = {}) =>
  PgClient.layer({ url, ...transforms, ...(options.maxConnections ? { maxConnections: options.maxConnections } : {}) })

/**
 * The data directory, owner-only (0700, its files 0600) and locked for this process until the scope closes: a second
 * process on the same files would run a second PostgreSQL over them and lose writes (see `internal/DataDirectory`).
 */
const holdDataDirectory = (dataDir: string) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        makePrivateDirectory(dataDir)
        const lock = await lockDataDirectory(dataDir)
        await restrictTree(dataDir).catch(async (e) => {
          await lock.release()
          throw e
        })
        return lock
      },
      catch: (cause) =>
        new DatabaseStartError({
          message:
            cause instanceof DataDirectoryLocked
              ? `the embedded database in ${resolve(dataDir)} is in use by another process (a running server?): ` +
                `stop it first, or set DATABASE_URL to share a PostgreSQL server`
              : `could not prepare the data directory ${dataDir}: ${cause instanceof Error ? cause.message : cause}`,
          cause
        })
    }),
    (lock) =>
      Effect.promise(() =>
        restrictTree(dataDir)
          .catch(() => undefined)
          .then(lock.release)
      )
  )

/**
 * An embedded PGlite (persisted in `dataDir`, or in memory when `dataDir` is undefined) served on a random loopback
 * port, and a PgClient with a pool of one connection over it. A persisted one holds its directory (owner-only,
 * locked against a second process) while it runs.
 */
export const pgliteClient = (dataDir: string | undefined) =>
  Layer.unwrapScoped(
    Effect.gen(function* () {
      if (dataDir !== undefined) yield* holdDataDirectory(dataDir)
      const db = yield* Effect.acquireRelease(
        Effect.tryPromise({
          try: async () => {
            const pg = dataDir === undefined ? new PGlite() : new PGlite(resolve(dataDir, "pglite"))
            await pg.waitReady
            // PGlite unpacks its initial files world-writable (0666)
            if (dataDir !== undefined) await restrictTree(dataDir)
            return pg
          },
          catch: (cause) =>
            new DatabaseStartError({
              message: `could not open the embedded database${dataDir ? ` in ${dataDir}` : ""}`,
              cause
            })
        }),
        (pg) => Effect.promise(() => pg.close()).pipe(Effect.ignore)
      )
      const server = yield* Effect.acquireRelease(
        Effect.tryPromise({
          try: async () => {
            const s = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 1 })
            await s.start()
            return s
          },
          catch: (cause) => new DatabaseStartError({ message: "could not serve the embedded database", cause })
        }),
        (s) => Effect.promise(() => s.stop()).pipe(Effect.ignore)
      )
      const url = Redacted.make(`postgres://postgres@${server.getServerConn()}/postgres`)
      return PgClient.layer({ url, maxConnections: 1, minConnections: 1, ...transforms })
    })
  )

/**
 * The server as the specification names it: `DB_NAME`, `DB_USER`, `DB_PASSWORD` (and `DB_HOST`, `DB_PORT`, by default
 * localhost:5432), as an alternative to one `DATABASE_URL`; set only when `DB_NAME` is.
 */
const databaseFromParts = Config.all({
  name: Config.nonEmptyString("DB_NAME"),
  user: Config.nonEmptyString("DB_USER").pipe(Config.withDefault("postgres")),
  password: Config.option(Config.redacted("DB_PASSWORD")),
  host: Config.nonEmptyString("DB_HOST").pipe(Config.withDefault("localhost")),
  port: Config.port("DB_PORT").pipe(Config.withDefault(5432))
}).pipe(
  Config.map(({ host, name, password, port, user }) => {
    const secret = Option.match(password, {
      onNone: () => "",
      onSome: (p) => `:${encodeURIComponent(Redacted.value(p))}`
    })
    return Redacted.make(`postgres://${encodeURIComponent(user)}${secret}@${host}:${port}/${encodeURIComponent(name)}`)
  })
)

/** Which database the configuration selects: `DATABASE_URL`, else `DB_NAME` and its parts, else PGlite in `DATA_DIR`. */
export const DatabaseConfig = Config.all({
  url: Config.option(Config.redacted("DATABASE_URL").pipe(Config.orElse(() => databaseFromParts))),
  dataDir: Config.string("DATA_DIR").pipe(Config.withDefault("./data")),
  /** connections to a PostgreSQL server (not PGlite, which takes one) */
  poolSize: Config.integer("DATABASE_POOL_SIZE").pipe(
    Config.validate({ message: "DATABASE_POOL_SIZE must be from 1 to 200", validation: (n) => n >= 1 && n <= 200 }),
    Config.withDefault(10)
  )
})

/** PgClient + SqlClient from configuration, without migrations. */
export const ClientLive: Layer.Layer<
  PgClient.PgClient | SqlClient.SqlClient,
  ConfigError.ConfigError | SqlError | DatabaseStartError
> = Layer.unwrapEffect(
  Effect.map(DatabaseConfig, ({ dataDir, poolSize, url }) =>
    Option.match(url, {
      onNone: () => pgliteClient(dataDir),
      onSome: (u) => pgClient(u, { maxConnections: poolSize })
    })
  )
)

/** The database, migrated: what every Live service of core depends on. */
export const DatabaseLive = MigrationsLive.pipe(Layer.provideMerge(ClientLive))
