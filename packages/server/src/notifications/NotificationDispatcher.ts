/**
 * Turns the domain events of this instance into notification rows (status changes, payment required, payment
 * received, procurement completed, new chat message) and forwards events to the `EventSink` — the router, which
 * delivers them to each user's most recently used platform through the adapters' outbound queues. Rows reach open
 * web sockets through the hub. Chat messages and received payments are delivered by their own events (the relay and
 * the "payment received" message), so their rows are not delivered a second time.
 */
import {
  Chat,
  CreateNotification,
  type DomainEvent,
  DomainEvents,
  formatRubles,
  Notifications,
  type NotificationType
} from "@groupbuy/core"
import { Context, Effect, Layer, Stream } from "effect"

/** Where events go for delivery to platforms (the router's `onEvent`). */
export class EventSink extends Context.Tag("@groupbuy/server/EventSink")<
  EventSink,
  { readonly onEvent: (event: DomainEvent) => Effect.Effect<void> }
>() {}

export const EventSinkNone = Layer.succeed(EventSink, { onEvent: () => Effect.void })

const statusLabel: Record<string, string> = {
  DRAFT: "черновик",
  ACTIVE: "идёт сбор",
  STOPPED: "сбор остановлен",
  PAYMENT: "оплата",
  COMPLETED: "завершена",
  CANCELLED: "отменена"
}

/** Types delivered by their own event rather than by `NotificationCreated`. */
const deliveredElsewhere: ReadonlySet<NotificationType> = new Set(["NEW_CHAT_MESSAGE", "PAYMENT_RECEIVED"])

export const dispatch = (event: DomainEvent) =>
  Effect.gen(function* () {
    const notifications = yield* Notifications
    const chat = yield* Chat
    const sink = yield* EventSink
    switch (event._tag) {
      case "ProcurementStatusChanged": {
        if (event.audience.length > 0) {
          yield* notifications.createMany(event.audience, {
            type: event.to === "COMPLETED" ? "PROCUREMENT_COMPLETED" : "PROCUREMENT_STATUS_UPDATE",
            title: `«${event.title}»: ${statusLabel[event.to] ?? event.to}`,
            body: `Статус закупки «${event.title}» изменился: ${statusLabel[event.from]} → ${statusLabel[event.to]}.`,
            procurementId: event.procurementId,
            data: { from: event.from, to: event.to, title: event.title }
          })
        }
        return
      }
      case "PaymentRequired":
        yield* notifications.create(
          new CreateNotification({
            userId: event.userId,
            type: "PAYMENT_REQUIRED",
            title: `Оплатите участие в «${event.title}»`,
            body: `К оплате: ${formatRubles(event.amount)}.`,
            procurementId: event.procurementId,
            data: { amount: event.amount.toString(), title: event.title }
          })
        )
        return
      case "PaymentSucceeded":
        yield* notifications.create(
          new CreateNotification({
            userId: event.userId,
            type: "PAYMENT_RECEIVED",
            title: "Платёж получен",
            body: `Зачислено ${formatRubles(event.amount)}.`,
            data: { amount: event.amount.toString(), paymentId: event.paymentId }
          })
        )
        return yield* sink.onEvent(event)
      case "ChatMessagePosted": {
        const message = event.message
        const members = yield* chat.members(message.procurementId).pipe(Effect.orElseSucceed(() => []))
        const others = members.filter((m) => m !== message.userId)
        if (others.length > 0 && message.type !== "SYSTEM") {
          yield* notifications.createMany(others, {
            type: "NEW_CHAT_MESSAGE",
            title: "Новое сообщение в чате закупки",
            body: message.text.slice(0, 200),
            procurementId: message.procurementId,
            data: { messageId: message.id }
          })
        }
        return yield* sink.onEvent(event)
      }
      case "NotificationCreated":
        if (!deliveredElsewhere.has(event.notification.type)) yield* sink.onEvent(event)
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
    const context = yield* Effect.context<Notifications | Chat | EventSink>()
    const stream = yield* events.subscribe
    yield* Stream.runForEach(stream, (event) => Effect.provide(dispatch(event), context)).pipe(Effect.forkScoped)
  })
)
