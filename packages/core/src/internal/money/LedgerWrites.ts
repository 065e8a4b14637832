/**
 * The only code that writes balances. Each function runs inside the caller's SQL transaction: the balance changes by a
 * conditional `UPDATE ... RETURNING` (which also row-locks the user) and exactly one `transactions` row records the
 * delta with the balance after it. Publishing events is the caller's business, after its transaction committed.
 */
import { SqlClient, SqlSchema } from "@effect/sql"
import { Data, Effect, Option, Schema } from "effect"
import { InsufficientFunds, NotFound } from "../../Errors.js"
import type { ParticipantId, PaymentId, ProcurementId } from "../../Ids.js"
import { UserId } from "../../Ids.js"
import type { TransactionType } from "../../Models.js"
import { Transaction } from "../../Models.js"
import { Kopecks } from "../../Money.js"

/** One change of one balance. */
export interface Entry {
  readonly userId: UserId
  /** signed, never zero */
  readonly amount: Kopecks
  readonly type: TransactionType
  readonly procurementId?: ProcurementId | null | undefined
  readonly participantId?: ParticipantId | null | undefined
  readonly paymentId?: PaymentId | null | undefined
  readonly idempotencyKey?: string | null | undefined
  readonly description?: string | null | undefined
  readonly createdBy?: UserId | null | undefined
}

/** The insert lost to a concurrent one with the same unique key (idempotency key, one refund per participant...). */
export class EntryConflict extends Data.TaggedError("EntryConflict")<{ readonly entry: Entry }> {}

const BalanceRow = Schema.Struct({ balance: Kopecks })
const UserBalanceRow = Schema.Struct({ id: UserId, balance: Kopecks, isActive: Schema.Boolean })

export const makeLedgerWrites = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient

  const findByKey = SqlSchema.findOne({
    Request: Schema.String,
    Result: Transaction,
    execute: (key) => sql`SELECT * FROM transactions WHERE idempotency_key = ${key}`
  })

  /** Locks the user's row (`FOR NO KEY UPDATE`: it does not block foreign-key checks of other rows). */
  const lockUser = SqlSchema.findOne({
    Request: UserId,
    Result: UserBalanceRow,
    execute: (id) => sql`SELECT id, balance, is_active FROM users WHERE id = ${id} FOR NO KEY UPDATE`
  })

  const balanceOf = SqlSchema.findOne({
    Request: UserId,
    Result: BalanceRow,
    execute: (id) => sql`SELECT balance FROM users WHERE id = ${id}`
  })

  const addToBalance = SqlSchema.findOne({
    Request: Schema.Struct({ userId: UserId, amount: Kopecks }),
    Result: BalanceRow,
    execute: ({ amount, userId }) =>
      sql`UPDATE users SET balance = balance + ${amount}, updated_at = now()
          WHERE id = ${userId} AND balance + ${amount} >= 0
          RETURNING balance`
  })

  const decodeTransactions = Schema.decodeUnknown(Schema.Array(Transaction))

  /** `created_at` is the statement's clock, so the rows of one SQL transaction keep their order in a history. */
  const insertTransaction = (e: Entry, balanceAfter: Kopecks) =>
    sql`INSERT INTO transactions (user_id, type, amount, balance_after, procurement_id, participant_id, payment_id,
          idempotency_key, description, created_by, created_at)
        VALUES (${e.userId}, ${e.type}, ${e.amount}, ${balanceAfter}, ${e.procurementId ?? null},
          ${e.participantId ?? null}, ${e.paymentId ?? null}, ${e.idempotencyKey ?? null}, ${e.description ?? null},
          ${e.createdBy ?? null}, clock_timestamp())
        ON CONFLICT DO NOTHING
        RETURNING *`.pipe(Effect.flatMap(decodeTransactions))

  /**
   * Applies one entry: the balance may not go below zero (`InsufficientFunds`); a lost unique race is
   * `EntryConflict` (the caller's transaction must roll back, since the balance already moved).
   */
  const apply = (entry: Entry) =>
    Effect.gen(function* () {
      const updated = yield* addToBalance({ userId: entry.userId, amount: entry.amount })
      if (Option.isNone(updated)) {
        const current = yield* balanceOf(entry.userId)
        if (Option.isNone(current)) return yield* new NotFound({ entity: "user", id: entry.userId })
        return yield* new InsufficientFunds({
          needed: Kopecks.make(-entry.amount),
          available: current.value.balance
        })
      }
      const [inserted] = yield* insertTransaction(entry, updated.value.balance)
      if (inserted === undefined) return yield* new EntryConflict({ entry })
      return inserted
    })

  /**
   * Records a movement that leaves the balance as it is: money that already left it (a held withdrawal being paid
   * out). The caller has locked the user's row, so `balance_after` is the balance now. A lost unique race is
   * `EntryConflict`.
   */
  const record = (entry: Entry) =>
    Effect.gen(function* () {
      const current = yield* balanceOf(entry.userId)
      if (Option.isNone(current)) return yield* new NotFound({ entity: "user", id: entry.userId })
      const [inserted] = yield* insertTransaction(entry, current.value.balance)
      if (inserted === undefined) return yield* new EntryConflict({ entry })
      return inserted
    })

  return { apply, record, findByKey, lockUser, balanceOf } as const
})

export type LedgerWrites = Effect.Effect.Success<typeof makeLedgerWrites>
