/**
 * A payment provider: how a deposit is paid (a link or transfer instructions), how money goes back (refunds, payouts
 * of withdrawal requests), and how the provider's pushed notifications are verified. Two implementations: the sandbox (default) and Tochka Cyclops.
 */
import type { Language, Payment, PaymentId, PayoutReceipt, WithdrawalRequest } from "@groupbuy/core"
import { Context, Data, type Effect } from "effect"

export interface StartedDeposit {
  /** the provider's id of this payment when it has one now (the sandbox), null when it arrives later (bank) */
  readonly providerPaymentId: string | null
  readonly url: string | null
  readonly instructions: string | null
}

/** What a verified webhook says happened; applying one twice changes nothing. */
export type WebhookEvent =
  | { readonly _tag: "Succeeded"; readonly paymentId: PaymentId }
  | { readonly _tag: "Cancelled"; readonly paymentId: PaymentId }
  /** the payer's card was authorized (two-step): the money is held until it is captured or the hold cancelled */
  | { readonly _tag: "Authorized"; readonly paymentId: PaymentId }
  /** the provider reports a payment by its own id: look it up with the provider and settle it */
  | { readonly _tag: "Incoming"; readonly providerPaymentId: string }

/** The provider could not be reached or refused the request. */
export class ProviderError extends Data.TaggedError("ProviderError")<{
  readonly provider: string
  readonly message: string
  readonly cause?: unknown
}> {}

/** A webhook whose signature (or shape) is not valid; nothing was applied. */
export class WebhookRejected extends Data.TaggedError("WebhookRejected")<{ readonly reason: string }> {}

export interface PaymentProviderService {
  readonly name: string
  /** a test provider (the sandbox): what it credits is test money, and every offer of it must say so */
  readonly testMoney: boolean
  /**
   * Whether a procurement share may be paid through this provider directly (a card payment link from `startDeposit`);
   * a provider of bank transfers to the balance (Tochka) cannot.
   */
  readonly cardPayments: boolean
  /**
   * The provider authorizes a card payment of a share first (two-step): the payment waits for capture
   * (WAITING_FOR_CAPTURE) until `capture` takes the money or `cancelAuthorization` releases the hold.
   */
  readonly authorizesFirst: boolean
  /** Takes the money of an authorized payment (two-step). */
  readonly capture: (payment: Payment) => Effect.Effect<void, ProviderError>
  /** Releases an authorization, or withdraws an unpaid payment, so that nothing is charged. */
  readonly cancelAuthorization: (payment: Payment) => Effect.Effect<void, ProviderError>
  /** Starts paying `payment` (a deposit or a share); a link or instructions for a payer who reads `language`. */
  readonly startDeposit: (payment: Payment, language: Language) => Effect.Effect<StartedDeposit, ProviderError>
  /** Sends a refunded deposit back to the payer (nothing to do for the sandbox). */
  readonly refund: (payment: Payment) => Effect.Effect<void, ProviderError>
  readonly verifyWebhook: (
    headers: Readonly<Record<string, string | undefined>>,
    body: Uint8Array
  ) => Effect.Effect<ReadonlyArray<WebhookEvent>, WebhookRejected>
  /** Settles a payment the provider reported by its own id (bank transfers); credited at most once. */
  readonly settleIncoming: (providerPaymentId: string) => Effect.Effect<void, ProviderError>
  /**
   * Pays an approved withdrawal request out to its details; keyed by the request id, so paying the same request
   * again (a retry after a crash) pays once.
   */
  readonly payout: (request: WithdrawalRequest) => Effect.Effect<PayoutReceipt, ProviderError>
}

export class PaymentProvider extends Context.Tag("@groupbuy/server/PaymentProvider")<
  PaymentProvider,
  PaymentProviderService
>() {}
