import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
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
