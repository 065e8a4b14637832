import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { userActor } from "../src/Common.js"
import { Procurements, UpdateProcurement } from "../src/Procurements.js"
import { databaseProfiles } from "../src/testing/index.js"
import { atNow, createProcurement, insertOrganizer, moneyLayer, procurementInput } from "./moneyFixtures.js"

/** What adapters must never be handed to fetch or read: other schemes, local paths, platform file references. */
const notHttp = ["file:///etc/passwd", "/etc/passwd", "ftp://example.org/a.png", "gopher://127.0.0.1:6379/_INFO"]

const issuePaths = (error: { readonly _tag: string }) =>
  error._tag === "InvalidInput"
    ? (error as unknown as { issues: ReadonlyArray<{ path: string }> }).issues.map((i) => i.path)
    : []

for (const profile of databaseProfiles()) {
  describe(`procurement imageUrl (${profile.name})`, () => {
    it.layer(moneyLayer(profile.layer), { timeout: "180 seconds" })((it) => {
      it.effect("only http(s) links are stored, on create and on edit", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const organizer = yield* insertOrganizer()
          for (const imageUrl of notHttp) {
            const refused = yield* Effect.flip(procurements.create(yield* procurementInput(organizer, { imageUrl })))
            assert.deepStrictEqual(issuePaths(refused), ["imageUrl"], imageUrl)
          }
          const id = yield* createProcurement(organizer)
          for (const imageUrl of notHttp) {
            const refused = yield* Effect.flip(
              procurements.update(userActor(organizer), id, new UpdateProcurement({ imageUrl }))
            )
            assert.deepStrictEqual(issuePaths(refused), ["imageUrl"], imageUrl)
          }
          assert.isNull((yield* procurements.get(id)).procurement.imageUrl)
          const edited = yield* procurements.update(
            userActor(organizer),
            id,
            new UpdateProcurement({ imageUrl: " https://example.org/honey.png " })
          )
          assert.strictEqual(edited.procurement.imageUrl, "https://example.org/honey.png")
        })
      )
    })
  })
}
