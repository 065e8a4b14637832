import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Exit, Fiber, Stream } from "effect"
import { DomainEvents } from "../src/Events.js"
import { UserId } from "../src/Ids.js"
import { Adjustment, Credit, Ledger, TransactionFilter } from "../src/Ledger.js"
import { Kopecks } from "../src/Money.js"
import { databaseProfiles } from "../src/testing/index.js"
import { balanceOf, fund, insertUser, moneyLayer, rowCounts, transactionSumOf } from "./moneyFixtures.js"

const k = (n: bigint | number) => Kopecks.make(BigInt(n))
const credit = (userId: UserId, amount: bigint, idempotencyKey: string) =>
  new Credit({ userId, amount: k(amount), idempotencyKey })

for (const profile of databaseProfiles()) {
  describe(`Ledger (${profile.name})`, () => {
    it.layer(moneyLayer(profile.layer), { timeout: "120 seconds" })((it) => {
      it.effect("deposit credits the balance and writes one transaction with balance_after", () =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          const user = yield* insertUser()
          const t = yield* ledger.deposit(credit(user, 150_000n, `dep-${user}`))
          assert.strictEqual(t.type, "DEPOSIT")
          assert.strictEqual(t.amount, 150_000n)
          assert.strictEqual(t.balanceAfter, 150_000n)
          assert.strictEqual(t.userId, user)
          assert.strictEqual(yield* ledger.balance(user), 150_000n)
          assert.strictEqual(yield* transactionSumOf(user), 150_000n)
        })
      )

      it.effect("replaying an idempotency key returns the first transaction and credits nothing", () =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          const user = yield* insertUser()
          const first = yield* ledger.deposit(credit(user, 5_000n, `replay-${user}`))
          const again = yield* ledger.deposit(credit(user, 5_000n, `replay-${user}`))
          assert.strictEqual(again.id, first.id)
          assert.strictEqual(yield* balanceOf(user), 5_000n)
          const history = yield* ledger.history(user, { offset: 0, limit: 10 })
          assert.strictEqual(history.total, 1)
        })
      )

      it.effect("an idempotency key reused for another amount or user is refused", () =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          const user = yield* insertUser()
          const other = yield* insertUser()
          yield* ledger.deposit(credit(user, 5_000n, `reuse-${user}`))
          const differentAmount = yield* Effect.flip(ledger.deposit(credit(user, 6_000n, `reuse-${user}`)))
          assert.strictEqual(differentAmount._tag, "InvalidInput")
          const differentUser = yield* Effect.flip(ledger.deposit(credit(other, 5_000n, `reuse-${user}`)))
          assert.strictEqual(differentUser._tag, "InvalidInput")
          assert.strictEqual(yield* balanceOf(other), 0n)
        })
      )

      it.effect("the same key replayed concurrently credits once", () =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          const user = yield* insertUser()
          const results = yield* Effect.forEach(
            Array.from({ length: 20 }, () => credit(user, 1_000n, `burst-${user}`)),
            (c) => ledger.deposit(c),
            { concurrency: "unbounded" }
          )
          assert.strictEqual(new Set(results.map((t) => t.id)).size, 1)
          assert.strictEqual(yield* balanceOf(user), 1_000n)
        })
      )

      it.effect("withdraw debits, and refuses more than the balance with InsufficientFunds", () =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          const user = yield* insertUser()
          yield* fund(user, 10_000n)
          const t = yield* ledger.withdraw(credit(user, 4_000n, `wd-${user}`))
          assert.strictEqual(t.amount, -4_000n)
          assert.strictEqual(t.balanceAfter, 6_000n)
          const error = yield* Effect.flip(ledger.withdraw(credit(user, 6_001n, `wd2-${user}`)))
          assert.strictEqual(error._tag, "InsufficientFunds")
          if (error._tag === "InsufficientFunds") {
            assert.strictEqual(error.needed, 6_001n)
            assert.strictEqual(error.available, 6_000n)
          }
          assert.strictEqual(yield* balanceOf(user), 6_000n)
          assert.strictEqual(yield* transactionSumOf(user), 6_000n)
        })
      )

      it.effect("adjust: bonuses and signed corrections; a negative one cannot go below zero", () =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          const admin = yield* insertUser({ isAdmin: true })
          const user = yield* insertUser()
          const bonus = yield* ledger.adjust(
            new Adjustment({ userId: user, amount: k(300), type: "BONUS", reason: "welcome", createdBy: admin })
          )
          assert.strictEqual(bonus.type, "BONUS")
          assert.strictEqual(bonus.createdBy, admin)
          assert.strictEqual(bonus.description, "welcome")
          const fix = yield* ledger.adjust(
            new Adjustment({ userId: user, amount: k(-100), type: "ADJUSTMENT", reason: "fix" })
          )
          assert.strictEqual(fix.balanceAfter, 200n)
          const tooMuch = yield* Effect.flip(
            ledger.adjust(new Adjustment({ userId: user, amount: k(-201), type: "ADJUSTMENT", reason: "fix" }))
          )
          assert.strictEqual(tooMuch._tag, "InsufficientFunds")
          assert.strictEqual(yield* balanceOf(user), 200n)
          const keyed = new Adjustment({
            userId: user,
            amount: k(50),
            type: "BONUS",
            reason: "promo",
            idempotencyKey: `promo-${user}`
          })
          yield* ledger.adjust(keyed)
          yield* ledger.adjust(keyed)
          assert.strictEqual(yield* balanceOf(user), 250n)
        })
      )

      it.effect("invalid inputs give InvalidInput with ru/en messages and write nothing", () =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          const user = yield* insertUser()
          const before = yield* rowCounts
          const zero = yield* Effect.flip(ledger.deposit(credit(user, 0n, `zero-${user}`)))
          assert.strictEqual(zero._tag, "InvalidInput")
          if (zero._tag === "InvalidInput") {
            assert.strictEqual(zero.issues[0].en, "The amount must be greater than zero")
            assert.strictEqual(zero.issues[0].ru, "Сумма должна быть больше нуля")
          }
          const negative = yield* Effect.flip(ledger.withdraw(credit(user, -5n, `neg-${user}`)))
          assert.strictEqual(negative._tag, "InvalidInput")
          // what an HTTP caller may send: the encoded form with garbage in it
          const garbage = yield* Effect.flip(
            ledger.deposit({ userId: "not-a-uuid", amount: "12x", idempotencyKey: "" } as unknown as Credit)
          )
          assert.strictEqual(garbage._tag, "InvalidInput")
          if (garbage._tag === "InvalidInput") {
            assert.deepStrictEqual(garbage.issues.map((i) => i.path).sort(), ["amount", "idempotencyKey", "userId"])
            assert.include(garbage.describe("ru"), "«сумма»")
          }
          const zeroAdjust = yield* Effect.flip(
            ledger.adjust(new Adjustment({ userId: user, amount: k(0), type: "BONUS", reason: "x" }))
          )
          assert.strictEqual(zeroAdjust._tag, "InvalidInput")
          assert.deepStrictEqual(yield* rowCounts, before)
        })
      )

      it.effect("an encoded (JSON) credit is accepted", () =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          const user = yield* insertUser()
          const t = yield* ledger.deposit({
            userId: user,
            amount: "2500",
            idempotencyKey: `json-${user}`
          } as unknown as Credit)
          assert.strictEqual(t.amount, 2_500n)
        })
      )

      it.effect("unknown and malformed users are NotFound", () =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          const missing = UserId.make("00000000-0000-4000-8000-000000000000")
          assert.strictEqual((yield* Effect.flip(ledger.balance(missing)))._tag, "NotFound")
          assert.strictEqual((yield* Effect.flip(ledger.balance("nope" as UserId)))._tag, "NotFound")
          assert.strictEqual((yield* Effect.flip(ledger.deposit(credit(missing, 100n, "ghost"))))._tag, "NotFound")
          assert.strictEqual((yield* Effect.flip(ledger.withdraw(credit(missing, 100n, "ghost-w"))))._tag, "NotFound")
        })
      )

      it.effect("history is newest first and paged; list filters by user and type", () =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          const user = yield* insertUser()
          for (const [i, amount] of [100n, 200n, 300n].entries()) {
            yield* ledger.deposit(credit(user, amount, `h${i}-${user}`))
          }
          yield* ledger.withdraw(credit(user, 50n, `hw-${user}`))
          const first = yield* ledger.history(user, { offset: 0, limit: 2 })
          assert.strictEqual(first.total, 4)
          assert.deepStrictEqual(
            first.items.map((t) => t.amount),
            [-50n, 300n]
          )
          const second = yield* ledger.history(user, { offset: 2, limit: 2 })
          assert.deepStrictEqual(
            second.items.map((t) => t.amount),
            [200n, 100n]
          )
          const deposits = yield* ledger.list(new TransactionFilter({ userId: user, type: "DEPOSIT" }))
          assert.strictEqual(deposits.total, 3)
          assert.isTrue(deposits.items.every((t) => t.type === "DEPOSIT" && t.userId === user))
        })
      )

      it.effect("totals: balances + held = external", () =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          const user = yield* insertUser()
          const before = yield* ledger.totals()
          yield* fund(user, 1_000n)
          yield* ledger.withdraw(credit(user, 400n, `t-${user}`))
          yield* ledger.adjust(new Adjustment({ userId: user, amount: k(25), type: "BONUS", reason: "b" }))
          const after = yield* ledger.totals()
          assert.strictEqual(after.external - before.external, 625n)
          assert.strictEqual(after.balances + after.held, after.external)
        })
      )

      it.effect("BalanceChanged is published after commit, once per change (not on replay)", () =>
        Effect.gen(function* () {
          const ledger = yield* Ledger
          const bus = yield* DomainEvents
          const user = yield* insertUser()
          const sql = yield* SqlClient.SqlClient
          const stream = yield* bus.subscribe
          const collected = yield* Stream.runCollect(
            stream.pipe(
              Stream.filter((e) => e._tag === "BalanceChanged" && e.userId === user),
              Stream.take(2)
            )
          ).pipe(Effect.fork)
          yield* ledger.deposit(credit(user, 700n, `ev-${user}`))
          yield* ledger.deposit(credit(user, 700n, `ev-${user}`))
          yield* ledger.withdraw(credit(user, 200n, `ev-w-${user}`))
          const events = Chunk.toReadonlyArray(yield* Fiber.join(collected))
          assert.deepStrictEqual(
            events.map((e): bigint | null => (e._tag === "BalanceChanged" ? e.balance : null)),
            [700n, 500n]
          )
          // the committed balance is visible from another connection when the event arrives
          const rows = yield* sql<{ balance: string }>`SELECT balance FROM users WHERE id = ${user}`
          assert.strictEqual(rows[0]!.balance, "500")
          const failed = yield* Effect.exit(ledger.withdraw(credit(user, 10_000n, `ev-x-${user}`)))
          assert.isTrue(Exit.isFailure(failed))
        }).pipe(Effect.scoped)
      )
    })
  })
}
