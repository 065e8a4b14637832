/**
 * Domain events that core publishes after a change is committed (never inside the SQL transaction). The server's
 * notification dispatcher, the WebSocket hub and the chat relay subscribe; with several instances the server bridges
 * them over Redis. `DomainEventsLive` is the in-process bus.
 */
import { Context, Effect, Layer, PubSub, Schema, type Scope, type Stream } from "effect"
import * as S from "effect/Stream"
import {
  ChatMessageId,
  NotificationId,
  ParticipantId,
  PaymentId,
  ProcurementId,
  RoleRequestId,
  TransactionId,
  UserId,
  WithdrawalRequestId
} from "./Ids.js"
import { OrderId, ProductId, SubscriptionId } from "./Ids.js"
import { ChatMessage, Notification, ProcurementStatus } from "./Models.js"
import { Kopecks } from "./Money.js"
import { RequestableRole } from "./RoleRequests.js"

export const DomainEvent = Schema.Union(
  Schema.TaggedStruct("ProcurementStatusChanged", {
    procurementId: ProcurementId,
    title: Schema.String,
    from: ProcurementStatus,
    to: ProcurementStatus,
    /** everybody who should hear about it: organizer and non-cancelled participants */
    audience: Schema.Array(UserId)
  }),
  Schema.TaggedStruct("ParticipantJoined", {
    procurementId: ProcurementId,
    participantId: ParticipantId,
    userId: UserId,
    quantity: Schema.Int,
    amount: Kopecks,
    /** who is told (the procurement's organizer) and what about: its title and unit */
    organizerId: UserId,
    title: Schema.String,
    unit: Schema.String
  }),
  Schema.TaggedStruct("ParticipantLeft", {
    procurementId: ProcurementId,
    participantId: ParticipantId,
    userId: UserId,
    organizerId: UserId,
    title: Schema.String
  }),
  Schema.TaggedStruct("PaymentRequired", {
    procurementId: ProcurementId,
    title: Schema.String,
    userId: UserId,
    amount: Kopecks
  }),
  /** a payment succeeded; with `procurementId` (and its title) it paid the payer's share of that procurement */
  Schema.TaggedStruct("PaymentSucceeded", {
    paymentId: PaymentId,
    userId: UserId,
    amount: Kopecks,
    procurementId: Schema.optional(ProcurementId),
    title: Schema.optional(Schema.String)
  }),
  /** an account was (de)activated or got or lost admin rights: what it may see must be checked again */
  Schema.TaggedStruct("AccountChanged", { userId: UserId, isActive: Schema.Boolean, isAdmin: Schema.Boolean }),
  Schema.TaggedStruct("BalanceChanged", { userId: UserId, balance: Kopecks }),
  Schema.TaggedStruct("ChatMessagePosted", { message: ChatMessage.json }),
  Schema.TaggedStruct("ChatMessageEdited", { message: ChatMessage.json }),
  Schema.TaggedStruct("ChatMessageDeleted", {
    messageId: ChatMessageId,
    procurementId: ProcurementId,
    restored: Schema.Boolean
  }),
  /** a member read a procurement's chat up to `lastReadAt` (epoch ms): open sockets show the new unread count */
  Schema.TaggedStruct("ChatRead", { procurementId: ProcurementId, userId: UserId, lastReadAt: Schema.Number }),
  Schema.TaggedStruct("NotificationCreated", { notification: Notification.json }),
  /** notifications deleted with what they quoted (a deleted chat message): open clients drop them */
  Schema.TaggedStruct("NotificationsRemoved", {
    removed: Schema.Array(Schema.Struct({ id: NotificationId, userId: UserId }))
  }),
  /** a person asked for a role: `admins` (the active administrators' accounts) are told */
  Schema.TaggedStruct("RoleRequested", {
    requestId: RoleRequestId,
    userId: UserId,
    role: RequestableRole,
    admins: Schema.Array(UserId)
  }),
  /** an admin approved or declined a role request: the person who asked is told */
  Schema.TaggedStruct("RoleRequestDecided", {
    requestId: RoleRequestId,
    userId: UserId,
    role: RequestableRole,
    approved: Schema.Boolean
  }),
  /** a user asked to withdraw `amount` (already held): `admins` (the active administrators' accounts) are told */
  Schema.TaggedStruct("WithdrawalRequested", {
    requestId: WithdrawalRequestId,
    userId: UserId,
    amount: Kopecks,
    admins: Schema.Array(UserId)
  }),
  /** an admin paid out (approved) or rejected a withdrawal request: the user is told */
  Schema.TaggedStruct("WithdrawalDecided", {
    requestId: WithdrawalRequestId,
    userId: UserId,
    amount: Kopecks,
    approved: Schema.Boolean,
    reason: Schema.NullOr(Schema.String)
  }),
  /**
   * a bonus was granted (a positive BONUS transaction) by an admin, or as the reward for `referredId`, who came
   * through the user's referral link and made their first payment: the user is told
   */
  Schema.TaggedStruct("BonusGranted", {
    transactionId: TransactionId,
    userId: UserId,
    amount: Kopecks,
    reason: Schema.NullOr(Schema.String),
    referredId: Schema.optional(UserId)
  }),
  /** a shop order was delivered (STOCKED / DIGITAL at once, PROVIDER when the provider delivered): the buyer is told */
  Schema.TaggedStruct("OrderDelivered", {
    orderId: OrderId,
    number: Schema.Int,
    buyerId: UserId,
    total: Kopecks,
    title: Schema.String
  }),
  /** the provider could not deliver a PROVIDER order: it is FAILED and `refunded` went back to the buyer */
  Schema.TaggedStruct("OrderFailed", {
    orderId: OrderId,
    number: Schema.Int,
    buyerId: UserId,
    refunded: Kopecks,
    title: Schema.String,
    reason: Schema.String
  }),
  /** an admin refunded an order: `amount` went back to the buyer */
  Schema.TaggedStruct("OrderRefunded", {
    orderId: OrderId,
    number: Schema.Int,
    buyerId: UserId,
    amount: Kopecks,
    title: Schema.String
  }),
  /**
   * a subscription's news for its owner: `expiring` (a reminder; `second` the last one before expiry), `renewed`
   * (`amount` charged), `renewal_failed` (`amount`: what the balance lacks, or null when the provider refused) and
   * `expired`
   */
  Schema.TaggedStruct("SubscriptionNotice", {
    subscriptionId: SubscriptionId,
    userId: UserId,
    title: Schema.String,
    kind: Schema.Literal("expiring", "renewed", "renewal_failed", "expired"),
    second: Schema.Boolean,
    autoRenew: Schema.Boolean,
    expiresAt: Schema.DateTimeUtc,
    amount: Schema.NullOr(Kopecks)
  }),
  /** a sale took a STOCKED or DIGITAL product's on-hand to the settings' threshold or below: admins are told */
  Schema.TaggedStruct("LowStock", {
    productId: ProductId,
    title: Schema.String,
    onHand: Schema.Int,
    threshold: Schema.Int
  })
)
export type DomainEvent = typeof DomainEvent.Type

export interface DomainEventsService {
  readonly publish: (event: DomainEvent) => Effect.Effect<void>
  /** A subscription that starts now; it ends when its scope closes. */
  readonly subscribe: Effect.Effect<Stream.Stream<DomainEvent>, never, Scope.Scope>
}

export class DomainEvents extends Context.Tag("@groupbuy/core/DomainEvents")<DomainEvents, DomainEventsService>() {}

/** In-process bus (unbounded: publishers never wait on slow subscribers). */
export const DomainEventsLive = Layer.scoped(
  DomainEvents,
  Effect.gen(function* () {
    const hub = yield* Effect.acquireRelease(PubSub.unbounded<DomainEvent>(), PubSub.shutdown)
    return {
      publish: (event) => PubSub.publish(hub, event).pipe(Effect.asVoid),
      subscribe: Effect.map(PubSub.subscribe(hub), (queue) => S.fromQueue(queue))
    }
  })
)
