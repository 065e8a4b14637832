/**
 * Turns the domain events of this instance into notification rows (status changes, payment required, payment
 * received, procurement completed), each in its recipient's language (the router's catalogue), and forwards events to
 * the `EventSink` — the router, which delivers them to each user's most recently used platform through the adapters'
 * outbound queues; the organizer hears who joined or left. Rows reach open web sockets through the hub. Received payments are delivered by their own event
 * (the "payment received" message), so their rows are not delivered a second time. Chat messages create no rows:
 * unread counts come from read markers, and the router relays each message to the members in chat mode.
 */
import {
  Chat,
  type CreateNotification,
  type DomainEvent,
  DomainEvents,
  formatRubles,
  type Language,
  Notifications,
  type NotificationType,
  statusChangeText,
  type UserId,
  Users
} from "@groupbuy/core"
import { Context, Effect, Layer, Option, Stream } from "effect"
import { SqlClient } from "@effect/sql"
import { languageOf, text } from "@groupbuy/router"
import { answeredInPlace, shopNotification } from "./ShopNotifications.js"

/** Where events go for delivery to platforms (the router's `onEvent`). */
export class EventSink extends Context.Tag("@groupbuy/server/EventSink")<
  EventSink,
  { readonly onEvent: (event: DomainEvent) => Effect.Effect<void> }
>() {}

export const EventSinkNone = Layer.succeed(EventSink, { onEvent: () => Effect.void })

/** The recipients grouped by their language, in the given order (Russian when an account cannot be read). */
const byLanguage = (userIds: ReadonlyArray<UserId>) =>
  Effect.gen(function* () {
    const users = yield* Users
    const languages = yield* Effect.forEach(
      new Set(userIds),
      (id) =>
        users.get(id).pipe(
          Effect.map((user): readonly [UserId, Language] => [id, user.language]),
          Effect.orElseSucceed((): readonly [UserId, Language] => [id, languageOf(undefined)])
        ),
      { concurrency: 8 }
    )
    const groups = new Map<Language, Array<UserId>>()
    for (const [id, language] of languages) groups.set(language, [...(groups.get(language) ?? []), id])
    return groups
  })

/** One row per recipient, each in the recipient's language: one INSERT per language. */
const createLocalized = (
  userIds: ReadonlyArray<UserId>,
  content: (language: Language) => Omit<CreateNotification, "userId">
) =>
  Effect.gen(function* () {
    const notifications = yield* Notifications
    const groups = yield* byLanguage(userIds)
    yield* Effect.forEach(groups, ([language, ids]) => notifications.createMany(ids, content(language)), {
      discard: true
    })
  })

/** Types delivered by their own event rather than by `NotificationCreated` (chat messages create no rows today). */
const deliveredElsewhere: ReadonlySet<NotificationType> = new Set(["NEW_CHAT_MESSAGE", "PAYMENT_RECEIVED"])

export const dispatch = (event: DomainEvent) =>
  Effect.gen(function* () {
    const sink = yield* EventSink
    switch (event._tag) {
      case "ProcurementStatusChanged": {
        // the chat says so too, as a SYSTEM message each reader's client renders in their language
        yield* (yield* Chat)
          .postSystem(event.procurementId, statusChangeText(event.from, event.to))
          .pipe(Effect.catchAll((error) => Effect.logWarning("status change not posted in the chat", error)))
        yield* createLocalized(event.audience, (language) => {
          const params = {
            title: event.title,
            status: text(language, `status.${event.to}`),
            from: text(language, `status.${event.from}`),
            to: text(language, `status.${event.to}`)
          }
          return {
            type: event.to === "COMPLETED" ? "PROCUREMENT_COMPLETED" : "PROCUREMENT_STATUS_UPDATE",
            title: text(language, "notification.statusChanged.title", params),
            body: text(language, "notification.statusChanged.body", params),
            procurementId: event.procurementId,
            data: { from: event.from, to: event.to, title: event.title }
          }
        })
        return
      }
      case "PaymentRequired": {
        const params = { title: event.title, amount: formatRubles(event.amount) }
        yield* createLocalized([event.userId], (language) => ({
          type: "PAYMENT_REQUIRED",
          title: text(language, "notification.paymentRequired.title", params),
          body: text(language, "notification.paymentRequired.body", params),
          procurementId: event.procurementId,
          data: { amount: event.amount.toString(), title: event.title }
        }))
        return
      }
      case "PaymentSucceeded": {
        const params = { amount: formatRubles(event.amount), title: event.title ?? "" }
        // a card payment of a procurement share says which share it paid
        const share = event.procurementId !== undefined
        yield* createLocalized([event.userId], (language) => ({
          type: "PAYMENT_RECEIVED",
          title: text(language, share ? "notification.sharePaid.title" : "notification.paymentReceived.title", params),
          body: text(language, share ? "notification.sharePaid.body" : "notification.paymentReceived.body", params),
          ...(event.procurementId === undefined ? {} : { procurementId: event.procurementId }),
          data: { amount: event.amount.toString(), paymentId: event.paymentId }
        }))
        return yield* sink.onEvent(event)
      }
      // the organizer hears who joined or left (never of their own action: an organizer does not join their own)
      case "ParticipantJoined":
      case "ParticipantLeft": {
        if (event.userId === event.organizerId) return
        const participant = yield* (yield* Users).get(event.userId).pipe(Effect.option)
        const joined = event._tag === "ParticipantJoined"
        yield* createLocalized([event.organizerId], (language) => {
          const params = {
            title: event.title,
            name: Option.match(participant, {
              onNone: () => text(language, "chat.someone"),
              onSome: (u) => (u.lastName === null || u.lastName === "" ? u.firstName : `${u.firstName} ${u.lastName}`)
            }),
            ...(joined ? { quantity: event.quantity, unit: event.unit, amount: formatRubles(event.amount) } : {})
          }
          const key = joined ? "participantJoined" : "participantLeft"
          return {
            type: joined ? "PARTICIPANT_JOINED" : "PARTICIPANT_LEFT",
            title: text(language, `notification.${key}.title`, params),
            body: text(language, `notification.${key}.body`, params),
            procurementId: event.procurementId,
            data: { userId: event.userId, participantId: event.participantId, title: event.title }
          }
        })
        return
      }
      // the administrators hear of a role request; the person who asked hears the decision
      case "RoleRequested": {
        const requester = yield* (yield* Users).get(event.userId).pipe(Effect.option)
        yield* createLocalized(
          event.admins.filter((id) => id !== event.userId),
          (language) => {
            const params = {
              name: Option.match(requester, {
                onNone: () => text(language, "chat.someone"),
                onSome: (u) => (u.lastName === null || u.lastName === "" ? u.firstName : `${u.firstName} ${u.lastName}`)
              }),
              role: text(language, `role.${event.role}`)
            }
            return {
              type: "ROLE_REQUESTED",
              title: text(language, "notification.roleRequested.title", params),
              body: text(language, "notification.roleRequested.body", params),
              data: { requestId: event.requestId, userId: event.userId, role: event.role }
            }
          }
        )
        return
      }
      case "RoleRequestDecided": {
        const key = event.approved ? "roleRequestApproved" : "roleRequestDeclined"
        yield* createLocalized([event.userId], (language) => {
          const params = { role: text(language, `role.${event.role}`) }
          return {
            type: "ROLE_REQUEST_DECIDED",
            title: text(language, `notification.${key}.title`, params),
            body: text(language, `notification.${key}.body`, params),
            data: { requestId: event.requestId, role: event.role, approved: event.approved }
          }
        })
        return
      }
      // the administrators hear of a withdrawal request; the user hears whether it was paid out or rejected
      case "WithdrawalRequested": {
        const requester = yield* (yield* Users).get(event.userId).pipe(Effect.option)
        yield* createLocalized(event.admins, (language) => {
          const params = {
            name: Option.match(requester, {
              onNone: () => text(language, "chat.someone"),
              onSome: (u) => (u.lastName === null || u.lastName === "" ? u.firstName : `${u.firstName} ${u.lastName}`)
            }),
            amount: formatRubles(event.amount)
          }
          return {
            type: "WITHDRAWAL_REQUESTED",
            title: text(language, "notification.withdrawalRequested.title", params),
            body: text(language, "notification.withdrawalRequested.body", params),
            data: { requestId: event.requestId, userId: event.userId, amount: event.amount.toString() }
          }
        })
        return
      }
      case "WithdrawalDecided": {
        yield* createLocalized([event.userId], (language) => {
          const params = { amount: formatRubles(event.amount), reason: event.reason ?? "" }
          const key = event.approved
            ? "withdrawalPaid.body"
            : event.reason === null
              ? "withdrawalRejected.body"
              : "withdrawalRejected.reason"
          return {
            type: "WITHDRAWAL_DECIDED",
            title: text(language, `notification.${event.approved ? "withdrawalPaid" : "withdrawalRejected"}.title`),
            body: text(language, `notification.${key}`, params),
            data: { requestId: event.requestId, approved: event.approved, amount: event.amount.toString() }
          }
        })
        return
      }
      // the shop: the buyer hears of their order, the administrators of low stock (ShopNotifications.ts)
      case "OrderDelivered":
      case "OrderFailed":
      case "OrderRefunded":
      case "LowStock":
      case "SubscriptionNotice":
        return yield* shopNotification(event, createLocalized)
      case "BonusGranted": {
        // a referral reward names the friend whose first payment earned it
        const friend =
          event.referredId === undefined
            ? Option.none()
            : yield* (yield* Users).get(event.referredId).pipe(Effect.option)
        yield* createLocalized([event.userId], (language) => {
          const params = {
            amount: formatRubles(event.amount),
            reason: event.reason ?? "",
            name: Option.match(friend, {
              onNone: () => text(language, "chat.someone"),
              onSome: (u) => (u.lastName === null || u.lastName === "" ? u.firstName : `${u.firstName} ${u.lastName}`)
            })
          }
          return {
            type: "BONUS_GRANTED",
            title: text(language, "notification.bonusGranted.title", params),
            body: text(
              language,
              event.referredId !== undefined
                ? "notification.bonusGranted.referral"
                : event.reason === null
                  ? "notification.bonusGranted.body"
                  : "notification.bonusGranted.reason",
              params
            ),
            data: { transactionId: event.transactionId, amount: event.amount.toString() }
          }
        })
        return
      }
      // no notification row per member per message: a chat's unread count comes from the read markers (the hub
      // carries it in each message frame); the router relays the message (and its edits and deletion) to members in
      // chat mode
      case "ChatMessagePosted":
      case "ChatMessageEdited":
      case "ChatMessageDeleted":
        return yield* sink.onEvent(event)
      case "NotificationCreated":
        if (!deliveredElsewhere.has(event.notification.type) && !answeredInPlace(event.notification))
          yield* sink.onEvent(event)
        return
      default:
        return
    }
  }).pipe(
    Effect.catchAllCause((cause) => Effect.logError("notifications: dispatch failed", { event: event._tag }, cause))
  )

/** Runs the dispatcher for as long as the layer lives. */
export const NotificationDispatcherLive = Layer.scopedDiscard(
  Effect.gen(function* () {
    const events = yield* DomainEvents
    const context = yield* Effect.context<Chat | Notifications | Users | EventSink | SqlClient.SqlClient>()
    const stream = yield* events.subscribe
    yield* Stream.runForEach(stream, (event) => Effect.provide(dispatch(event), context)).pipe(Effect.forkScoped)
  })
)
