import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { systemActor } from "../src/Common.js"
import type { UserId } from "../src/Ids.js"
import { Kopecks } from "../src/Money.js"
import { ProcurementFilter, Procurements } from "../src/Procurements.js"
import { databaseProfiles } from "../src/testing/index.js"
import {
  advance,
  atNow,
  createProcurement,
  insertCategory,
  insertOrganizer,
  insertUser,
  moneyLayer
} from "./moneyFixtures.js"

const k = (n: bigint) => Kopecks.make(n)
const uniqueCity = () => `Город ${Math.random().toString(36).slice(2, 10)}`

for (const profile of databaseProfiles()) {
  describe(`Procurements list (${profile.name})`, () => {
    it.layer(moneyLayer(profile.layer), { timeout: "180 seconds" })((it) => {
      it.effect("filters: status, category with descendants, city (case-insensitive), featured, organizer", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const organizer = yield* insertOrganizer()
          const city = uniqueCity()
          const food = yield* insertCategory(`Еда ${city}`)
          const honey = yield* insertCategory(`Мёд ${city}`, food)
          const linden = yield* insertCategory(`Липовый ${city}`, honey)
          const other = yield* insertCategory(`Одежда ${city}`)
          const a = yield* createProcurement(organizer, { city, categoryId: food, title: "A закупка" })
          const b = yield* createProcurement(organizer, { city, categoryId: linden, title: "B закупка" })
          const c = yield* createProcurement(organizer, { city, categoryId: other, title: "C закупка" })
          const d = yield* createProcurement(organizer, { city, title: "D закупка", publish: false })
          yield* procurements.setFeatured(c, true)
          const ids = (filter: ConstructorParameters<typeof ProcurementFilter>[0]) =>
            Effect.map(procurements.list(new ProcurementFilter(filter)), (page) =>
              page.items.map((v) => v.procurement.id)
            )
          assert.sameMembers(yield* ids({ city }), [a, b, c, d])
          assert.sameMembers(yield* ids({ city: `  ${city.toUpperCase()} ` }), [a, b, c, d])
          assert.sameMembers(yield* ids({ city, status: ["ACTIVE"] }), [a, b, c])
          assert.sameMembers(yield* ids({ city, status: ["DRAFT", "CANCELLED"] }), [d])
          assert.sameMembers(yield* ids({ categoryId: food }), [a, b])
          assert.sameMembers(yield* ids({ categoryId: honey }), [b])
          assert.sameMembers(yield* ids({ city, featured: true }), [c])
          assert.sameMembers(yield* ids({ organizerId: organizer }), [a, b, c, d])
          const page = yield* procurements.list(new ProcurementFilter({ city, limit: 2, offset: 1 }))
          assert.strictEqual(page.total, 4)
          assert.strictEqual(page.items.length, 2)
          assert.deepStrictEqual([page.offset, page.limit], [1, 2])
          // by default featured first (c), then newest first
          assert.deepStrictEqual(yield* ids({ city }), [c, d, b, a])
          // the procurements a supplier supplies
          const supplier = yield* insertUser({ role: "supplier" })
          const e = yield* createProcurement(organizer, {
            city: uniqueCity(),
            title: "E закупка",
            supplierId: supplier
          })
          assert.sameMembers(yield* ids({ supplierId: supplier }), [e])
          assert.sameMembers(yield* ids({ city, supplierId: supplier }), [])
        })
      )

      it.effect("full-text search in Russian, ranked by relevance", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const organizer = yield* insertOrganizer()
          const city = uniqueCity()
          const honey = yield* createProcurement(organizer, {
            city,
            title: "Мёд алтайский с пасеки",
            description: "Свежий мёд, пасека в горах"
          })
          const tea = yield* createProcurement(organizer, {
            city,
            title: "Чай иван-чай",
            description: "Можно к чаю взять и пасечный мёд"
          })
          yield* createProcurement(organizer, { city, title: "Кофе в зёрнах", description: "Арабика" })
          const found = yield* procurements.list(new ProcurementFilter({ city, query: "пасеками" }))
          assert.deepStrictEqual(
            found.items.map((v) => v.procurement.id),
            [honey]
          )
          const ranked = yield* procurements.list(new ProcurementFilter({ city, query: "мёд" }))
          assert.deepStrictEqual(
            ranked.items.map((v) => v.procurement.id),
            [honey, tea]
          )
          assert.strictEqual(ranked.total, 2)
          const none = yield* procurements.list(new ProcurementFilter({ city, query: "велосипед" }))
          assert.strictEqual(none.total, 0)
          // a blank query is no filter
          assert.strictEqual((yield* procurements.list(new ProcurementFilter({ city, query: "   " }))).total, 3)
        })
      )

      it.effect("sort by deadline and by progress; progress and daysLeft in every item", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const organizer = yield* insertOrganizer()
          const city = uniqueCity()
          const far = yield* createProcurement(organizer, { city, targetAmount: k(100_000n) })
          const near = yield* createProcurement(organizer, {
            city,
            targetAmount: k(300_000n)
          })
          yield* advance("1 hour")
          const nearer = yield* createProcurement(organizer, { city, targetAmount: k(1_000_000n) })
          yield* procurements.update({ _tag: "System", reason: "test" }, near, {
            deadline: (yield* procurements.get(nearer)).procurement.deadline
          } as never)
          // far: 1 of 1000 ₽ → 50 %, near: 2 × 500 of 3000 ₽ → 33 %, nearer: 0 %
          yield* procurements.join(yield* insertUser(), far, 1)
          yield* procurements.join(yield* insertUser(), near, 1)
          yield* procurements.join(yield* insertUser(), near, 1)
          const byProgress = yield* procurements.list(new ProcurementFilter({ city, sort: "progress" }))
          assert.deepStrictEqual(
            byProgress.items.map((v) => [v.procurement.id, v.progress.percent, v.progress.participantCount]),
            [
              [far, 50, 1],
              [near, 33, 2],
              [nearer, 0, 0]
            ] as never
          )
          const byDeadline = yield* procurements.list(new ProcurementFilter({ city, sort: "deadline" }))
          assert.strictEqual(byDeadline.items[0]!.procurement.id, far)
          assert.sameMembers(
            byDeadline.items.slice(1).map((v) => v.procurement.id),
            [near, nearer]
          )
          assert.deepStrictEqual(
            byDeadline.items.map((v) => v.progress.daysLeft),
            [7, 7, 7]
          )
          // exactly the first deadline: 0 days left there, one hour (→ 1 day) left for the later one
          yield* advance("167 hours")
          const later = yield* procurements.get(far)
          assert.strictEqual(later.progress.daysLeft, 0)
          assert.strictEqual((yield* procurements.get(nearer)).progress.daysLeft, 1)
        })
      )

      it.effect("forUser: organized and joined (non-cancelled) with their views", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const organizer = yield* insertOrganizer()
          const other = yield* insertOrganizer()
          const buyer = yield* insertUser()
          const mine = yield* createProcurement(organizer)
          const joined = yield* createProcurement(other)
          const left = yield* createProcurement(other)
          yield* procurements.join(buyer, joined, 2)
          yield* procurements.join(buyer, left, 1)
          yield* procurements.leave(buyer, left)
          yield* procurements.join(organizer, joined, 1)
          const forOrganizer = yield* procurements.forUser(organizer)
          assert.deepStrictEqual(
            forOrganizer.organized.map((v) => v.procurement.id),
            [mine]
          )
          assert.deepStrictEqual(
            forOrganizer.joined.map((j) => j.view.procurement.id),
            [joined]
          )
          const forBuyer = yield* procurements.forUser(buyer)
          assert.deepStrictEqual(forBuyer.organized, [])
          assert.deepStrictEqual(
            forBuyer.joined.map((j) => [
              j.view.procurement.id,
              j.participant.quantity,
              j.view.progress.participantCount
            ]),
            [[joined, 2, 2]] as never
          )
          assert.deepStrictEqual(yield* procurements.forUser("nope" as UserId), {
            organized: [],
            supplied: [],
            joined: []
          })
          yield* procurements.setStatus(systemActor("test"), joined, "CANCELLED")
          assert.deepStrictEqual((yield* procurements.forUser(buyer)).joined, [])
        })
      )
    })
  })
}
