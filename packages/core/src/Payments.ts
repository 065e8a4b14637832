/**
 * Payment records. Providers (sandbox, Tochka Cyclops) live in the server; they create a record here, then settle it.
 * Settling is idempotent: a payment credits the ledger exactly once however often or out of order it is reported.
 */
import { Context, type Effect, Schema } from "effect"
import type { Actor, Page } from "./Common.js"
import { PageRequest } from "./Common.js"
import type { Forbidden, IllegalTransition, InvalidInput, NotFound, RuleViolation } from "./Errors.js"
import { PaymentId, ProcurementId, UserId } from "./Ids.js"
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

/**
 * Paying one's share of a procurement through a provider (PROCUREMENT_PAYMENT) instead of from the balance. The amount
 * is the participant's. A one-step provider may be paid where paying from the balance may (PAYMENT, a CONFIRMED
 * participant); a provider that authorizes first (`authorizeFirst`) may already be authorized while the procurement is
 * ACTIVE or STOPPED (a PENDING or CONFIRMED participant): the money is captured once the share may be paid.
 */
export class CreateProcurementPayment extends Schema.Class<CreateProcurementPayment>("CreateProcurementPayment")({
  userId: UserId,
  procurementId: ProcurementId,
  provider: Schema.NonEmptyTrimmedString,
  idempotencyKey: Schema.NonEmptyTrimmedString,
  authorizeFirst: Schema.optionalWith(Schema.Boolean, { default: () => false })
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
  /**
   * A PENDING card payment of the user's share (see `CreateProcurementPayment`). The same idempotency key, or any key
   * while a card payment of this share is still open, returns that payment. Refusals: `pay.already-paid`,
   * `pay.not-open`, `pay.not-confirmed` (RuleViolation); NotFound for an unknown procurement or a non-participant.
   */
  readonly createProcurementPayment: (
    input: CreateProcurementPayment
  ) => Effect.Effect<Payment, InvalidInput | NotFound | RuleViolation>
  /**
   * The provider authorized the payment (PENDING → WAITING_FOR_CAPTURE; again: no change). `capturable`: it is a
   * procurement payment whose share may be paid now (the procurement is in PAYMENT and the participant CONFIRMED).
   */
  readonly authorize: (
    id: PaymentId
  ) => Effect.Effect<{ readonly payment: Payment; readonly capturable: boolean }, NotFound | IllegalTransition>
  /** Settles an authorized payment (WAITING_FOR_CAPTURE → SUCCEEDED) as `succeed` does; a captured one stays so. */
  readonly capture: (
    id: PaymentId
  ) => Effect.Effect<{ readonly payment: Payment; readonly credited: boolean }, NotFound | IllegalTransition>
  /** The open (PENDING or WAITING_FOR_CAPTURE) card payments of a procurement's shares, optionally of one user. */
  readonly openForProcurement: (procurementId: ProcurementId, userId?: UserId) => Effect.Effect<ReadonlyArray<Payment>>
  /** The user's open card payments of shares, whatever the procurement. */
  readonly openOfUser: (userId: UserId) => Effect.Effect<ReadonlyArray<Payment>>
  /** Records the provider's id and the payer's link once the provider accepted the payment. */
  readonly attachProvider: (
    id: PaymentId,
    providerPaymentId: string,
    confirmationUrl: string | null
  ) => Effect.Effect<Payment, NotFound>
  /**
   * Settles and credits once; returns whether this call credited. A settled payment stays settled. A procurement
   * payment pays the participant's share in the same transaction (credited and debited: DEPOSIT then
   * PROCUREMENT_JOIN, participant → PAID); when the share can no longer be paid (left, paid meanwhile, procurement
   * moved on) the money stays on the payer's balance as a deposit.
   */
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
