import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, FastCheck } from "effect"
import { systemActor, userActor } from "../src/Common.js"
import type { ProcurementId, UserId } from "../src/Ids.js"
import { canTransitionProcurement, participantTransitions } from "../src/Lifecycle.js"
import type { ParticipantStatus, ProcurementStatus } from "../src/Models.js"
import { Procurements } from "../src/Procurements.js"
import { databaseProfiles } from "../src/testing/index.js"
import { advance, atNow, createProcurement, insertOrganizer, insertUser, moneyLayer } from "./moneyFixtures.js"

const statuses: ReadonlyArray<ProcurementStatus> = ["DRAFT", "ACTIVE", "STOPPED", "PAYMENT", "COMPLETED", "CANCELLED"]
const system = systemActor("test")

/** A legal path from a fresh procurement to each status. */
const pathTo: Record<ProcurementStatus, ReadonlyArray<ProcurementStatus>> = {
  DRAFT: [],
  ACTIVE: [],
  STOPPED: ["STOPPED"],
  PAYMENT: ["STOPPED", "PAYMENT"],
  COMPLETED: ["STOPPED", "PAYMENT", "COMPLETED"],
  CANCELLED: ["CANCELLED"]
}

const reach = (organizer: UserId, status: ProcurementStatus) =>
  Effect.gen(function* () {
    const procurements = yield* Procurements
    const id = yield* createProcurement(organizer, { publish: status !== "DRAFT" })
    for (const step of pathTo[status]) yield* procurements.setStatus(system, id, step)
    return id
  })

const statusOf = (id: ProcurementId) =>
  Effect.map(
    Effect.flatMap(Procurements, (p) => p.get(id)),
    (v) => v.procurement.status
  )

for (const profile of databaseProfiles()) {
  describe(`Procurements lifecycle (${profile.name})`, () => {
    it.layer(moneyLayer(profile.layer), { timeout: "180 seconds" })((it) => {
      it.effect("every procurement transition: legal ones succeed, illegal ones are IllegalTransition", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const organizer = yield* insertOrganizer()
          for (const from of statuses) {
            for (const to of statuses) {
              const id = yield* reach(organizer, from)
              const exit = yield* Effect.exit(procurements.setStatus(userActor(organizer), id, to))
              if (canTransitionProcurement(from, to)) {
                assert.isTrue(Exit.isSuccess(exit), `${from} → ${to} should be allowed`)
                assert.strictEqual(yield* statusOf(id), to)
              } else {
                const error = Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : undefined
                assert.deepStrictEqual(
                  error?._tag === "IllegalTransition" ? [error.entity, error.from, error.to] : error,
                  ["procurement", from, to],
                  `${from} → ${to} should be refused`
                )
                assert.strictEqual(yield* statusOf(id), from)
              }
            }
          }
        })
      )

      it.effect.prop(
        "random transition sequences follow the table (model-based)",
        [FastCheck.array(FastCheck.constantFrom(...statuses), { minLength: 1, maxLength: 6 }), FastCheck.boolean()],
        ([sequence, publish]) =>
          Effect.gen(function* () {
            yield* atNow
            const procurements = yield* Procurements
            const organizer = yield* insertOrganizer()
            const id = yield* createProcurement(organizer, { publish })
            let model: ProcurementStatus = publish ? "ACTIVE" : "DRAFT"
            for (const to of sequence) {
              const exit = yield* Effect.exit(procurements.setStatus(system, id, to))
              if (canTransitionProcurement(model, to)) {
                assert.isTrue(Exit.isSuccess(exit))
                model = to
              } else {
                assert.isTrue(Exit.isFailure(exit))
              }
              assert.strictEqual(yield* statusOf(id), model)
            }
          }),
        { fastCheck: { numRuns: 12 } }
      )

      it.effect("only the organizer, an admin or the system may change the status", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const organizer = yield* insertOrganizer()
          const stranger = yield* insertUser()
          const admin = yield* insertUser({ isAdmin: true })
          const id = yield* createProcurement(organizer)
          const refused = yield* Effect.flip(procurements.setStatus(userActor(stranger), id, "STOPPED"))
          assert.strictEqual(refused._tag, "Forbidden")
          assert.strictEqual(yield* statusOf(id), "ACTIVE")
          yield* procurements.setStatus(userActor(admin, true), id, "STOPPED")
          yield* procurements.setStatus(system, id, "PAYMENT")
          assert.strictEqual(yield* statusOf(id), "PAYMENT")
          const missing = yield* Effect.flip(
            procurements.setStatus(system, "00000000-0000-4000-8000-000000000000" as ProcurementId, "STOPPED")
          )
          assert.strictEqual(missing._tag, "NotFound")
          const malformed = yield* Effect.flip(procurements.setStatus(system, "x" as ProcurementId, "STOPPED"))
          assert.strictEqual(malformed._tag, "NotFound")
        })
      )

      it.effect("participant transitions: confirm PENDING, deliver PAID; anything else is IllegalTransition", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const organizer = yield* insertOrganizer()
          const buyer = yield* insertUser()
          const id = yield* createProcurement(organizer)
          const joined = yield* procurements.join(buyer, id, 1)
          assert.strictEqual(joined.status, "PENDING")
          const deliverPending = yield* Effect.flip(procurements.markDelivered(userActor(organizer), joined.id))
          assert.deepStrictEqual(
            deliverPending._tag === "IllegalTransition"
              ? [deliverPending.entity, deliverPending.from, deliverPending.to]
              : deliverPending,
            ["participant", "PENDING", "DELIVERED"]
          )
          const confirmed = yield* procurements.confirmParticipant(userActor(organizer), joined.id)
          assert.strictEqual(confirmed.status, "CONFIRMED")
          const again = yield* Effect.flip(procurements.confirmParticipant(userActor(organizer), joined.id))
          assert.strictEqual(again._tag, "IllegalTransition")
          const stranger = yield* insertUser()
          const forbidden = yield* Effect.flip(procurements.confirmParticipant(userActor(stranger), joined.id))
          assert.strictEqual(forbidden._tag, "Forbidden")
          const missing = yield* Effect.flip(
            procurements.confirmParticipant(userActor(organizer), "00000000-0000-4000-8000-000000000000" as never)
          )
          assert.strictEqual(missing._tag, "NotFound")
          // the table itself: every pair the service can meet agrees with Lifecycle.ts
          const allowed = (from: ParticipantStatus, to: ParticipantStatus) => participantTransitions[from].includes(to)
          assert.isTrue(allowed("PENDING", "CONFIRMED") && allowed("PAID", "DELIVERED"))
          assert.isFalse(allowed("DELIVERED", "CANCELLED"))
        })
      )

      it.effect("sweepExpired stops ACTIVE procurements whose deadline passed (TestClock), once", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const organizer = yield* insertOrganizer()
          const buyer = yield* insertUser()
          const soon = yield* createProcurement(organizer, { title: "Скоро" })
          yield* procurements.join(buyer, soon, 1)
          yield* advance("1 day")
          const later = yield* createProcurement(organizer, { title: "Позже" })
          const draft = yield* createProcurement(organizer, { title: "Черновик", publish: false })
          yield* advance("6 days")
          const afterDeadlineJoin = yield* Effect.flip(procurements.join(yield* insertUser(), soon, 1))
          assert.strictEqual(
            afterDeadlineJoin._tag === "RuleViolation" && afterDeadlineJoin.code,
            "join.deadline-passed"
          )
          const stopped = yield* procurements.sweepExpired()
          assert.isAtLeast(stopped, 1)
          assert.strictEqual(yield* statusOf(soon), "STOPPED")
          assert.strictEqual(yield* statusOf(later), "ACTIVE")
          assert.strictEqual(yield* statusOf(draft), "DRAFT")
          assert.strictEqual(yield* procurements.sweepExpired(), 0)
          yield* advance("1 day")
          assert.strictEqual(yield* procurements.sweepExpired(), 1)
          assert.strictEqual(yield* statusOf(later), "STOPPED")
        })
      )
    })
  })
}
