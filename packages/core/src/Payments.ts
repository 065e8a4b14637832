/**
 * Payment records. Providers (sandbox, Tochka Cyclops) live in the server; they create a record here, then settle it.
 * Settling is idempotent: a payment credits the ledger exactly once however often or out of order it is reported.
 */
import { Context, type Effect, Schema } from "effect"
import type { Actor, Page } from "./Common.js"
import { PageRequest } from "./Common.js"
import type { Forbidden, IllegalTransition, InvalidInput, NotFound } from "./Errors.js"
import { PaymentId, UserId } from "./Ids.js"
import type { Payment } from "./Models.js"
import { PaymentStatus, PaymentType } from "./Models.js"
import { Kopecks } from "./Money.js"
import { SortOrder } from "./SortOrder.js"

/** Deposit limits in kopecks: 10 ₽ .. 1 000 000 ₽. */
export const MIN_DEPOSIT = 1_000n
export const MAX_DEPOSIT = 100_000_000n

export class CreateDeposit extends Schema.Class<CreateDeposit>("CreateDeposit")({
  userId: UserId,
  amount: Kopecks,
  provider: Schema.NonEmptyTrimmedString,
  idempotencyKey: Schema.NonEmptyTrimmedString,
  description: Schema.optional(Schema.NullOr(Schema.String))
}) {}

/** The columns an admin may order the payment list by. */
export const PaymentSortColumn = Schema.Literal("createdAt", "amount", "status", "type", "provider", "settledAt")
export type PaymentSortColumn = typeof PaymentSortColumn.Type

export class PaymentFilter extends Schema.Class<PaymentFilter>("PaymentFilter")({
  ...PageRequest.fields,
  userId: Schema.optional(UserId),
  status: Schema.optional(PaymentStatus),
  type: Schema.optional(PaymentType),
  provider: Schema.optional(Schema.String),
  sort: Schema.optional(SortOrder(PaymentSortColumn)),
  /** created at or after */
  from: Schema.optional(Schema.DateFromSelf),
  /** created at or before (to the millisecond) */
  to: Schema.optional(Schema.DateFromSelf)
}) {}

export interface PaymentSummary {
  readonly byStatus: ReadonlyArray<{ readonly status: PaymentStatus; readonly count: number; readonly amount: Kopecks }>
  readonly byDay: ReadonlyArray<{ readonly day: string; readonly count: number; readonly amount: Kopecks }>
}

export interface PaymentsService {
  /** A PENDING deposit (amount within MIN/MAX_DEPOSIT); the same idempotency key returns the same payment. */
  readonly createDeposit: (input: CreateDeposit) => Effect.Effect<Payment, InvalidInput | NotFound>
  /** Records the provider's id and the payer's link once the provider accepted the payment. */
  readonly attachProvider: (
    id: PaymentId,
    providerPaymentId: string,
    confirmationUrl: string | null
  ) => Effect.Effect<Payment, NotFound>
  /** Settles and credits once; returns whether this call credited. A settled payment stays settled. */
  readonly succeed: (
    id: PaymentId
  ) => Effect.Effect<{ readonly payment: Payment; readonly credited: boolean }, NotFound | IllegalTransition>
  /** Same, found by the provider's payment id. */
  readonly succeedByProviderId: (
    provider: string,
    providerPaymentId: string
  ) => Effect.Effect<{ readonly payment: Payment; readonly credited: boolean }, NotFound | IllegalTransition>
  /**
   * A bank payment that arrived without a prior record (Tochka: incoming transfer to a virtual account): records
   * a SUCCEEDED deposit and credits it, exactly once per (provider, providerPaymentId).
   */
  readonly recordIncoming: (input: {
    readonly userId: UserId
    readonly provider: string
    readonly providerPaymentId: string
    readonly amount: Kopecks
    readonly description?: string | null
  }) => Effect.Effect<{ readonly payment: Payment; readonly credited: boolean }, InvalidInput | NotFound>
  /**
   * A provider's payment reported by its id (Tochka: an incoming bank transfer), credited exactly once in one SQL
   * transaction: the record already holding this id, else the user's oldest announced PENDING deposit of that amount
   * (claimed by a conditional update), else a new record. `credited` says whether this call credited.
   */
  readonly settleIncoming: (input: {
    readonly userId: UserId
    readonly provider: string
    readonly providerPaymentId: string
    readonly amount: Kopecks
    readonly description?: string | null
  }) => Effect.Effect<
    { readonly payment: Payment; readonly credited: boolean },
    InvalidInput | NotFound | IllegalTransition
  >
  /** The ids among `providerPaymentIds` of this provider that no ledger credit (DEPOSIT transaction) settles yet. */
  readonly uncredited: (
    provider: string,
    providerPaymentIds: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlyArray<string>>
  readonly cancel: (id: PaymentId) => Effect.Effect<Payment, NotFound | IllegalTransition>
  /** Refunds a succeeded deposit: debits the balance (WITHDRAWAL) once; fails if the money was already spent. */
  readonly refund: (id: PaymentId) => Effect.Effect<Payment, NotFound | IllegalTransition | InvalidInput>
  /** A user sees only their own payments (admins see all). */
  readonly get: (actor: Actor, id: PaymentId) => Effect.Effect<Payment, NotFound | Forbidden>
  readonly list: (filter: PaymentFilter) => Effect.Effect<Page<Payment>>
  readonly summary: (days: number) => Effect.Effect<PaymentSummary>
  /** Provider virtual accounts (Tochka: one per user). */
  readonly virtualAccount: (userId: UserId, provider: string) => Effect.Effect<string | null>
  readonly setVirtualAccount: (userId: UserId, provider: string, accountId: string) => Effect.Effect<void>
  readonly userByVirtualAccount: (provider: string, accountId: string) => Effect.Effect<UserId | null>
}

export class Payments extends Context.Tag("@groupbuy/core/Payments")<Payments, PaymentsService>() {}
