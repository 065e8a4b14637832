/**
 * The money ledger: the only writer of balances. Every change of a balance writes exactly one `transactions` row in
 * the same SQL transaction; a CHECK keeps balances non-negative; externally triggered credits carry idempotency keys.
 * Invariant: Σ balances + Σ held (by procurements, and by withdrawal requests that are PENDING or PROCESSING) = Σ of
 * every transaction that moves money into or out of the users' balances as a whole (all types but the internal moves
 * PROCUREMENT_JOIN, PROCUREMENT_REFUND, TRANSFER, WITHDRAWAL_HOLD and WITHDRAWAL_RELEASE): DEPOSIT, WITHDRAWAL, BONUS,
 * ADJUSTMENT, PURCHASE, PURCHASE_REFUND, COMMISSION, COMMISSION_REVERSAL (signed amounts).
 * A withdrawal request moves its amount from the balance into the request (WITHDRAWAL_HOLD, internal); rejection moves
 * it back (WITHDRAWAL_RELEASE, internal); approval pays it out of the request: the WITHDRAWAL row records the money
 * leaving without a second debit (its `balance_after` is the balance as it stands). A direct `withdraw` debits the
 * balance itself.
 */
import { Context, type Effect, Schema } from "effect"
import type { Page } from "./Common.js"
import { PageRequest } from "./Common.js"
import type { InsufficientFunds, InvalidInput, NotFound } from "./Errors.js"
import { PaymentId, UserId } from "./Ids.js"
import type { Transaction } from "./Models.js"
import { TransactionType } from "./Models.js"
import { Kopecks } from "./Money.js"
import { SortOrder } from "./SortOrder.js"

export class Credit extends Schema.Class<Credit>("Credit")({
  userId: UserId,
  amount: Kopecks,
  /** replaying the same key returns the first transaction and credits nothing */
  idempotencyKey: Schema.NonEmptyTrimmedString,
  paymentId: Schema.optional(Schema.NullOr(PaymentId)),
  description: Schema.optional(Schema.NullOr(Schema.String))
}) {}

export class Adjustment extends Schema.Class<Adjustment>("Adjustment")({
  userId: UserId,
  /** signed */
  amount: Kopecks,
  type: Schema.Literal("BONUS", "ADJUSTMENT"),
  reason: Schema.NonEmptyTrimmedString,
  createdBy: Schema.optional(Schema.NullOr(UserId)),
  idempotencyKey: Schema.optional(Schema.NullOr(Schema.String))
}) {}

/** The columns an admin may order the transaction journal by. */
export const TransactionSortColumn = Schema.Literal("createdAt", "amount", "type", "balanceAfter")
export type TransactionSortColumn = typeof TransactionSortColumn.Type

export class TransactionFilter extends Schema.Class<TransactionFilter>("TransactionFilter")({
  ...PageRequest.fields,
  userId: Schema.optional(UserId),
  type: Schema.optional(TransactionType),
  sort: Schema.optional(SortOrder(TransactionSortColumn)),
  /** created at or after */
  from: Schema.optional(Schema.DateFromSelf),
  /** created at or before (to the millisecond) */
  to: Schema.optional(Schema.DateFromSelf)
}) {}

export interface LedgerTotals {
  readonly balances: Kopecks
  /** held by procurements and by withdrawal requests waiting for (or in) their payout */
  readonly held: Kopecks
  /** Σ amount of every transaction but the internal moves (see the invariant above) */
  readonly external: Kopecks
}

export interface LedgerService {
  readonly balance: (userId: UserId) => Effect.Effect<Kopecks, NotFound>
  /** Credits a deposit once per idempotency key. */
  readonly deposit: (credit: Credit) => Effect.Effect<Transaction, InvalidInput | NotFound>
  /** Debits a withdrawal once per idempotency key. */
  readonly withdraw: (debit: Credit) => Effect.Effect<Transaction, InvalidInput | NotFound | InsufficientFunds>
  /** Admin bonus or correction (signed); a negative one cannot take a balance below zero. */
  readonly adjust: (adjustment: Adjustment) => Effect.Effect<Transaction, InvalidInput | NotFound | InsufficientFunds>
  readonly history: (userId: UserId, page: PageRequest) => Effect.Effect<Page<Transaction>>
  readonly list: (filter: TransactionFilter) => Effect.Effect<Page<Transaction>>
  /** The three sides of the invariant, for tests and the admin dashboard. */
  readonly totals: () => Effect.Effect<LedgerTotals>
}

export class Ledger extends Context.Tag("@groupbuy/core/Ledger")<Ledger, LedgerService>() {}
