/**
 * Withdrawal requests: a user asks to be paid part of their balance (the bot's `/withdraw`, the cabinet, the API) —
 * a buyer taking money back out, a referral shop owner their earnings. The amount is held at once (WITHDRAWAL_HOLD,
 * in the transaction that records the request, so two requests at once cannot overdraw); an admin approves it (the
 * payout provider pays it out, then the WITHDRAWAL is recorded) or rejects it (WITHDRAWAL_RELEASE gives it back).
 * Core publishes `WithdrawalRequested` / `WithdrawalDecided`; the server notifies admins and the user.
 */
import { Model } from "@effect/sql"
import { Context, type Effect, Schema } from "effect"
import type { Page } from "./Common.js"
import { PageRequest } from "./Common.js"
import type { InsufficientFunds, InvalidInput, NotFound, RuleViolation } from "./Errors.js"
import { UserId, WithdrawalRequestId } from "./Ids.js"
import { Kopecks } from "./Money.js"

/**
 * PENDING: held, waiting for an admin; PROCESSING: approved, the payout is under way; APPROVED: paid out (final);
 * REJECTED: released back to the balance (final).
 */
export const WithdrawalStatus = Schema.Literal("PENDING", "PROCESSING", "APPROVED", "REJECTED")
export type WithdrawalStatus = typeof WithdrawalStatus.Type

export class WithdrawalRequest extends Model.Class<WithdrawalRequest>("WithdrawalRequest")({
  id: Model.Generated(WithdrawalRequestId),
  userId: UserId,
  amount: Kopecks,
  /** where to pay: what the user wrote (a card, an account with its bank, a phone for SBP) */
  details: Schema.String,
  status: WithdrawalStatus,
  /** the payout provider that paid it (sandbox, tochka) and its reference, once approved */
  provider: Schema.NullOr(Schema.String),
  payoutReference: Schema.NullOr(Schema.String),
  /** why the last payout attempt failed (the request went back to PENDING) */
  failure: Schema.NullOr(Schema.String),
  /** the admin's reason for a rejection */
  reason: Schema.NullOr(Schema.String),
  decidedBy: Schema.NullOr(UserId),
  decidedAt: Schema.NullOr(Model.DateTimeFromDate),
  createdAt: Model.DateTimeInsertFromDate
}) {}

/** The wire shape: `decidedAt` as an ISO string (a `Model.DateTimeFromDate` column encodes to a JS `Date`). */
export const WithdrawalRequestJson = Schema.Struct({
  ...WithdrawalRequest.json.fields,
  decidedAt: Schema.NullOr(Schema.DateTimeUtc)
})

/** The shortest and longest payout details accepted. */
export const WITHDRAWAL_DETAILS_MIN = 5
export const WITHDRAWAL_DETAILS_MAX = 500

export class RequestWithdrawal extends Schema.Class<RequestWithdrawal>("RequestWithdrawal")({
  amount: Kopecks,
  details: Schema.String,
  /** replaying the same key returns the first request and holds nothing more (a double tap asks once) */
  idempotencyKey: Schema.optional(Schema.NonEmptyTrimmedString)
}) {}

export class WithdrawalFilter extends Schema.Class<WithdrawalFilter>("WithdrawalFilter")({
  ...PageRequest.fields,
  /** every status when not given */
  status: Schema.optional(WithdrawalStatus),
  userId: Schema.optional(UserId)
}) {}

/** A request with the name the admin list shows. */
export interface WithdrawalView {
  readonly request: WithdrawalRequest
  readonly user: {
    readonly firstName: string
    readonly lastName: string | null
    readonly username: string | null
    readonly balance: Kopecks
  }
}

/** What a payout provider answers when it has paid (or accepted to pay) a request. */
export interface PayoutReceipt {
  readonly provider: string
  readonly reference: string
}

/** The payout provider could not pay: the request goes back to PENDING with this message. */
export interface PayoutFailure {
  readonly message: string
}

export interface WithdrawalsService {
  /**
   * Holds `amount` of the user's balance and records the request. `InsufficientFunds` above the balance;
   * `InvalidInput` for a non-positive amount or unreadable details; `withdrawal.inactive` for a blocked account.
   */
  readonly request: (
    userId: UserId,
    input: RequestWithdrawal
  ) => Effect.Effect<
    { readonly request: WithdrawalRequest; readonly created: boolean },
    NotFound | InvalidInput | InsufficientFunds | RuleViolation
  >
  readonly get: (id: WithdrawalRequestId) => Effect.Effect<WithdrawalRequest, NotFound>
  /** Newest first. */
  readonly list: (filter: WithdrawalFilter) => Effect.Effect<Page<WithdrawalView>>
  /**
   * Approves a PENDING request: it becomes PROCESSING (so a concurrent approval or rejection is refused with
   * `withdrawal.processing`), `payout` runs outside any SQL transaction, then the WITHDRAWAL is recorded and the
   * request is APPROVED. A failed payout puts it back to PENDING (still held) and fails with
   * `withdrawal.payout-failed`. Approving an approved request again returns it unchanged; `withdrawal.decided` when
   * it was rejected. A request stuck in PROCESSING (the server stopped mid-payout) may be approved again after
   * ten minutes: payouts are keyed by the request id, so the provider pays once.
   */
  readonly approve: <R>(
    id: WithdrawalRequestId,
    by: UserId | null,
    payout: (request: WithdrawalRequest) => Effect.Effect<PayoutReceipt, PayoutFailure, R>
  ) => Effect.Effect<{ readonly request: WithdrawalRequest; readonly changed: boolean }, NotFound | RuleViolation, R>
  /** Rejects a PENDING request and releases the amount exactly once; rejecting again returns it unchanged. */
  readonly reject: (
    id: WithdrawalRequestId,
    by: UserId | null,
    reason: string | null
  ) => Effect.Effect<{ readonly request: WithdrawalRequest; readonly changed: boolean }, NotFound | RuleViolation>
}

export class Withdrawals extends Context.Tag("@groupbuy/core/Withdrawals")<Withdrawals, WithdrawalsService>() {}
