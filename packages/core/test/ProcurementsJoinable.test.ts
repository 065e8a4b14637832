import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { ProcurementFilter, Procurements } from "../src/Procurements.js"
import { databaseProfiles } from "../src/testing/index.js"
import { advance, atNow, createProcurement, insertOrganizer, moneyLayer } from "./moneyFixtures.js"

const uniqueCity = () => `Город ${Math.random().toString(36).slice(2, 10)}`

for (const profile of databaseProfiles()) {
  describe(`Procurements list: only joinable ones are active (${profile.name})`, () => {
    it.layer(moneyLayer(profile.layer), { timeout: "180 seconds" })((it) => {
      it.effect(
        "an ACTIVE procurement past its deadline is left out of listings by status (search too) before any sweep",
        () =>
          Effect.gen(function* () {
            yield* atNow
            const procurements = yield* Procurements
            const organizer = yield* insertOrganizer()
            const city = uniqueCity()
            const soon = yield* createProcurement(organizer, { city, title: "Мёд скоро" })
            yield* advance("1 day")
            const later = yield* createProcurement(organizer, { city, title: "Мёд позже" })
            const ids = (filter: ConstructorParameters<typeof ProcurementFilter>[0]) =>
              Effect.map(procurements.list(new ProcurementFilter(filter)), (page) => ({
                ids: page.items.map((v) => v.procurement.id),
                total: page.total
              }))
            assert.sameMembers((yield* ids({ city, status: ["ACTIVE"] })).ids, [soon, later])

            // `soon`'s deadline (7 days after creation) has passed; nothing has swept it yet
            yield* advance("6 days")
            assert.strictEqual((yield* procurements.get(soon)).procurement.status, "ACTIVE")
            assert.deepStrictEqual(yield* ids({ city, status: ["ACTIVE"] }), { ids: [later], total: 1 })
            assert.deepStrictEqual(yield* ids({ city, status: ["ACTIVE"], query: "мёд" }), { ids: [later], total: 1 })
            assert.deepStrictEqual(yield* ids({ city, status: ["ACTIVE", "STOPPED"] }), { ids: [later], total: 1 })
            // an unfiltered listing (the admin's) still shows every row as stored
            assert.sameMembers((yield* ids({ city })).ids, [soon, later])

            // once swept it is listed as what it is
            yield* procurements.sweepExpired()
            assert.sameMembers((yield* ids({ city, status: ["STOPPED"] })).ids, [soon])
            assert.deepStrictEqual((yield* ids({ city, status: ["ACTIVE"] })).ids, [later])
          })
      )
    })
  })
}
