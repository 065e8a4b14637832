/**
 * Subscriptions: what PROVIDER purchases delivered (the `subscriptions` rows the shop creates), their time left, and
 * their renewal. A renewal debits the product's current price for each unit (`PURCHASE`), prolongs through the provider
 * and moves the expiry by the period; when the provider refuses, the money comes back once (`PURCHASE_REFUND`).
 *
 * The schedule (`runDue`, run every minute by the server on one instance at a time), per ACTIVE subscription and per
 * expiry it is for:
 * - 3 days before: a reminder (`expiring`);
 * - from 24 hours before, with auto-renewal on (the default): the renewal; a balance too short gets one
 *   `renewal_failed` notice with the missing amount, and the renewal is tried again at each tick (a top-up is enough);
 * - 6 hours before, when it is still not renewed: the second reminder;
 * - at the expiry: EXPIRED, and the owner is told.
 *
 * Exactly once, whichever instance or tick gets there: every notice and every renewal is a row keyed by (subscription,
 * the expiry it is for, what) inserted only once, and a renewal holds the subscription's row lock from the check to
 * the debit. A renewal asked for by its owner names the expiry they saw, so a double tap renews once.
 */
import { Context, type DateTime, type Effect, Schema } from "effect"
import type { InsufficientFunds, NotFound, ProviderError, RuleViolation } from "./Errors.js"
import type { SubscriptionId, UserId } from "./Ids.js"
import type { Kopecks } from "./Money.js"
import type { Subscription } from "./Shop.js"

/** When the reminders and the renewal happen, before the expiry. */
export const SUBSCRIPTION_SCHEDULE = {
  firstReminderHours: 72,
  renewFromHours: 24,
  secondReminderHours: 6
} as const

/** A subscription as its owner sees it: with the product's title, its renewal price now and the time left. */
export interface SubscriptionView {
  readonly subscription: Subscription
  readonly title: string
  /** what a renewal costs now (the product's price × units), or null when the product is no longer sold */
  readonly renewalPrice: Kopecks | null
  readonly secondsLeft: number
}

/** What one run of the schedule did. */
export interface SubscriptionRun {
  readonly reminded: number
  readonly renewed: number
  readonly failed: number
  readonly expired: number
}

export const RenewRequest = Schema.Struct({
  /** the expiry the owner saw: when the subscription was renewed since, nothing more is charged */
  expiresAt: Schema.optional(Schema.DateTimeUtc)
})

export interface SubscriptionsService {
  /** The owner's subscriptions, the ones running out first, then the ended ones. */
  readonly mine: (userId: UserId) => Effect.Effect<ReadonlyArray<SubscriptionView>>
  /** One of the owner's own; `NotFound` for somebody else's. */
  readonly own: (userId: UserId, id: SubscriptionId) => Effect.Effect<SubscriptionView, NotFound>
  /**
   * Renews now (the owner asked). `renewed: false` when the expiry they saw has already moved (a double tap).
   * `InsufficientFunds` (nothing charged), `RuleViolation` subscription.not-active / subscription.product-gone,
   * `ProviderError` when the provider refused (the money is back).
   */
  readonly renew: (
    userId: UserId,
    id: SubscriptionId,
    seen?: DateTime.Utc
  ) => Effect.Effect<
    { readonly view: SubscriptionView; readonly renewed: boolean },
    NotFound | InsufficientFunds | RuleViolation | ProviderError
  >
  readonly setAutoRenew: (userId: UserId, id: SubscriptionId, on: boolean) => Effect.Effect<SubscriptionView, NotFound>
  /** One pass of the schedule at the effect clock's time. */
  readonly runDue: () => Effect.Effect<SubscriptionRun>
}

export class Subscriptions extends Context.Tag("@groupbuy/core/Subscriptions")<Subscriptions, SubscriptionsService>() {}
