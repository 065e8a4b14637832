import { SqlClient } from "@effect/sql"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Ref, Stream, TestServices } from "effect"
import { type DomainEvent, DomainEvents, DomainEventsLive } from "../src/Events.js"
import { type UserId, WithdrawalRequestId } from "../src/Ids.js"
import { Ledger } from "../src/Ledger.js"
import { LedgerLive } from "../src/LedgerLive.js"
import { Kopecks } from "../src/Money.js"
import { databaseProfiles } from "../src/testing/index.js"
import { RequestWithdrawal, WithdrawalFilter, type WithdrawalRequest, Withdrawals } from "../src/Withdrawals.js"
import { WithdrawalsLive } from "../src/WithdrawalsLive.js"
import { balanceOf, fund, insertUser } from "./moneyFixtures.js"

const ask = (amount: bigint, idempotencyKey?: string) =>
  new RequestWithdrawal({
    amount: Kopecks.make(amount),
    details: "Карта 2200 7001 2222 3333, Иван Иванов",
    ...(idempotencyKey === undefined ? {} : { idempotencyKey })
  })

const paid = (reference: string) => () => Effect.succeed({ provider: "test", reference })

const invariant = Effect.gen(function* () {
  const totals = yield* Effect.flatMap(Ledger, (l) => l.totals())
  assert.strictEqual(totals.balances + totals.held, totals.external, "Σ balances + Σ held = external")
})

const ledgerRows = (userId: UserId) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      sql<{ type: string; amount: string; balanceAfter: string }>`
        SELECT type, amount::text, balance_after::text FROM transactions WHERE user_id = ${userId}
          AND type LIKE 'WITHDRAWAL%' ORDER BY created_at`
  )

/** The domain events published while `effect` runs, of the given tags. */
const published = <A, E, R>(effect: Effect.Effect<A, E, R>, tags: ReadonlyArray<DomainEvent["_tag"]>) =>
  Effect.gen(function* () {
    const bus = yield* DomainEvents
    const seen = yield* Ref.make<ReadonlyArray<DomainEvent>>([])
    const stream = yield* bus.subscribe
    const fiber = yield* Stream.runForEach(stream, (e) =>
      tags.includes(e._tag) ? Ref.update(seen, (all) => [...all, e]) : Effect.void
    ).pipe(Effect.fork)
    const result = yield* effect
    // events are published after the commit, by the time the call returns; give the subscriber a moment to take them
    yield* TestServices.provideLive(Effect.sleep("50 millis"))
    yield* Fiber.interrupt(fiber)
    return [result, yield* Ref.get(seen)] as const
  })

for (const profile of databaseProfiles()) {
  describe(`Withdrawals (${profile.name})`, () => {
    // one fresh build: `moneyLayer` is `Layer.fresh` itself, and providing and merging it would build two databases
    const layer = Layer.fresh(
      Layer.mergeAll(WithdrawalsLive, LedgerLive).pipe(
        Layer.provideMerge(DomainEventsLive),
        Layer.provideMerge(profile.layer)
      )
    )
    it.layer(layer, { timeout: "180 seconds" })((it) => {
      it.scoped("a request holds the amount at once; approval pays it out without a second debit", () =>
        Effect.gen(function* () {
          const withdrawals = yield* Withdrawals
          const admin = yield* insertUser({ isAdmin: true })
          const user = yield* insertUser()
          yield* fund(user, 10_000n)
          const [{ created, request }, events] = yield* published(withdrawals.request(user, ask(4_000n)), [
            "WithdrawalRequested",
            "BalanceChanged"
          ])
          assert.isTrue(created)
          assert.strictEqual(request.status, "PENDING")
          assert.strictEqual(yield* balanceOf(user), 6_000n)
          const requested = events.find((e) => e._tag === "WithdrawalRequested")
          assert.include(requested?._tag === "WithdrawalRequested" ? requested.admins : [], admin)
          assert.isTrue(events.some((e) => e._tag === "BalanceChanged" && e.balance === 6_000n))
          yield* invariant

          const [approved, decided] = yield* published(withdrawals.approve(request.id, admin, paid("p-1")), [
            "WithdrawalDecided"
          ])
          assert.isTrue(approved.changed)
          assert.strictEqual(approved.request.status, "APPROVED")
          assert.strictEqual(approved.request.provider, "test")
          assert.strictEqual(approved.request.payoutReference, "p-1")
          assert.strictEqual(yield* balanceOf(user), 6_000n, "approval does not debit again")
          assert.deepStrictEqual(
            decided.map((e) => (e._tag === "WithdrawalDecided" ? e.approved : null)),
            [true]
          )
          assert.deepStrictEqual(yield* ledgerRows(user), [
            { type: "WITHDRAWAL_HOLD", amount: "-4000", balanceAfter: "6000" },
            { type: "WITHDRAWAL", amount: "-4000", balanceAfter: "6000" }
          ])
          yield* invariant
          // a second approval (a double click) changes nothing; a rejection now is refused
          const again = yield* withdrawals.approve(request.id, admin, () => Effect.dieMessage("paid twice"))
          assert.isFalse(again.changed)
          const late = yield* withdrawals.reject(request.id, admin, "late").pipe(Effect.flip)
          assert.strictEqual(late._tag === "RuleViolation" ? late.code : late._tag, "withdrawal.decided")
          yield* invariant
        })
      )

      it.scoped("rejection releases the amount exactly once, even when asked twice at once", () =>
        Effect.gen(function* () {
          const withdrawals = yield* Withdrawals
          const user = yield* insertUser()
          yield* fund(user, 5_000n)
          const { request } = yield* withdrawals.request(user, ask(5_000n))
          assert.strictEqual(yield* balanceOf(user), 0n)
          const outcomes = yield* Effect.all(
            [withdrawals.reject(request.id, null, "Неверные реквизиты"), withdrawals.reject(request.id, null, "x")],
            { concurrency: 2 }
          )
          assert.deepStrictEqual(outcomes.map((o) => o.changed).sort(), [false, true])
          assert.strictEqual(yield* balanceOf(user), 5_000n)
          const rows = yield* ledgerRows(user)
          assert.deepStrictEqual(
            rows.map((r) => r.type),
            ["WITHDRAWAL_HOLD", "WITHDRAWAL_RELEASE"]
          )
          const stored = yield* withdrawals.get(request.id)
          assert.strictEqual(stored.status, "REJECTED")
          assert.isNotNull(stored.reason)
          // approving a rejected request is refused with a sentence, and pays nothing
          const refused = yield* withdrawals
            .approve(request.id, null, () => Effect.dieMessage("must not pay"))
            .pipe(Effect.flip)
          assert.strictEqual(refused._tag === "RuleViolation" ? refused.code : refused._tag, "withdrawal.decided")
          yield* invariant
        })
      )

      it.scoped("concurrent approve and reject of one request: exactly one acts", () =>
        Effect.gen(function* () {
          const withdrawals = yield* Withdrawals
          const user = yield* insertUser()
          yield* fund(user, 3_000n)
          const { request } = yield* withdrawals.request(user, ask(3_000n))
          const payouts = yield* Ref.make(0)
          const payout = () =>
            Effect.as(
              Ref.update(payouts, (n) => n + 1),
              { provider: "test", reference: "once" }
            ).pipe(Effect.delay("30 millis"), TestServices.provideLive)
          const results = yield* Effect.all(
            [
              Effect.either(withdrawals.approve(request.id, null, payout)),
              Effect.either(withdrawals.approve(request.id, null, payout)),
              Effect.either(withdrawals.reject(request.id, null, null))
            ],
            { concurrency: 3 }
          )
          const final = yield* withdrawals.get(request.id)
          const changed = results.filter((r) => r._tag === "Right" && r.right.changed)
          assert.strictEqual(changed.length, 1)
          assert.isTrue(yield* Ref.get(payouts).pipe(Effect.map((n) => n <= 1)))
          const rows = (yield* ledgerRows(user)).map((r) => r.type)
          if (final.status === "APPROVED") {
            assert.strictEqual(yield* Ref.get(payouts), 1)
            assert.deepStrictEqual(rows, ["WITHDRAWAL_HOLD", "WITHDRAWAL"])
            assert.strictEqual(yield* balanceOf(user), 0n)
          } else {
            assert.strictEqual(final.status, "REJECTED")
            assert.deepStrictEqual(rows, ["WITHDRAWAL_HOLD", "WITHDRAWAL_RELEASE"])
            assert.strictEqual(yield* balanceOf(user), 3_000n)
          }
          yield* invariant
        })
      )

      it.scoped("a failed payout leaves the request pending and held; it can be approved later", () =>
        Effect.gen(function* () {
          const withdrawals = yield* Withdrawals
          const user = yield* insertUser()
          yield* fund(user, 2_000n)
          const { request } = yield* withdrawals.request(user, ask(1_500n))
          const failed = yield* withdrawals
            .approve(request.id, null, () => Effect.fail({ message: "bank unavailable" }))
            .pipe(Effect.flip)
          assert.strictEqual(failed._tag === "RuleViolation" ? failed.code : failed._tag, "withdrawal.payout-failed")
          const pending: WithdrawalRequest = yield* withdrawals.get(request.id)
          assert.strictEqual(pending.status, "PENDING")
          assert.strictEqual(pending.failure, "bank unavailable")
          assert.strictEqual(yield* balanceOf(user), 500n)
          yield* invariant
          const approved = yield* withdrawals.approve(request.id, null, paid("retry"))
          assert.strictEqual(approved.request.status, "APPROVED")
          assert.isNull(approved.request.failure)
          yield* invariant
        })
      )

      it.scoped(
        "a payout stuck in PROCESSING (the server stopped mid-payout) can be approved again after ten minutes",
        () =>
          Effect.gen(function* () {
            const withdrawals = yield* Withdrawals
            const sql = yield* SqlClient.SqlClient
            const user = yield* insertUser()
            yield* fund(user, 1_000n)
            const { request } = yield* withdrawals.request(user, ask(1_000n))
            // the claim committed, then the process died before the payout's answer was recorded
            yield* sql`UPDATE withdrawal_requests SET status = 'PROCESSING', updated_at = now() WHERE id = ${request.id}`
            const early = yield* withdrawals.approve(request.id, null, paid("early")).pipe(Effect.flip)
            assert.strictEqual(early._tag === "RuleViolation" ? early.code : early._tag, "withdrawal.processing")
            const refusedReject = yield* withdrawals.reject(request.id, null, null).pipe(Effect.flip)
            assert.strictEqual(
              refusedReject._tag === "RuleViolation" ? refusedReject.code : refusedReject._tag,
              "withdrawal.processing"
            )
            yield* sql`UPDATE withdrawal_requests SET updated_at = now() - interval '11 minutes' WHERE id = ${request.id}`
            const approved = yield* withdrawals.approve(request.id, null, paid("after-restart"))
            assert.strictEqual(approved.request.status, "APPROVED")
            assert.strictEqual(approved.request.payoutReference, "after-restart")
            assert.deepStrictEqual(
              (yield* ledgerRows(user)).map((r) => r.type),
              ["WITHDRAWAL_HOLD", "WITHDRAWAL"]
            )
            yield* invariant
          })
      )

      it.scoped("above the balance is refused; two concurrent requests cannot overdraw", () =>
        Effect.gen(function* () {
          const withdrawals = yield* Withdrawals
          const user = yield* insertUser()
          yield* fund(user, 1_000n)
          const above = yield* withdrawals.request(user, ask(1_001n)).pipe(Effect.flip)
          assert.strictEqual(above._tag, "InsufficientFunds")
          const both = yield* Effect.all(
            [Effect.either(withdrawals.request(user, ask(700n))), Effect.either(withdrawals.request(user, ask(700n)))],
            { concurrency: 2 }
          )
          assert.strictEqual(both.filter((r) => r._tag === "Right").length, 1)
          const refused = both.find((r) => r._tag === "Left")
          assert.strictEqual(refused?._tag === "Left" ? refused.left._tag : null, "InsufficientFunds")
          assert.strictEqual(yield* balanceOf(user), 300n)
          const mine = yield* withdrawals.list(new WithdrawalFilter({ userId: user }))
          assert.strictEqual(mine.total, 1)
          assert.strictEqual(mine.items[0]!.user.balance, 300n)
          yield* invariant
        })
      )

      it.scoped("a replayed idempotency key asks once; bad input is refused with sentences", () =>
        Effect.gen(function* () {
          const withdrawals = yield* Withdrawals
          const user = yield* insertUser()
          yield* fund(user, 1_000n)
          const key = `w-${user}`
          const [first, second] = yield* Effect.all(
            [withdrawals.request(user, ask(400n, key)), withdrawals.request(user, ask(400n, key))],
            { concurrency: 2 }
          )
          assert.strictEqual(first.request.id, second.request.id)
          assert.deepStrictEqual([first.created, second.created].sort(), [false, true])
          assert.strictEqual(yield* balanceOf(user), 600n)
          const reused = yield* withdrawals.request(user, ask(300n, key)).pipe(Effect.flip)
          assert.strictEqual(reused._tag, "InvalidInput")
          const zero = yield* withdrawals.request(user, ask(0n)).pipe(Effect.flip)
          assert.strictEqual(zero._tag === "InvalidInput" ? zero.issues[0].code : zero._tag, "amount.not-positive")
          const noDetails = yield* withdrawals
            .request(user, new RequestWithdrawal({ amount: Kopecks.make(100n), details: "  " }))
            .pipe(Effect.flip)
          assert.strictEqual(
            noDetails._tag === "InvalidInput" ? noDetails.issues[0].code : noDetails._tag,
            "withdrawal.details-missing"
          )
          assert.match(noDetails.message, /./)
          const blocked = yield* insertUser({ isActive: false })
          const inactive = yield* withdrawals.request(blocked, ask(1n)).pipe(Effect.flip)
          assert.strictEqual(inactive._tag === "RuleViolation" ? inactive.code : inactive._tag, "withdrawal.inactive")
          const missing = yield* withdrawals
            .get(WithdrawalRequestId.make("00000000-0000-4000-8000-000000000000"))
            .pipe(Effect.flip)
          assert.strictEqual(missing._tag, "NotFound")
          yield* invariant
        })
      )
    })
  })
}
