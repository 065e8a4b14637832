import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { userActor } from "../src/Common.js"
import { Kopecks } from "../src/Money.js"
import { ProcurementFilter, Procurements, UpdateProcurement } from "../src/Procurements.js"
import { databaseProfiles } from "../src/testing/index.js"
import { atNow, createProcurement, insertOrganizer, moneyLayer, procurementInput, rowCounts } from "./moneyFixtures.js"

const k = (n: bigint) => Kopecks.make(n)

const issuesOf = (e: { readonly _tag: string }) =>
  e._tag === "InvalidInput"
    ? (e as unknown as { readonly issues: ReadonlyArray<{ path: string; code: string }> }).issues.map(
        (i) => `${i.path}:${i.code}`
      )
    : [e._tag]

for (const profile of databaseProfiles()) {
  describe(`Procurement input reaching the database (${profile.name})`, () => {
    it.layer(moneyLayer(profile.layer), { timeout: "120 seconds" })((it) => {
      it.effect("a NUL byte or another control character in a text is InvalidInput, never a database error", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const organizer = yield* insertOrganizer()
          const before = yield* rowCounts
          const created = yield* procurements
            .create(yield* procurementInput(organizer, { title: "Мёд\u0000 алтайский", city: "Бар\u001bнаул" }))
            .pipe(Effect.flip)
          assert.deepStrictEqual(issuesOf(created), ["title:text.control-characters", "city:text.control-characters"])
          assert.deepStrictEqual(yield* rowCounts, before)

          const id = yield* createProcurement(organizer)
          const edited = yield* procurements
            .update(userActor(organizer), id, new UpdateProcurement({ description: "описание\u0000" }))
            .pipe(Effect.flip)
          assert.deepStrictEqual(issuesOf(edited), ["description:text.control-characters"])
          const view = yield* procurements.get(id)
          assert.strictEqual(view.procurement.description, "Свежий мёд с пасеки")
        })
      )

      it.effect("a search or city filter with a NUL byte matches nothing instead of failing in the database", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          yield* createProcurement(yield* insertOrganizer())
          for (const filter of [{ query: "мёд\u0000" }, { city: "\u0000" }, { query: "\u0007" }]) {
            const page = yield* procurements.list(new ProcurementFilter(filter))
            assert.deepStrictEqual([page.items.length, page.total], [0, 0], JSON.stringify(filter))
          }
          const all = yield* procurements.list(new ProcurementFilter({ query: "мёд" }))
          assert.isAbove(all.total, 0)
        })
      )

      it.effect("a stop-at amount below the target is refused (the bot's rule, now core's)", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const organizer = yield* insertOrganizer()
          // stopped by itself at 5 % of its goal
          const refused = yield* procurements
            .create(yield* procurementInput(organizer, { targetAmount: k(1_000_000n), stopAtAmount: k(50_000n) }))
            .pipe(Effect.flip)
          assert.deepStrictEqual(issuesOf(refused), ["stopAtAmount:stop-at.below-target"])
          const view = yield* procurements.create(
            yield* procurementInput(organizer, { targetAmount: k(1_000_000n), stopAtAmount: k(1_000_000n) })
          )
          assert.strictEqual(view.procurement.stopAtAmount, 1_000_000n)
        })
      )
    })
  })
}
