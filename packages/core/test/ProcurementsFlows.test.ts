import { assert, describe, it } from "@effect/vitest"
import { Chunk, DateTime, Effect, Fiber, Stream } from "effect"
import { systemActor, userActor } from "../src/Common.js"
import type { DomainEvent } from "../src/Events.js"
import { DomainEvents } from "../src/Events.js"
import type { ProcurementId, UserId } from "../src/Ids.js"
import { Ledger } from "../src/Ledger.js"
import { Kopecks } from "../src/Money.js"
import { CreateProcurement, Procurements, UpdateProcurement } from "../src/Procurements.js"
import { databaseProfiles } from "../src/testing/index.js"
import {
  advance,
  atNow,
  balanceOf,
  createProcurement,
  fund,
  heldOf,
  insertCategory,
  insertOrganizer,
  insertUser,
  moneyLayer,
  procurementInput,
  rowCounts,
  transactionSumOf
} from "./moneyFixtures.js"

const k = (n: bigint) => Kopecks.make(n)
const system = systemActor("test")

const code = (e: { readonly _tag: string }) =>
  e._tag === "RuleViolation" ? (e as unknown as { readonly code: string }).code : e._tag

/** Organizer, procurement at 500 ₽/unit, `buyers` funded with 10 000 ₽, each joined with one unit and confirmed. */
const paymentScenario = (buyers: number) =>
  Effect.gen(function* () {
    const procurements = yield* Procurements
    const organizer = yield* insertOrganizer()
    const id = yield* createProcurement(organizer)
    const users: Array<UserId> = []
    for (let i = 0; i < buyers; i++) {
      const user = yield* insertUser()
      yield* fund(user, 1_000_000n)
      const joined = yield* procurements.join(user, id, i + 1)
      yield* procurements.confirmParticipant(userActor(organizer), joined.id)
      users.push(user)
    }
    yield* procurements.setStatus(userActor(organizer), id, "STOPPED")
    yield* procurements.setStatus(userActor(organizer), id, "PAYMENT")
    return { organizer, id, users }
  })

const collect = (filter: (e: DomainEvent) => boolean, n: number) =>
  Effect.flatMap(DomainEvents, (bus) =>
    Effect.flatMap(bus.subscribe, (stream) =>
      Effect.fork(Stream.runCollect(stream.pipe(Stream.filter(filter), Stream.take(n))))
    )
  )

const invariant = Effect.gen(function* () {
  const totals = yield* Effect.flatMap(Ledger, (l) => l.totals())
  assert.strictEqual(totals.balances + totals.held, totals.external, "Σ balances + Σ held = external")
})

for (const profile of databaseProfiles()) {
  describe(`Procurements flows (${profile.name})`, () => {
    it.layer(moneyLayer(profile.layer), { timeout: "180 seconds" })((it) => {
      it.effect("create: valid input → ACTIVE view with zero progress; publish false → DRAFT", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const organizer = yield* insertOrganizer()
          const category = yield* insertCategory(`Мёд ${organizer}`)
          const view = yield* procurements.create(
            yield* procurementInput(organizer, {
              categoryId: category,
              minQuantity: 2,
              stopAtAmount: k(500_000n),
              organizerFeePercent: 2.5,
              imageUrl: "https://example.org/honey.png"
            })
          )
          assert.strictEqual(view.procurement.status, "ACTIVE")
          assert.strictEqual(view.procurement.categoryId, category)
          assert.strictEqual(view.procurement.minQuantity, 2)
          assert.strictEqual(view.procurement.organizerFeePercent, 2.5)
          assert.strictEqual(view.procurement.heldAmount, 0n)
          assert.deepStrictEqual(
            [
              view.progress.collectedAmount,
              view.progress.percent,
              view.progress.participantCount,
              view.progress.daysLeft
            ],
            [0n, 0, 0, 7]
          )
          const draft = yield* procurements.create(yield* procurementInput(organizer, { publish: false }))
          assert.strictEqual(draft.procurement.status, "DRAFT")
          // an admin who is a buyer may create too
          const admin = yield* insertUser({ isAdmin: true })
          assert.strictEqual(
            (yield* procurements.create(yield* procurementInput(admin))).procurement.organizerId,
            admin
          )
        })
      )

      it.effect("create: invalid input → one InvalidInput with ru/en messages, nothing written", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const organizer = yield* insertOrganizer()
          const before = yield* rowCounts
          const past = yield* Effect.flip(
            procurements.create(
              yield* procurementInput(organizer, {
                title: "ab",
                deadline: DateTime.unsafeMake("2030-02-01T00:00:00Z"),
                pricePerUnit: k(0n)
              })
            )
          )
          assert.strictEqual(past._tag, "InvalidInput")
          if (past._tag === "InvalidInput") {
            assert.deepStrictEqual(past.issues.map((i) => i.code).sort(), [
              "deadline.past",
              "pricePerUnit.not-positive",
              "title.length"
            ])
            assert.include(past.describe("en"), "The deadline must be in the future")
            assert.include(past.describe("ru"), "Дедлайн должен быть в будущем")
          }
          // what an HTTP caller may send: JSON with wrong types
          const garbage = yield* Effect.flip(
            procurements.create({
              organizerId: organizer,
              title: 5,
              description: "",
              targetAmount: "lots",
              pricePerUnit: "100",
              unit: "кг",
              deadline: "not a date",
              city: "Омск",
              publish: true
            } as unknown as CreateProcurement)
          )
          assert.strictEqual(garbage._tag, "InvalidInput")
          if (garbage._tag === "InvalidInput")
            assert.deepStrictEqual(garbage.issues.map((i) => i.path).sort(), ["deadline", "targetAmount", "title"])
          assert.deepStrictEqual(yield* rowCounts, before)
        })
      )

      it.effect("create: buyers and blocked organizers are Forbidden; an unknown category is NotFound", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const before = yield* rowCounts
          const buyer = yield* insertUser()
          const blocked = yield* insertUser({ role: "organizer", isActive: false })
          assert.strictEqual(
            (yield* Effect.flip(procurements.create(yield* procurementInput(buyer))))._tag,
            "Forbidden"
          )
          assert.strictEqual(
            (yield* Effect.flip(procurements.create(yield* procurementInput(blocked))))._tag,
            "Forbidden"
          )
          const ghost = "00000000-0000-4000-8000-000000000000" as UserId
          assert.strictEqual(
            (yield* Effect.flip(procurements.create(yield* procurementInput(ghost))))._tag,
            "Forbidden"
          )
          const organizer = yield* insertOrganizer()
          const noCategory = yield* Effect.flip(
            procurements.create(
              yield* procurementInput(organizer, { categoryId: "00000000-0000-4000-8000-000000000001" as never })
            )
          )
          assert.deepStrictEqual(noCategory._tag === "NotFound" ? noCategory.entity : noCategory._tag, "category")
          assert.strictEqual((yield* rowCounts).procurements, before.procurements)
        })
      )

      it.effect("update: organizer edits while DRAFT/ACTIVE; others Forbidden; later update.not-editable", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const organizer = yield* insertOrganizer()
          const id = yield* createProcurement(organizer)
          const edited = yield* procurements.update(
            userActor(organizer),
            id,
            new UpdateProcurement({ title: "  Мёд липовый ", city: "Бийск" })
          )
          assert.strictEqual(edited.procurement.title, "Мёд липовый")
          assert.strictEqual(edited.procurement.city, "Бийск")
          const bad = yield* Effect.flip(
            procurements.update(userActor(organizer), id, new UpdateProcurement({ title: "" }))
          )
          assert.strictEqual(bad._tag, "InvalidInput")
          const stranger = yield* insertUser()
          const forbidden = yield* Effect.flip(
            procurements.update(userActor(stranger), id, new UpdateProcurement({ title: "Чужая" }))
          )
          assert.strictEqual(forbidden._tag, "Forbidden")
          yield* procurements.setStatus(system, id, "STOPPED")
          const late = yield* Effect.flip(
            procurements.update(userActor(organizer), id, new UpdateProcurement({ title: "Поздно" }))
          )
          assert.strictEqual(code(late), "update.not-editable")
          assert.strictEqual((yield* procurements.get(id)).procurement.title, "Мёд липовый")
        })
      )

      it.effect("join: amount = quantity × price; the rules refuse with stable codes", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const organizer = yield* insertOrganizer()
          const id = yield* createProcurement(organizer, { minQuantity: 2 })
          const buyer = yield* insertUser()
          const small = yield* Effect.flip(procurements.join(buyer, id, 1))
          assert.strictEqual(code(small), "join.quantity-too-small")
          assert.deepStrictEqual(small._tag === "RuleViolation" ? small.params : {}, { min: "2" })
          const joined = yield* procurements.join(buyer, id, 3)
          assert.strictEqual(joined.amount, 150_000n)
          assert.strictEqual(joined.status, "PENDING")
          assert.strictEqual(code(yield* Effect.flip(procurements.join(buyer, id, 2))), "join.already-joined")
          assert.strictEqual(code(yield* Effect.flip(procurements.join(organizer, id, 2))), "join.own-procurement")
          const fractional = yield* Effect.flip(procurements.join(yield* insertUser(), id, 2.5))
          assert.strictEqual(fractional._tag, "InvalidInput")
          const blocked = yield* insertUser({ isActive: false })
          assert.strictEqual(code(yield* Effect.flip(procurements.join(blocked, id, 2))), "join.user-blocked")
          const ghost = yield* Effect.flip(procurements.join("00000000-0000-4000-8000-000000000000" as UserId, id, 2))
          assert.strictEqual(ghost._tag, "NotFound")
          const draft = yield* createProcurement(organizer, { publish: false })
          assert.strictEqual(code(yield* Effect.flip(procurements.join(buyer, draft, 2))), "join.not-active")
          const view = yield* procurements.get(id)
          assert.strictEqual(view.progress.collectedAmount, 150_000n)
          assert.strictEqual(view.progress.participantCount, 1)
          assert.strictEqual(view.progress.percent, 15)
        })
      )

      it.effect("join: the deadline is checked against the clock (TestClock)", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const organizer = yield* insertOrganizer()
          const id = yield* createProcurement(organizer)
          yield* advance("7 days")
          const late = yield* Effect.flip(procurements.join(yield* insertUser(), id, 1))
          assert.strictEqual(code(late), "join.deadline-passed")
          assert.strictEqual((yield* procurements.get(id)).progress.daysLeft, 0)
        })
      )

      it.effect("leave while ACTIVE (and join again); leave.too-late once STOPPED; NotFound when not joined", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const organizer = yield* insertOrganizer()
          const id = yield* createProcurement(organizer)
          const buyer = yield* insertUser()
          assert.strictEqual((yield* Effect.flip(procurements.leave(buyer, id)))._tag, "NotFound")
          yield* procurements.join(buyer, id, 1)
          const left = yield* procurements.leave(buyer, id)
          assert.strictEqual(left.status, "CANCELLED")
          assert.strictEqual((yield* procurements.get(id)).progress.participantCount, 0)
          const again = yield* procurements.join(buyer, id, 2)
          yield* procurements.confirmParticipant(userActor(organizer), again.id)
          yield* procurements.leave(buyer, id)
          yield* procurements.join(buyer, id, 1)
          yield* procurements.setStatus(system, id, "STOPPED")
          assert.strictEqual(code(yield* Effect.flip(procurements.leave(buyer, id))), "leave.too-late")
          const rows = yield* procurements.participants(id)
          assert.deepStrictEqual(
            rows.map((r) => r.participant.status),
            ["CANCELLED", "CANCELLED", "PENDING"]
          )
          assert.isTrue(rows.every((r) => r.user.id === buyer && r.user.firstName.startsWith("User")))
        })
      )

      it.effect("stop-at: a join must fit the remainder; the last fitting join stops the procurement", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const organizer = yield* insertOrganizer()
          // 500 ₽ per unit, stop at 1 750 ₽: 3 units fit, then 250 ₽ remain < 500 ₽
          const id = yield* createProcurement(organizer, { stopAtAmount: k(175_000n) })
          const bus = yield* DomainEvents
          const stream = yield* bus.subscribe
          const stoppedEvent = yield* Effect.fork(
            Stream.runHead(
              stream.pipe(Stream.filter((e) => e._tag === "ProcurementStatusChanged" && e.procurementId === id))
            )
          )
          const a = yield* insertUser()
          const b = yield* insertUser()
          const c = yield* insertUser()
          yield* procurements.join(a, id, 2)
          const over = yield* Effect.flip(procurements.join(b, id, 2))
          assert.strictEqual(code(over), "join.exceeds-remaining")
          assert.deepStrictEqual(over._tag === "RuleViolation" ? over.params : {}, { remaining: "75000" })
          assert.strictEqual((yield* procurements.get(id)).procurement.status, "ACTIVE")
          yield* procurements.join(b, id, 1)
          const view = yield* procurements.get(id)
          assert.strictEqual(view.procurement.status, "STOPPED")
          assert.strictEqual(view.progress.collectedAmount, 150_000n)
          assert.strictEqual(code(yield* Effect.flip(procurements.join(c, id, 1))), "join.not-active")
          const event = yield* Fiber.join(stoppedEvent)
          assert.isTrue(event._tag === "Some")
          if (event._tag === "Some" && event.value._tag === "ProcurementStatusChanged") {
            assert.strictEqual(event.value.from, "ACTIVE")
            assert.strictEqual(event.value.to, "STOPPED")
            assert.sameMembers([...event.value.audience], [organizer, a, b])
          }
        }).pipe(Effect.scoped)
      )

      it.effect("an exact fill stops too", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const organizer = yield* insertOrganizer()
          const id = yield* createProcurement(organizer, { stopAtAmount: k(100_000n) })
          yield* procurements.join(yield* insertUser(), id, 2)
          assert.strictEqual((yield* procurements.get(id)).procurement.status, "STOPPED")
        })
      )

      it.effect("pay: moves the amount from the balance to the held money, once", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const { id, users } = yield* paymentScenario(2)
          const [u1, u2] = users as [UserId, UserId]
          const paid = yield* procurements.pay(u1, id)
          assert.strictEqual(paid.status, "PAID")
          assert.strictEqual(yield* balanceOf(u1), 1_000_000n - 50_000n)
          assert.strictEqual(yield* heldOf(id), 50_000n)
          const twice = yield* Effect.flip(procurements.pay(u1, id))
          assert.strictEqual(code(twice), "pay.already-paid")
          assert.strictEqual(yield* balanceOf(u1), 950_000n)
          assert.strictEqual(yield* heldOf(id), 50_000n)
          yield* procurements.pay(u2, id)
          assert.strictEqual(yield* balanceOf(u2), 1_000_000n - 100_000n)
          assert.strictEqual(yield* heldOf(id), 150_000n)
          assert.strictEqual(yield* transactionSumOf(u1), yield* balanceOf(u1))
          yield* invariant
        })
      )

      it.effect("pay: InsufficientFunds {needed, available}; pay.not-open; pay.not-confirmed; NotFound", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const organizer = yield* insertOrganizer()
          const id = yield* createProcurement(organizer)
          const poor = yield* insertUser()
          yield* fund(poor, 30_000n)
          const pending = yield* insertUser()
          const stranger = yield* insertUser()
          const joined = yield* procurements.join(poor, id, 1)
          yield* procurements.join(pending, id, 1)
          assert.strictEqual(code(yield* Effect.flip(procurements.pay(poor, id))), "pay.not-open")
          yield* procurements.confirmParticipant(userActor(organizer), joined.id)
          yield* procurements.setStatus(system, id, "STOPPED")
          yield* procurements.setStatus(system, id, "PAYMENT")
          const lacking = yield* Effect.flip(procurements.pay(poor, id))
          assert.strictEqual(lacking._tag, "InsufficientFunds")
          if (lacking._tag === "InsufficientFunds") {
            assert.strictEqual(lacking.needed, 50_000n)
            assert.strictEqual(lacking.available, 30_000n)
          }
          assert.strictEqual(yield* balanceOf(poor), 30_000n)
          assert.strictEqual(yield* heldOf(id), 0n)
          assert.strictEqual(code(yield* Effect.flip(procurements.pay(pending, id))), "pay.not-confirmed")
          assert.strictEqual((yield* Effect.flip(procurements.pay(stranger, id)))._tag, "NotFound")
        })
      )

      it.effect("PAYMENT asks confirmed participants to pay; PENDING ones stay PENDING", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const organizer = yield* insertOrganizer()
          const id = yield* createProcurement(organizer)
          const confirmed = yield* insertUser()
          const pending = yield* insertUser()
          const p1 = yield* procurements.join(confirmed, id, 1)
          const p2 = yield* procurements.join(pending, id, 2)
          yield* procurements.confirmParticipant(userActor(organizer), p1.id)
          yield* procurements.setStatus(system, id, "STOPPED")
          const asked = yield* collect((e) => e._tag === "PaymentRequired" && e.procurementId === id, 2)
          yield* procurements.setStatus(userActor(organizer), id, "PAYMENT")
          // confirming later in PAYMENT asks that participant too
          yield* procurements.confirmParticipant(userActor(organizer), p2.id)
          const events = Chunk.toReadonlyArray(yield* Fiber.join(asked))
          assert.deepStrictEqual(
            events.map((e) => (e._tag === "PaymentRequired" ? [e.userId, e.amount] : [])),
            [
              [confirmed, 50_000n],
              [pending, 100_000n]
            ]
          )
        }).pipe(Effect.scoped)
      )

      it.effect("COMPLETED transfers the held money to the organizer once; unpaid participants are cancelled", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const ledger = yield* Ledger
          const { id, organizer, users } = yield* paymentScenario(3)
          const [u1, u2, u3] = users as [UserId, UserId, UserId]
          yield* procurements.pay(u1, id)
          yield* procurements.pay(u2, id)
          const delivered = (yield* procurements.participants(id)).find((r) => r.user.id === u1)!
          yield* procurements.markDelivered(userActor(organizer), delivered.participant.id)
          yield* procurements.setStatus(userActor(organizer), id, "COMPLETED")
          assert.strictEqual(yield* balanceOf(organizer), 150_000n)
          assert.strictEqual(yield* heldOf(id), 0n)
          const history = yield* ledger.history(organizer, { offset: 0, limit: 10 })
          assert.deepStrictEqual(
            history.items.map((t): ReadonlyArray<unknown> => [t.type, t.amount, t.procurementId]),
            [["TRANSFER", 150_000n, id]]
          )
          const statuses = new Map((yield* procurements.participants(id)).map((r) => [r.user.id, r.participant.status]))
          assert.deepStrictEqual(
            [statuses.get(u1), statuses.get(u2), statuses.get(u3)],
            ["DELIVERED", "PAID", "CANCELLED"]
          )
          assert.strictEqual(yield* balanceOf(u3), 1_000_000n)
          const view = yield* procurements.get(id)
          assert.strictEqual(view.progress.collectedAmount, 150_000n)
          assert.strictEqual(view.progress.participantCount, 2)
          const again = yield* Effect.flip(procurements.setStatus(system, id, "COMPLETED"))
          assert.strictEqual(again._tag, "IllegalTransition")
          assert.strictEqual(yield* balanceOf(organizer), 150_000n)
          yield* invariant
        })
      )

      it.effect("CANCELLED refunds every paid participant exactly once; cancelling twice is IllegalTransition", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const ledger = yield* Ledger
          const { id, organizer, users } = yield* paymentScenario(3)
          const [u1, u2, u3] = users as [UserId, UserId, UserId]
          yield* procurements.pay(u1, id)
          yield* procurements.pay(u3, id)
          assert.strictEqual(yield* heldOf(id), 50_000n + 150_000n)
          const refunds = yield* collect((e) => e._tag === "BalanceChanged" && (e.userId === u1 || e.userId === u3), 2)
          const changed = yield* collect((e) => e._tag === "ProcurementStatusChanged" && e.procurementId === id, 1)
          yield* procurements.setStatus(userActor(organizer), id, "CANCELLED")
          for (const u of users) {
            assert.strictEqual(yield* balanceOf(u), 1_000_000n)
            assert.strictEqual(yield* transactionSumOf(u), 1_000_000n)
          }
          assert.strictEqual(yield* heldOf(id), 0n)
          assert.strictEqual(yield* balanceOf(organizer), 0n)
          const twice = yield* Effect.flip(procurements.setStatus(userActor(organizer), id, "CANCELLED"))
          assert.deepStrictEqual(twice._tag === "IllegalTransition" ? [twice.from, twice.to] : twice._tag, [
            "CANCELLED",
            "CANCELLED"
          ])
          const refundRows = yield* ledger.list({ type: "PROCUREMENT_REFUND", offset: 0, limit: 100 } as never)
          assert.strictEqual(refundRows.items.filter((t) => t.procurementId === id).length, 2)
          assert.strictEqual(yield* balanceOf(u1), 1_000_000n)
          assert.isTrue((yield* procurements.participants(id)).every((r) => r.participant.status === "CANCELLED"))
          assert.strictEqual(Chunk.size(yield* Fiber.join(refunds)), 2)
          const [statusEvent] = Chunk.toReadonlyArray(yield* Fiber.join(changed))
          assert.isTrue(statusEvent?._tag === "ProcurementStatusChanged")
          if (statusEvent?._tag === "ProcurementStatusChanged")
            assert.sameMembers([...statusEvent.audience], [organizer, u1, u2, u3])
          yield* invariant
          void u2
        }).pipe(Effect.scoped)
      )

      it.effect("a procurement with delivered goods cannot be cancelled", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const { id, organizer, users } = yield* paymentScenario(1)
          const paid = yield* procurements.pay(users[0]!, id)
          yield* procurements.markDelivered(userActor(organizer), paid.id)
          const refused = yield* Effect.flip(procurements.setStatus(system, id, "CANCELLED"))
          assert.deepStrictEqual(refused._tag === "IllegalTransition" ? [refused.entity, refused.from] : refused._tag, [
            "participant",
            "DELIVERED"
          ])
          assert.strictEqual((yield* procurements.get(id)).procurement.status, "PAYMENT")
          assert.strictEqual(yield* heldOf(id), 50_000n)
        })
      )

      it.effect("setFeatured and get; unknown ids are NotFound", () =>
        Effect.gen(function* () {
          yield* atNow
          const procurements = yield* Procurements
          const organizer = yield* insertOrganizer()
          const id = yield* createProcurement(organizer)
          assert.isTrue((yield* procurements.setFeatured(id, true)).procurement.isFeatured)
          const missing = "00000000-0000-4000-8000-000000000000" as ProcurementId
          assert.strictEqual((yield* Effect.flip(procurements.get(missing)))._tag, "NotFound")
          assert.strictEqual((yield* Effect.flip(procurements.setFeatured(missing, true)))._tag, "NotFound")
          assert.strictEqual((yield* Effect.flip(procurements.participants(missing)))._tag, "NotFound")
          assert.deepStrictEqual(yield* procurements.participants(id), [])
        })
      )
    })
  })
}
