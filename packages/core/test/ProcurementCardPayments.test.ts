import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Fiber, Stream } from "effect"
import { systemActor, userActor } from "../src/Common.js"
import type { DomainEvent } from "../src/Events.js"
import { DomainEvents } from "../src/Events.js"
import type { ProcurementId, UserId } from "../src/Ids.js"
import { Ledger } from "../src/Ledger.js"
import { CreateProcurementPayment, Payments } from "../src/Payments.js"
import { Procurements } from "../src/Procurements.js"
import { databaseProfiles } from "../src/testing/index.js"
import {
  atNow,
  balanceOf,
  createProcurement,
  fund,
  heldOf,
  insertOrganizer,
  insertUser,
  moneyLayer,
  rowCounts
} from "./moneyFixtures.js"

const system = systemActor("test")

const code = (e: { readonly _tag: string }) =>
  e._tag === "RuleViolation" ? (e as unknown as { readonly code: string }).code : e._tag

const share = (userId: UserId, procurementId: ProcurementId, key: string, authorizeFirst = false) =>
  new CreateProcurementPayment({ userId, procurementId, provider: "sandbox", idempotencyKey: key, authorizeFirst })

/** An organizer's procurement (500 ₽ a unit) with one buyer of two units, confirmed and, with `toPayment`, asked to pay. */
const oneBuyer = (options: { readonly confirm?: boolean; readonly toPayment?: boolean } = {}) =>
  Effect.gen(function* () {
    const procurements = yield* Procurements
    const organizer = yield* insertOrganizer()
    const id = yield* createProcurement(organizer)
    const buyer = yield* insertUser()
    const joined = yield* procurements.join(buyer, id, 2)
    if (options.confirm !== false) yield* procurements.confirmParticipant(userActor(organizer), joined.id)
    if (options.toPayment !== false) {
      yield* procurements.setStatus(system, id, "STOPPED")
      yield* procurements.setStatus(system, id, "PAYMENT")
    }
    return { organizer, id, buyer, participant: joined }
  })

const participantStatus = (id: ProcurementId, user: UserId) =>
  Effect.flatMap(Procurements, (p) => p.participants(id)).pipe(
    Effect.map((rows) => rows.find((r) => r.participant.userId === user)?.participant.status)
  )

const rowsOf = (user: UserId) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    return yield* sql<{ type: string; amount: string }>`SELECT type, amount::text AS amount FROM transactions
      WHERE user_id = ${user} ORDER BY created_at, type`
  }).pipe(Effect.orDie)

const invariant = Effect.gen(function* () {
  const totals = yield* Effect.flatMap(Ledger, (l) => l.totals())
  assert.strictEqual(totals.balances + totals.held, totals.external, "Σ balances + Σ held = external")
})

const collect = (filter: (e: DomainEvent) => boolean, n: number) =>
  Effect.flatMap(DomainEvents, (bus) =>
    Effect.flatMap(bus.subscribe, (stream) =>
      Effect.fork(Stream.runCollect(stream.pipe(Stream.filter(filter), Stream.take(n))))
    )
  )

for (const profile of databaseProfiles()) {
  describe(`Procurement card payments (${profile.name})`, () => {
    it.layer(moneyLayer(profile.layer), { timeout: "180 seconds" })((it) => {
      it.scoped("a card payment pays the share once: credited and debited together, the participant PAID", () =>
        Effect.gen(function* () {
          yield* atNow
          const payments = yield* Payments
          const { buyer, id } = yield* oneBuyer()
          const payment = yield* payments.createProcurementPayment(share(buyer, id, "card-1"))
          assert.strictEqual(payment.type, "PROCUREMENT_PAYMENT")
          assert.strictEqual(payment.status, "PENDING")
          assert.strictEqual(payment.procurementId, id)
          assert.strictEqual(payment.amount, 100_000n)
          // a double tap (same key) and a second tap with another key both return the open payment
          assert.strictEqual((yield* payments.createProcurementPayment(share(buyer, id, "card-1"))).id, payment.id)
          assert.strictEqual((yield* payments.createProcurementPayment(share(buyer, id, "card-2"))).id, payment.id)
          assert.deepStrictEqual(
            (yield* payments.openForProcurement(id, buyer)).map((p) => p.id),
            [payment.id]
          )
          assert.deepStrictEqual(
            (yield* payments.openOfUser(buyer)).map((p) => p.id),
            [payment.id]
          )
          const told = yield* collect((e) => e._tag === "PaymentSucceeded" && e.paymentId === payment.id, 1)
          // the webhook arrives twice, concurrently
          const [a, b] = yield* Effect.all([payments.succeed(payment.id), payments.succeed(payment.id)], {
            concurrency: 2
          })
          assert.deepStrictEqual([a.credited, b.credited].sort(), [false, true])
          assert.strictEqual(a.payment.status, "SUCCEEDED")
          assert.isFalse((yield* payments.succeed(payment.id)).credited)
          assert.strictEqual(yield* participantStatus(id, buyer), "PAID")
          assert.strictEqual(yield* heldOf(id), 100_000n)
          assert.strictEqual(yield* balanceOf(buyer), 0n)
          assert.deepStrictEqual(
            (yield* rowsOf(buyer)).map((r) => [r.type, r.amount]),
            [
              ["DEPOSIT", "100000"],
              ["PROCUREMENT_JOIN", "-100000"]
            ]
          )
          const events = Chunk.toReadonlyArray(yield* Fiber.join(told))
          assert.deepStrictEqual(
            events.map((e) => (e._tag === "PaymentSucceeded" ? [e.procurementId, e.title] : [])),
            [[id, "Мёд алтайский"]]
          )
          assert.deepStrictEqual(yield* payments.openForProcurement(id), [])
          assert.deepStrictEqual(yield* payments.openOfUser(buyer), [])
          // paid by card: paying again (from the balance, or by card) is refused
          const again = yield* Effect.flip(payments.createProcurementPayment(share(buyer, id, "card-3")))
          assert.strictEqual(code(again), "pay.already-paid")
          assert.strictEqual(code(yield* Effect.flip((yield* Procurements).pay(buyer, id))), "pay.already-paid")
          yield* invariant
          // a cancelled procurement refunds the card-paid share to the balance, like one paid from it
          yield* (yield* Procurements).setStatus(system, id, "CANCELLED")
          assert.strictEqual(yield* balanceOf(buyer), 100_000n)
          yield* invariant
        })
      )

      it.effect("card payments are refused where paying is not open, and write nothing", () =>
        Effect.gen(function* () {
          yield* atNow
          const payments = yield* Payments
          const procurements = yield* Procurements
          const collecting = yield* oneBuyer({ toPayment: false })
          const unconfirmed = yield* oneBuyer({ confirm: false })
          const paid = yield* oneBuyer()
          yield* fund(paid.buyer, 100_000n)
          yield* procurements.pay(paid.buyer, paid.id)
          const stranger = yield* insertUser()
          const before = yield* rowCounts
          assert.strictEqual(
            code(yield* Effect.flip(payments.createProcurementPayment(share(collecting.buyer, collecting.id, "n1")))),
            "pay.not-open"
          )
          assert.strictEqual(
            code(yield* Effect.flip(payments.createProcurementPayment(share(unconfirmed.buyer, unconfirmed.id, "n2")))),
            "pay.not-confirmed"
          )
          assert.strictEqual(
            code(yield* Effect.flip(payments.createProcurementPayment(share(paid.buyer, paid.id, "n3")))),
            "pay.already-paid"
          )
          assert.strictEqual(
            code(yield* Effect.flip(payments.createProcurementPayment(share(stranger, paid.id, "n4")))),
            "NotFound"
          )
          assert.strictEqual(
            code(
              yield* Effect.flip(
                payments.createProcurementPayment(
                  share(stranger, "00000000-0000-4000-8000-000000000000" as never, "n5")
                )
              )
            ),
            "NotFound"
          )
          assert.strictEqual(
            code(yield* Effect.flip(payments.createProcurementPayment({ userId: "x" } as never))),
            "InvalidInput"
          )
          assert.deepStrictEqual(yield* rowCounts, before)
        })
      )

      it.effect("two-step: authorized while collecting, captured once the share may be paid", () =>
        Effect.gen(function* () {
          yield* atNow
          const payments = yield* Payments
          const procurements = yield* Procurements
          const { buyer, id, organizer, participant } = yield* oneBuyer({ confirm: false, toPayment: false })
          const payment = yield* payments.createProcurementPayment(share(buyer, id, "two-1", true))
          // capturing before the provider authorized is refused
          const early = yield* Effect.flip(payments.capture(payment.id))
          assert.strictEqual(early._tag, "IllegalTransition")
          const authorized = yield* payments.authorize(payment.id)
          assert.strictEqual(authorized.payment.status, "WAITING_FOR_CAPTURE")
          assert.isFalse(authorized.capturable)
          // the authorization reported again changes nothing
          assert.strictEqual((yield* payments.authorize(payment.id)).payment.status, "WAITING_FOR_CAPTURE")
          assert.strictEqual(yield* participantStatus(id, buyer), "PENDING")
          assert.strictEqual(yield* balanceOf(buyer), 0n)
          yield* procurements.confirmParticipant(userActor(organizer), participant.id)
          yield* procurements.setStatus(system, id, "STOPPED")
          yield* procurements.setStatus(system, id, "PAYMENT")
          assert.isTrue((yield* payments.authorize(payment.id)).capturable)
          const captured = yield* payments.capture(payment.id)
          assert.isTrue(captured.credited)
          assert.strictEqual(captured.payment.status, "SUCCEEDED")
          assert.isFalse((yield* payments.capture(payment.id)).credited)
          assert.strictEqual(yield* participantStatus(id, buyer), "PAID")
          assert.strictEqual(yield* heldOf(id), 100_000n)
          assert.strictEqual(yield* balanceOf(buyer), 0n)
          yield* invariant
        })
      )

      it.effect("two-step: a cancelled authorization settles nothing and cannot be captured", () =>
        Effect.gen(function* () {
          yield* atNow
          const payments = yield* Payments
          const { buyer, id } = yield* oneBuyer()
          const payment = yield* payments.createProcurementPayment(share(buyer, id, "two-2", true))
          yield* payments.authorize(payment.id)
          const cancelled = yield* payments.cancel(payment.id)
          assert.strictEqual(cancelled.status, "CANCELLED")
          assert.strictEqual((yield* Effect.flip(payments.capture(payment.id)))._tag, "IllegalTransition")
          assert.strictEqual((yield* Effect.flip(payments.succeed(payment.id)))._tag, "IllegalTransition")
          assert.strictEqual(yield* participantStatus(id, buyer), "CONFIRMED")
          assert.strictEqual(yield* heldOf(id), 0n)
          assert.deepStrictEqual(yield* rowsOf(buyer), [])
          // a new card payment may be started after the cancelled one
          const next = yield* payments.createProcurementPayment(share(buyer, id, "two-3", true))
          assert.notStrictEqual(next.id, payment.id)
        })
      )

      it.effect("money that arrives for a share that can no longer be paid stays on the balance as a deposit", () =>
        Effect.gen(function* () {
          yield* atNow
          const payments = yield* Payments
          const procurements = yield* Procurements
          const { buyer, id } = yield* oneBuyer({ toPayment: false })
          const payment = yield* payments.createProcurementPayment(share(buyer, id, "late-1", true))
          yield* payments.authorize(payment.id)
          yield* procurements.leave(buyer, id)
          const captured = yield* payments.capture(payment.id)
          assert.isTrue(captured.credited)
          assert.strictEqual(yield* balanceOf(buyer), 100_000n)
          assert.strictEqual(yield* heldOf(id), 0n)
          assert.deepStrictEqual(
            (yield* rowsOf(buyer)).map((r) => r.type),
            ["DEPOSIT"]
          )
          yield* invariant
        })
      )
    })
  })
}
