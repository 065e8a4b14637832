import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Exit, Option, Redacted } from "effect"
import { DatabaseConfig } from "../src/Database.js"
import { databaseProfiles } from "../src/testing/index.js"

for (const profile of databaseProfiles()) {
  describe(`Database (${profile.name})`, () => {
    it.layer(profile.layer, { timeout: "120 seconds" })((it) => {
      it.effect("migrations create the schema; Russian full-text search works", () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const [u] = yield* sql<{ id: string }>`INSERT INTO users (first_name) VALUES ('Анна') RETURNING id`
          yield* sql`INSERT INTO procurements (title, description, organizer_id, target_amount, price_per_unit, unit,
            deadline, city) VALUES ('Мёд алтайский', 'Свежий мёд с пасеки', ${u!.id}, 100000, 50000, 'кг',
            now() + interval '7 days', 'Барнаул')`
          const found = yield* sql<{ title: string }>`SELECT title FROM procurements
            WHERE search @@ plainto_tsquery('russian', 'пасеках')`
          assert.deepStrictEqual(
            found.map((r) => r.title),
            ["Мёд алтайский"]
          )
        })
      )
      it.effect("a balance can never go negative (CHECK constraint)", () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient.SqlClient
          const result = yield* sql`INSERT INTO users (first_name, balance) VALUES ('X', -1)`.pipe(Effect.flip)
          assert.strictEqual(result._tag, "SqlError")
        })
      )
    })
  })
}

describe("DatabaseConfig", () => {
  const selected = (env: Record<string, string>) =>
    DatabaseConfig.pipe(
      Effect.map(({ url }) => Option.map(url, Redacted.value)),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
    )

  it.effect("DATABASE_URL, or the specification's DB_NAME / DB_USER / DB_PASSWORD, or none (PGlite)", () =>
    Effect.gen(function* () {
      assert.deepStrictEqual(yield* selected({}), Option.none())
      assert.deepStrictEqual(
        yield* selected({ DATABASE_URL: "postgres://a@db:5432/x" }),
        Option.some("postgres://a@db:5432/x")
      )
      assert.deepStrictEqual(
        yield* selected({ DB_NAME: "groupbuy", DB_USER: "gb", DB_PASSWORD: "p@ss:w/rd" }),
        Option.some("postgres://gb:p%40ss%3Aw%2Frd@localhost:5432/groupbuy")
      )
      assert.deepStrictEqual(
        yield* selected({ DB_NAME: "groupbuy", DB_HOST: "10.0.0.5", DB_PORT: "6432" }),
        Option.some("postgres://postgres@10.0.0.5:6432/groupbuy")
      )
      // one URL wins over the parts; a user alone selects nothing
      assert.deepStrictEqual(
        yield* selected({ DATABASE_URL: "postgres://a@db/x", DB_NAME: "other" }),
        Option.some("postgres://a@db/x")
      )
      assert.deepStrictEqual(yield* selected({ DB_USER: "gb" }), Option.none())
      assert.isTrue(Exit.isFailure(yield* Effect.exit(selected({ DB_NAME: "g", DB_PORT: "not a port" }))))
    })
  )

  it.effect("DATABASE_POOL_SIZE: 10 connections unless set, from 1 to 200", () =>
    Effect.gen(function* () {
      const poolSize = (env: Record<string, string>) =>
        DatabaseConfig.pipe(
          Effect.map((config) => config.poolSize),
          Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
        )
      assert.strictEqual(yield* poolSize({}), 10)
      assert.strictEqual(yield* poolSize({ DATABASE_POOL_SIZE: "32" }), 32)
      for (const wrong of ["0", "201", "ten", "2.5"]) {
        assert.isTrue(Exit.isFailure(yield* Effect.exit(poolSize({ DATABASE_POOL_SIZE: wrong }))), wrong)
      }
    })
  )
})
