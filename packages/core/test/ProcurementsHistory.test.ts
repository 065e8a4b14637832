/** A procurement's status history: every lifecycle move once, oldest first, with who made it (a user or the system). */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { userActor } from "../src/Common.js"
import { ProcurementId } from "../src/Ids.js"
import { Procurements } from "../src/Procurements.js"
import { databaseProfiles } from "../src/testing/index.js"
import { advance, atNow, createProcurement, insertOrganizer, moneyLayer } from "./moneyFixtures.js"

const moves = (id: ProcurementId) =>
  Effect.map(
    Effect.flatMap(Procurements, (p) => p.history(id)),
    (changes) => changes.map((c) => [c.from, c.to, c.userId] as const)
  )

for (const profile of databaseProfiles()) {
  describe(`Procurements history (${profile.name})`, () => {
    it.layer(moneyLayer(profile.layer), { timeout: "180 seconds" })((it) => {
      it.effect(
        "records each move with its user; a refused move leaves nothing; the deadline sweep is the system",
        () =>
          Effect.gen(function* () {
            yield* atNow
            const procurements = yield* Procurements
            const organizer = yield* insertOrganizer()
            const id = yield* createProcurement(organizer)
            assert.deepStrictEqual(yield* moves(id), [])
            yield* procurements.setStatus(userActor(organizer), id, "STOPPED")
            const refused = yield* Effect.exit(procurements.setStatus(userActor(organizer), id, "COMPLETED"))
            assert.isTrue(Exit.isFailure(refused))
            yield* procurements.setStatus(userActor(organizer), id, "PAYMENT")
            assert.deepStrictEqual(yield* moves(id), [
              ["ACTIVE", "STOPPED", organizer],
              ["STOPPED", "PAYMENT", organizer]
            ])

            const swept = yield* createProcurement(organizer)
            yield* advance("400 days")
            assert.isAtLeast(yield* procurements.sweepExpired(), 1)
            assert.deepStrictEqual(yield* moves(swept), [["ACTIVE", "STOPPED", null]])
          })
      )

      it.effect("an unknown procurement is NotFound", () =>
        Effect.gen(function* () {
          const procurements = yield* Procurements
          const exit = yield* Effect.exit(
            procurements.history(ProcurementId.make("00000000-0000-4000-8000-000000000000"))
          )
          assert.isTrue(Exit.isFailure(exit) && exit.cause._tag === "Fail" && exit.cause.error._tag === "NotFound")
        })
      )
    })
  })
}
