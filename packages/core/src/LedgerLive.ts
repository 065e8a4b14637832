/**
 * The ledger over SQL. Deposits, withdrawals and keyed adjustments are idempotent: the user's row is locked first, so
 * concurrent replays of one key queue behind each other and the later ones find the first transaction; the unique
 * index on `transactions.idempotency_key` is the backstop when one key is (wrongly) raced across two users.
 */
import { SqlSchema } from "@effect/sql"
import { Effect, Layer, Option, Schema } from "effect"
import type { Page } from "./Common.js"
import { PageRequest } from "./Common.js"
import { InvalidInput, NotFound } from "./Errors.js"
import { UserId } from "./Ids.js"
import { Adjustment, Credit, Ledger, TransactionFilter, type TransactionSortColumn } from "./Ledger.js"
import type { TransactionType } from "./Models.js"
import { Transaction } from "./Models.js"
import { formatRubles, Kopecks } from "./Money.js"
import { decodeInput, issue, refuseIfAny, validId } from "./internal/money/InputDecoding.js"
import type { Entry } from "./internal/money/LedgerWrites.js"
import { makeMoneyWork } from "./internal/money/MoneyWork.js"
import { orDie } from "./internal/money/SqlEdge.js"
import { dateRange, orderBy } from "./internal/ListSql.js"
import { decodeRows } from "./internal/people/Sql.js"

/** The largest single ledger movement accepted from outside (100 million rubles). */
export const MAX_LEDGER_AMOUNT = 10_000_000_000n

const decodeCredit = decodeInput(Credit)
const decodeAdjustment = decodeInput(Adjustment)
const decodePage = decodeInput(PageRequest)
const decodeFilter = decodeInput(TransactionFilter)

/** Why `amount` cannot be a ledger amount: zero (or negative, unless allowed), or above `MAX_LEDGER_AMOUNT`. */
export const ledgerAmountIssues = (amount: bigint, allowNegative = false) => {
  const magnitude = amount < 0n ? -amount : amount
  if (amount === 0n || (!allowNegative && amount < 0n))
    return [
      issue(
        "amount",
        "amount.not-positive",
        allowNegative ? "The amount must not be zero" : "The amount must be greater than zero",
        allowNegative ? "Сумма не может быть нулевой" : "Сумма должна быть больше нуля"
      )
    ]
  if (magnitude > MAX_LEDGER_AMOUNT)
    return [
      issue(
        "amount",
        "amount.too-large",
        `The amount may not exceed ${formatRubles(MAX_LEDGER_AMOUNT)}`,
        `Сумма не может превышать ${formatRubles(MAX_LEDGER_AMOUNT)}`
      )
    ]
  return []
}

const keyReused = InvalidInput.single(
  "idempotencyKey",
  "idempotency-key.reused",
  "This idempotency key was already used for a different operation",
  "Этот ключ идемпотентности уже использован для другой операции"
)

const Totals = Schema.Struct({ balances: Kopecks, held: Kopecks, external: Kopecks })

const transactionOrder: { readonly [K in TransactionSortColumn]: string } = {
  createdAt: "created_at",
  amount: "amount",
  type: "type",
  balanceAfter: "balance_after"
}

export const LedgerLive = Layer.effect(
  Ledger,
  Effect.gen(function* () {
    const { publish, sql, transaction, writes } = yield* makeMoneyWork

    /** After a movement committed (once: not on a replay): the new balance, and a granted bonus for its notice. */
    const publishBalance = (t: Transaction) =>
      Effect.zipRight(
        publish({ _tag: "BalanceChanged", userId: t.userId, balance: t.balanceAfter }),
        t.type === "BONUS" && t.amount > 0n
          ? publish({
              _tag: "BonusGranted",
              transactionId: t.id,
              userId: t.userId,
              amount: t.amount,
              reason: t.description
            })
          : Effect.void
      )

    /**
     * One keyed movement: replays return the first transaction (and publish nothing); a key reused for another
     * user, type or amount is refused.
     */
    const keyedMovement = (entry: Entry & { readonly idempotencyKey: string }) => {
      const sameOperation = (t: Transaction) =>
        t.userId === entry.userId && t.type === entry.type && t.amount === entry.amount
      const replay = (t: Transaction) =>
        sameOperation(t) ? Effect.succeed({ transaction: t, fresh: false }) : Effect.fail(keyReused)
      return transaction(
        Effect.gen(function* () {
          const user = yield* writes.lockUser(entry.userId)
          if (Option.isNone(user)) return yield* new NotFound({ entity: "user", id: entry.userId })
          const existing = yield* writes.findByKey(entry.idempotencyKey)
          if (Option.isSome(existing)) return yield* replay(existing.value)
          return { transaction: yield* writes.apply(entry), fresh: true }
        })
      ).pipe(
        Effect.catchTag("EntryConflict", () =>
          orDie(writes.findByKey(entry.idempotencyKey)).pipe(
            Effect.flatMap(
              Option.match({
                // the conflict was another unique index: a programming error, not a replay
                onNone: () => Effect.dieMessage(`ledger entry conflicted without a matching key: ${entry.type}`),
                onSome: replay
              })
            )
          )
        ),
        Effect.tap(({ fresh, transaction: t }) => (fresh ? publishBalance(t) : Effect.void)),
        Effect.map(({ transaction: t }) => t)
      )
    }

    const unkeyedMovement = (entry: Entry) =>
      transaction(writes.apply(entry)).pipe(
        Effect.catchTag("EntryConflict", (e) => Effect.die(e)),
        Effect.tap(publishBalance)
      )

    const movement = (entry: Entry) =>
      entry.idempotencyKey === null || entry.idempotencyKey === undefined || entry.idempotencyKey === ""
        ? unkeyedMovement(entry)
        : keyedMovement({ ...entry, idempotencyKey: entry.idempotencyKey })

    const creditOrDebit = (type: TransactionType, sign: 1n | -1n) => (input: Credit) =>
      Effect.gen(function* () {
        const credit = yield* decodeCredit(input)
        yield* refuseIfAny(ledgerAmountIssues(credit.amount))
        return yield* movement({
          userId: credit.userId,
          type,
          amount: Kopecks.make(sign * credit.amount),
          idempotencyKey: credit.idempotencyKey,
          paymentId: credit.paymentId ?? null,
          description: credit.description ?? null
        })
      })

    // a credit never lacks funds
    const deposit = (credit: Credit) =>
      creditOrDebit("DEPOSIT", 1n)(credit).pipe(Effect.catchTag("InsufficientFunds", (e) => Effect.die(e)))

    const withdraw = creditOrDebit("WITHDRAWAL", -1n)

    const adjust = Effect.fn("Ledger.adjust")(function* (input: Adjustment) {
      const adjustment = yield* decodeAdjustment(input)
      yield* refuseIfAny(ledgerAmountIssues(adjustment.amount, true))
      return yield* movement({
        userId: adjustment.userId,
        type: adjustment.type,
        amount: adjustment.amount,
        description: adjustment.reason,
        createdBy: adjustment.createdBy ?? null,
        idempotencyKey: adjustment.idempotencyKey ?? null
      })
    })

    const balanceOf = SqlSchema.findOne({
      Request: UserId,
      Result: Schema.Struct({ balance: Kopecks }),
      execute: (id) => sql`SELECT balance FROM users WHERE id = ${id}`
    })

    const balance = (userId: UserId) =>
      validId(UserId)(userId)
        ? orDie(balanceOf(userId)).pipe(
            Effect.flatMap(
              Option.match({
                onNone: () => Effect.fail(new NotFound({ entity: "user", id: String(userId) })),
                onSome: (r) => Effect.succeed(r.balance)
              })
            )
          )
        : Effect.fail(new NotFound({ entity: "user", id: String(userId) }))

    const transactionRows = decodeRows(Transaction)
    const page = (
      filter: {
        readonly userId?: UserId | undefined
        readonly type?: string | undefined
        readonly sort?: TransactionFilter["sort"]
        readonly from?: Date | undefined
        readonly to?: Date | undefined
      },
      request: { readonly offset: number; readonly limit: number }
    ): Effect.Effect<Page<Transaction>> => {
      const where = sql.and([
        ...(filter.userId === undefined ? [] : [sql`user_id = ${filter.userId}`]),
        ...(filter.type === undefined ? [] : [sql`type = ${filter.type}`]),
        dateRange(sql, "created_at", filter)
      ])
      const order = orderBy(sql, filter.sort, transactionOrder, "created_at DESC, id DESC", "id DESC")
      return orDie(
        Effect.all(
          [
            transactionRows(
              sql`SELECT * FROM transactions WHERE ${where} ORDER BY ${order}
                  LIMIT ${request.limit} OFFSET ${request.offset}`
            ),
            sql<{ total: number }>`SELECT count(*)::int AS total FROM transactions WHERE ${where}`
          ],
          { concurrency: 1 }
        )
      ).pipe(
        Effect.map(([items, count]) => ({
          items,
          total: count[0]?.total ?? 0,
          offset: request.offset,
          limit: request.limit
        }))
      )
    }

    const emptyPage = (request: { readonly offset: number; readonly limit: number }): Page<Transaction> => ({
      items: [],
      total: 0,
      offset: request.offset,
      limit: request.limit
    })

    const history = (userId: UserId, request: PageRequest) =>
      decodePage(request).pipe(
        Effect.orElseSucceed(() => ({ offset: 0, limit: 20 })),
        Effect.flatMap((p) => (validId(UserId)(userId) ? page({ userId }, p) : Effect.succeed(emptyPage(p))))
      )

    const list = (filter: TransactionFilter) =>
      decodeFilter(filter).pipe(
        Effect.matchEffect({
          // an unreadable filter matches nothing rather than everything
          onFailure: () => Effect.succeed(emptyPage({ offset: 0, limit: 20 })),
          onSuccess: (f) => page(f, f)
        })
      )

    const readTotals = SqlSchema.single({
      Request: Schema.Void,
      Result: Totals,
      execute: () =>
        sql`SELECT
              (SELECT coalesce(sum(balance), 0) FROM users)::text AS balances,
              ((SELECT coalesce(sum(held_amount), 0) FROM procurements)
                + (SELECT coalesce(sum(amount), 0) FROM withdrawal_requests
                    WHERE status IN ('PENDING', 'PROCESSING')))::text AS held,
              (SELECT coalesce(sum(amount), 0) FROM transactions
                WHERE type NOT IN ('PROCUREMENT_JOIN', 'PROCUREMENT_REFUND', 'TRANSFER', 'WITHDRAWAL_HOLD',
                  'WITHDRAWAL_RELEASE'))::text AS external`
    })

    const totals = () => orDie(readTotals(undefined))

    return Ledger.of({
      balance,
      deposit: Effect.fn("Ledger.deposit")(function* (credit: Credit) {
        return yield* deposit(credit)
      }),
      withdraw: Effect.fn("Ledger.withdraw")(function* (debit: Credit) {
        return yield* withdraw(debit)
      }),
      adjust,
      history,
      list,
      totals
    })
  })
)
