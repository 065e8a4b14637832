import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Fiber, Layer, Stream } from "effect"
import { userActor } from "../src/Common.js"
import type { DomainEvent } from "../src/Events.js"
import { DomainEvents, DomainEventsLive } from "../src/Events.js"
import type { UserId } from "../src/Ids.js"
import { Ledger } from "../src/Ledger.js"
import { LedgerLive } from "../src/LedgerLive.js"
import { Kopecks } from "../src/Money.js"
import { CreateDeposit, CreateProcurementPayment, Payments } from "../src/Payments.js"
import { PaymentsLive } from "../src/PaymentsLive.js"
import { Procurements } from "../src/Procurements.js"
import { ProcurementsLive } from "../src/ProcurementsLive.js"
import { Referrals } from "../src/Referrals.js"
import { ReferralsLive } from "../src/ReferralsLive.js"
import { databaseProfiles } from "../src/testing/index.js"
import { atNow, balanceOf, createProcurement, insertOrganizer, insertUser } from "./moneyFixtures.js"

const k = (n: bigint) => Kopecks.make(n)
let keys = 0
const deposit = (userId: UserId, amount: bigint) =>
  new CreateDeposit({ userId, amount: k(amount), provider: "sandbox", idempotencyKey: `ref-dep-${++keys}-${userId}` })

const bonusesOf = (userId: UserId) =>
  Effect.flatMap(Ledger, (l) => l.history(userId, { offset: 0, limit: 50 })).pipe(
    Effect.map((page) => page.items.filter((t) => t.type === "BONUS").map((t) => t.amount))
  )

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
  describe(`Referral rewards (${profile.name})`, () => {
    // the money services and Referrals over one database (moneyLayer is fresh: providing it twice would build two)
    const layer = Layer.fresh(
      Layer.mergeAll(LedgerLive, ProcurementsLive, PaymentsLive, ReferralsLive).pipe(
        Layer.provideMerge(DomainEventsLive),
        Layer.provideMerge(profile.layer)
      )
    )
    it.layer(layer, { timeout: "180 seconds" })((it) => {
      it.scoped("the referrer gets the reward once, at the referred person's first payment, and is told", () =>
        Effect.gen(function* () {
          yield* atNow
          const referrals = yield* Referrals
          const payments = yield* Payments
          yield* referrals.setReward(k(15_000n))
          const anna = yield* insertUser({ firstName: "Анна" })
          const boris = yield* insertUser({ firstName: "Борис" })
          assert.isTrue(yield* referrals.record(boris, anna))
          // the first link wins; oneself never
          const clara = yield* insertUser()
          assert.isFalse(yield* referrals.record(boris, clara))
          assert.isFalse(yield* referrals.record(clara, clara))
          assert.strictEqual((yield* referrals.of(boris))?.referrerId, anna)
          // a pending deposit rewards nothing
          const first = yield* payments.createDeposit(deposit(boris, 50_000n))
          assert.deepStrictEqual(yield* bonusesOf(anna), [])
          const told = yield* collect((e) => e._tag === "BonusGranted" && e.userId === anna, 1)
          // the provider reports it twice, at once
          yield* Effect.all([payments.succeed(first.id), payments.succeed(first.id)], { concurrency: 2 })
          assert.deepStrictEqual(yield* bonusesOf(anna), [15_000n])
          assert.strictEqual(yield* balanceOf(anna), 15_000n)
          const events = Chunk.toReadonlyArray(yield* Fiber.join(told))
          assert.deepStrictEqual(
            events.map((e) => (e._tag === "BonusGranted" ? [e.amount, e.referredId] : [])),
            [[k(15_000n), boris]]
          )
          const settled = yield* referrals.of(boris)
          assert.strictEqual(settled?.reward, 15_000n)
          assert.isNotNull(settled?.transactionId)
          // the next payment rewards nothing more
          const second = yield* payments.createDeposit(deposit(boris, 20_000n))
          yield* payments.succeed(second.id)
          assert.deepStrictEqual(yield* bonusesOf(anna), [15_000n])
          // after a first payment no link is recorded any more
          const dora = yield* insertUser()
          const paid = yield* payments.createDeposit(deposit(dora, 10_000n))
          yield* payments.succeed(paid.id)
          assert.isFalse(yield* referrals.record(dora, anna))
          yield* invariant
        })
      )

      it.effect("a card payment of a share is a first payment too; 0 turns rewards off", () =>
        Effect.gen(function* () {
          yield* atNow
          const referrals = yield* Referrals
          const payments = yield* Payments
          const procurements = yield* Procurements
          yield* referrals.setReward(k(5_000n))
          const host = yield* insertUser()
          const buyer = yield* insertUser()
          yield* referrals.record(buyer, host)
          const organizer = yield* insertOrganizer()
          const id = yield* createProcurement(organizer)
          const joined = yield* procurements.join(buyer, id, 1)
          yield* procurements.confirmParticipant(userActor(organizer), joined.id)
          yield* procurements.setStatus(userActor(organizer), id, "STOPPED")
          yield* procurements.setStatus(userActor(organizer), id, "PAYMENT")
          const card = yield* payments.createProcurementPayment(
            new CreateProcurementPayment({
              userId: buyer,
              procurementId: id,
              provider: "sandbox",
              idempotencyKey: "r1"
            })
          )
          yield* payments.succeed(card.id)
          assert.deepStrictEqual(yield* bonusesOf(host), [5_000n])

          // rewards off: the first payment settles the referral without a bonus, and a later setting changes nothing
          yield* referrals.setReward(k(0n))
          assert.strictEqual((yield* referrals.settings()).reward, 0n)
          const quiet = yield* insertUser()
          const newcomer = yield* insertUser()
          yield* referrals.record(newcomer, quiet)
          const p = yield* payments.createDeposit(deposit(newcomer, 10_000n))
          yield* payments.succeed(p.id)
          yield* referrals.setReward(k(5_000n))
          const q = yield* payments.createDeposit(deposit(newcomer, 10_000n))
          yield* payments.succeed(q.id)
          assert.deepStrictEqual(yield* bonusesOf(quiet), [])
          assert.strictEqual((yield* referrals.of(newcomer))?.reward, 0n)

          const bad = yield* Effect.flip(referrals.setReward(k(-1n)))
          assert.strictEqual(bad._tag === "InvalidInput" && bad.issues[0].code, "referral.reward-range")
          const ghost = yield* Effect.flip(referrals.record(newcomer, "00000000-0000-4000-8000-000000000000" as UserId))
          assert.strictEqual(ghost._tag, "NotFound")
          yield* invariant
        })
      )
    })
  })
}
