import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { systemActor, userActor } from "../src/Common.js"
import type { PaymentId, UserId } from "../src/Ids.js"
import { Ledger } from "../src/Ledger.js"
import { Kopecks } from "../src/Money.js"
import { CreateDeposit, MAX_DEPOSIT, MIN_DEPOSIT, PaymentFilter, Payments } from "../src/Payments.js"
import { databaseProfiles } from "../src/testing/index.js"
import { atNow, balanceOf, insertUser, moneyLayer, rowCounts, transactionSumOf } from "./moneyFixtures.js"

const k = (n: bigint) => Kopecks.make(n)
const deposit = (userId: UserId, amount: bigint, key = `dep-${userId}-${amount}`) =>
  new CreateDeposit({ userId, amount: k(amount), provider: "sandbox", idempotencyKey: key })

for (const profile of databaseProfiles()) {
  describe(`Payments (${profile.name})`, () => {
    it.layer(moneyLayer(profile.layer), { timeout: "180 seconds" })((it) => {
      it.effect("createDeposit → PENDING; the same idempotency key returns the same payment", () =>
        Effect.gen(function* () {
          yield* atNow
          const payments = yield* Payments
          const user = yield* insertUser()
          const first = yield* payments.createDeposit(deposit(user, 50_000n))
          assert.strictEqual(first.status, "PENDING")
          assert.strictEqual(first.type, "DEPOSIT")
          assert.strictEqual(first.amount, 50_000n)
          const again = yield* payments.createDeposit(deposit(user, 50_000n))
          assert.strictEqual(again.id, first.id)
          const reused = yield* Effect.flip(payments.createDeposit(deposit(user, 60_000n, `dep-${user}-50000`)))
          assert.strictEqual(reused._tag, "InvalidInput")
          assert.strictEqual(yield* balanceOf(user), 0n)
        })
      )

      it.effect("deposit limits give readable messages in rubles and write nothing", () =>
        Effect.gen(function* () {
          const payments = yield* Payments
          const user = yield* insertUser()
          const before = yield* rowCounts
          const small = yield* Effect.flip(payments.createDeposit(deposit(user, MIN_DEPOSIT - 1n)))
          assert.strictEqual(small._tag, "InvalidInput")
          if (small._tag === "InvalidInput") {
            assert.strictEqual(small.issues[0].en, "The deposit must be at least 10\u00a0₽")
            assert.strictEqual(small.issues[0].ru, "Сумма пополнения должна быть не меньше 10\u00a0₽")
          }
          const large = yield* Effect.flip(payments.createDeposit(deposit(user, MAX_DEPOSIT + 1n)))
          assert.strictEqual(large._tag === "InvalidInput" && large.issues[0].code, "deposit.too-large")
          const garbage = yield* Effect.flip(
            payments.createDeposit({ userId: user, amount: "ten", provider: "", idempotencyKey: "k" } as never)
          )
          assert.strictEqual(garbage._tag, "InvalidInput")
          const ghost = yield* Effect.flip(
            payments.createDeposit(deposit("00000000-0000-4000-8000-000000000000" as UserId, 5_000n))
          )
          assert.strictEqual(ghost._tag, "NotFound")
          assert.deepStrictEqual(yield* rowCounts, before)
          // the bounds themselves are accepted
          yield* payments.createDeposit(deposit(user, MIN_DEPOSIT))
          yield* payments.createDeposit(deposit(user, MAX_DEPOSIT))
        })
      )

      it.effect("succeed credits once; a second report does not; succeedByProviderId finds it", () =>
        Effect.gen(function* () {
          yield* atNow
          const payments = yield* Payments
          const ledger = yield* Ledger
          const user = yield* insertUser()
          const p = yield* payments.createDeposit(deposit(user, 25_000n))
          const attached = yield* payments.attachProvider(p.id, `yk-${p.id}`, "https://pay.example/confirm")
          assert.strictEqual(attached.providerPaymentId, `yk-${p.id}`)
          assert.strictEqual(attached.confirmationUrl, "https://pay.example/confirm")
          const first = yield* payments.succeedByProviderId("sandbox", `yk-${p.id}`)
          assert.isTrue(first.credited)
          assert.strictEqual(first.payment.status, "SUCCEEDED")
          assert.isNotNull(first.payment.settledAt)
          const second = yield* payments.succeed(p.id)
          assert.isFalse(second.credited)
          assert.strictEqual(yield* balanceOf(user), 25_000n)
          const history = yield* ledger.history(user, { offset: 0, limit: 10 })
          assert.deepStrictEqual(
            history.items.map((t): ReadonlyArray<unknown> => [t.type, t.amount, t.paymentId, t.idempotencyKey]),
            [["DEPOSIT", 25_000n, p.id, `payment:${p.id}`]]
          )
          const unknown = yield* Effect.flip(payments.succeedByProviderId("sandbox", "nope"))
          assert.strictEqual(unknown._tag, "NotFound")
        })
      )

      it.effect("cancel: PENDING → CANCELLED; settling or cancelling again is IllegalTransition", () =>
        Effect.gen(function* () {
          yield* atNow
          const payments = yield* Payments
          const user = yield* insertUser()
          const p = yield* payments.createDeposit(deposit(user, 10_000n))
          assert.strictEqual((yield* payments.cancel(p.id)).status, "CANCELLED")
          const settle = yield* Effect.flip(payments.succeed(p.id))
          assert.deepStrictEqual(
            settle._tag === "IllegalTransition" ? [settle.entity, settle.from, settle.to] : settle._tag,
            ["payment", "CANCELLED", "SUCCEEDED"]
          )
          assert.strictEqual((yield* Effect.flip(payments.cancel(p.id)))._tag, "IllegalTransition")
          assert.strictEqual(yield* balanceOf(user), 0n)
          const settled = yield* payments.createDeposit(deposit(user, 20_000n))
          yield* payments.succeed(settled.id)
          assert.strictEqual((yield* Effect.flip(payments.cancel(settled.id)))._tag, "IllegalTransition")
        })
      )

      it.effect("refund: debits once and marks REFUNDED; refused when the money was spent", () =>
        Effect.gen(function* () {
          yield* atNow
          const payments = yield* Payments
          const ledger = yield* Ledger
          const user = yield* insertUser()
          const a = yield* payments.createDeposit(deposit(user, 30_000n))
          const b = yield* payments.createDeposit(deposit(user, 40_000n))
          yield* payments.succeed(a.id)
          yield* payments.succeed(b.id)
          const refunded = yield* payments.refund(a.id)
          assert.strictEqual(refunded.status, "REFUNDED")
          assert.strictEqual(yield* balanceOf(user), 40_000n)
          const twice = yield* Effect.flip(payments.refund(a.id))
          assert.strictEqual(twice._tag, "IllegalTransition")
          assert.strictEqual(yield* balanceOf(user), 40_000n)
          yield* ledger.withdraw({ userId: user, amount: k(1n), idempotencyKey: `spend-${user}` } as never)
          const spent = yield* Effect.flip(payments.refund(b.id))
          assert.strictEqual(spent._tag === "InvalidInput" && spent.issues[0].code, "refund.already-spent")
          assert.strictEqual((yield* payments.get(systemActor("t"), b.id)).status, "SUCCEEDED")
          assert.strictEqual(yield* balanceOf(user), 39_999n)
          const pending = yield* payments.createDeposit(deposit(user, 5_000n))
          assert.strictEqual((yield* Effect.flip(payments.refund(pending.id)))._tag, "IllegalTransition")
          assert.strictEqual(yield* transactionSumOf(user), yield* balanceOf(user))
        })
      )

      it.effect("recordIncoming records a SUCCEEDED deposit and credits it once per provider payment id", () =>
        Effect.gen(function* () {
          yield* atNow
          const payments = yield* Payments
          const user = yield* insertUser()
          const incoming = {
            userId: user,
            provider: "tochka",
            providerPaymentId: `tx-${user}`,
            amount: k(123_456n),
            description: "Перевод на виртуальный счёт"
          }
          const first = yield* payments.recordIncoming(incoming)
          assert.isTrue(first.credited)
          assert.strictEqual(first.payment.status, "SUCCEEDED")
          const replay = yield* payments.recordIncoming(incoming)
          assert.isFalse(replay.credited)
          assert.strictEqual(replay.payment.id, first.payment.id)
          assert.strictEqual(yield* balanceOf(user), 123_456n)
          const bad = yield* Effect.flip(
            payments.recordIncoming({ ...incoming, providerPaymentId: "x", amount: k(0n) })
          )
          assert.strictEqual(bad._tag, "InvalidInput")
          const ghost = yield* Effect.flip(
            payments.recordIncoming({ ...incoming, userId: "00000000-0000-4000-8000-000000000000" as UserId })
          )
          assert.strictEqual(ghost._tag, "NotFound")
        })
      )

      it.effect(
        "settleIncoming: N concurrent bank payments (and duplicates) for one announced deposit credit Σ N, each once",
        () =>
          Effect.gen(function* () {
            yield* atNow
            const payments = yield* Payments
            // several rounds: the lost credit of the old read-then-attach code showed on every concurrent run
            for (let round = 0; round < 5; round++) {
              const user = yield* insertUser()
              const announced = yield* payments.createDeposit(
                new CreateDeposit({ userId: user, amount: k(50_000n), provider: "tochka", idempotencyKey: `a-${user}` })
              )
              const bankIds = Array.from({ length: 6 }, (_, i) => `bank-${user}-${i}`)
              const reports = [...bankIds, ...bankIds].map((providerPaymentId) => ({
                userId: user,
                provider: "tochka",
                providerPaymentId,
                amount: k(50_000n)
              }))
              const results = yield* Effect.forEach(reports, (r) => payments.settleIncoming(r), {
                concurrency: "unbounded"
              })
              assert.strictEqual(results.filter((r) => r.credited).length, 6, `round ${round}`)
              assert.strictEqual(yield* balanceOf(user), 300_000n, `round ${round}`)
              assert.strictEqual(yield* transactionSumOf(user), 300_000n)
              const settled = yield* payments.list(new PaymentFilter({ userId: user, status: "SUCCEEDED" }))
              assert.strictEqual(settled.items.length, 6)
              assert.deepStrictEqual(settled.items.map((p) => p.providerPaymentId).sort(), [...bankIds].sort())
              // the announced deposit was claimed by exactly one of them
              assert.isNotNull((yield* payments.get(systemActor("test"), announced.id)).providerPaymentId)
              assert.deepStrictEqual(yield* payments.uncredited("tochka", [...bankIds, `nope-${user}`]), [
                `nope-${user}`
              ])
              // a replay changes nothing
              const replay = yield* payments.settleIncoming(reports[0]!)
              assert.isFalse(replay.credited)
              assert.strictEqual(yield* balanceOf(user), 300_000n)
            }
          })
      )

      it.effect("settleIncoming settles a record that holds the bank id but was left PENDING", () =>
        Effect.gen(function* () {
          yield* atNow
          const payments = yield* Payments
          const user = yield* insertUser()
          const announced = yield* payments.createDeposit(
            new CreateDeposit({ userId: user, amount: k(20_000n), provider: "tochka", idempotencyKey: `l-${user}` })
          )
          yield* payments.attachProvider(announced.id, `left-${user}`, null)
          assert.deepStrictEqual(yield* payments.uncredited("tochka", [`left-${user}`]), [`left-${user}`])
          const result = yield* payments.settleIncoming({
            userId: user,
            provider: "tochka",
            providerPaymentId: `left-${user}`,
            amount: k(20_000n)
          })
          assert.isTrue(result.credited)
          assert.strictEqual(result.payment.id, announced.id)
          assert.strictEqual(yield* balanceOf(user), 20_000n)
          assert.deepStrictEqual(yield* payments.uncredited("tochka", [`left-${user}`]), [])
        })
      )

      it.effect("get: owner or admin; others Forbidden; list filters and pages", () =>
        Effect.gen(function* () {
          yield* atNow
          const payments = yield* Payments
          const owner = yield* insertUser()
          const other = yield* insertUser()
          const p = yield* payments.createDeposit(deposit(owner, 15_000n))
          assert.strictEqual((yield* payments.get(userActor(owner), p.id)).id, p.id)
          assert.strictEqual((yield* payments.get(userActor(other, true), p.id)).id, p.id)
          assert.strictEqual((yield* Effect.flip(payments.get(userActor(other), p.id)))._tag, "Forbidden")
          assert.strictEqual(
            (yield* Effect.flip(payments.get(userActor(owner), "00000000-0000-4000-8000-000000000000" as PaymentId)))
              ._tag,
            "NotFound"
          )
          yield* payments.createDeposit(deposit(owner, 16_000n))
          yield* payments.succeed((yield* payments.createDeposit(deposit(owner, 17_000n))).id)
          const all = yield* payments.list(new PaymentFilter({ userId: owner }))
          assert.strictEqual(all.total, 3)
          const pending = yield* payments.list(new PaymentFilter({ userId: owner, status: "PENDING", limit: 1 }))
          assert.strictEqual(pending.total, 2)
          assert.strictEqual(pending.items.length, 1)
          const beyond = yield* payments.list(new PaymentFilter({ userId: owner, offset: 10 }))
          assert.deepStrictEqual([beyond.items.length, beyond.total], [0, 3])
        })
      )

      it.effect("summary by status and by settlement day", () =>
        Effect.gen(function* () {
          const payments = yield* Payments
          const user = yield* insertUser()
          const before = yield* payments.summary(30)
          const p = yield* payments.createDeposit(deposit(user, 11_000n))
          yield* payments.succeed(p.id)
          yield* payments.createDeposit(deposit(user, 12_000n))
          const after = yield* payments.summary(30)
          const amountOf = (s: typeof after, status: string) =>
            s.byStatus.find((r) => r.status === status)?.amount ?? 0n
          assert.strictEqual(amountOf(after, "SUCCEEDED") - amountOf(before, "SUCCEEDED"), 11_000n)
          assert.strictEqual(amountOf(after, "PENDING") - amountOf(before, "PENDING"), 12_000n)
          const days = (s: typeof after) => s.byDay.reduce((sum, d) => sum + d.amount, 0n)
          assert.strictEqual(days(after) - days(before), 11_000n)
          assert.isTrue(after.byDay.every((d) => /^\d{4}-\d{2}-\d{2}$/.test(d.day)))
        })
      )

      it.effect("virtual accounts: set, read, reverse lookup, replace", () =>
        Effect.gen(function* () {
          const payments = yield* Payments
          const user = yield* insertUser()
          assert.isNull(yield* payments.virtualAccount(user, "tochka"))
          yield* payments.setVirtualAccount(user, "tochka", `va-${user}`)
          assert.strictEqual(yield* payments.virtualAccount(user, "tochka"), `va-${user}`)
          assert.strictEqual(yield* payments.userByVirtualAccount("tochka", `va-${user}`), user)
          yield* payments.setVirtualAccount(user, "tochka", `va2-${user}`)
          assert.strictEqual(yield* payments.virtualAccount(user, "tochka"), `va2-${user}`)
          assert.isNull(yield* payments.userByVirtualAccount("tochka", `va-${user}`))
          assert.isNull(yield* payments.virtualAccount("nope" as UserId, "tochka"))
        })
      )
    })
  })
}
