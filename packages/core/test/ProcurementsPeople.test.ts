import { assert, describe, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import type { UserId } from "../src/Ids.js"
import { ProcurementFilter, Procurements } from "../src/Procurements.js"
import { databaseProfiles } from "../src/testing/index.js"
import { atNow, createProcurement, insertOrganizer, insertUser, moneyLayer } from "./moneyFixtures.js"

const rename = (id: UserId, firstName: string, lastName: string | null) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) => sql`UPDATE users SET ${sql.update({ firstName, lastName })} WHERE id = ${id}`
  )

for (const profile of databaseProfiles()) {
  describe(`Procurement views name their organizer and supplier (${profile.name})`, () => {
    it.layer(moneyLayer(profile.layer), { timeout: "180 seconds" })((it) => {
      it.effect("get, list and forUser carry the names; no supplier is null; an empty last name is left out", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const organizer = yield* insertOrganizer()
          const supplier = yield* insertUser({ role: "supplier" })
          yield* rename(organizer, "Ольга", "Петрова")
          yield* rename(supplier, "Сергей", "")
          const supplied = yield* createProcurement(organizer, { title: "Мёд с поставщиком", supplierId: supplier })
          const alone = yield* createProcurement(organizer, { title: "Мёд без поставщика" })

          const one = yield* procurements.get(supplied)
          assert.deepStrictEqual(one.organizer, { id: organizer, name: "Ольга Петрова" })
          assert.deepStrictEqual(one.supplier, { id: supplier, name: "Сергей" })
          assert.isNull((yield* procurements.get(alone)).supplier)

          const page = yield* procurements.list(new ProcurementFilter({ organizerId: organizer }))
          assert.deepStrictEqual(
            page.items.map((v) => [v.procurement.title, v.organizer.name, v.supplier?.name ?? null]),
            [
              ["Мёд без поставщика", "Ольга Петрова", null],
              ["Мёд с поставщиком", "Ольга Петрова", "Сергей"]
            ]
          )
          const mine = yield* procurements.forUser(organizer)
          assert.sameMembers(
            mine.organized.map((v) => v.supplier?.name ?? null),
            ["Сергей", null]
          )
        })
      )
    })
  })
}
