/**
 * The shop's notification rows, each in its recipient's language (the router's catalogue): the buyer hears of their
 * order (delivered, failed and refunded, refunded by an admin); every administrator hears once when a product runs
 * low (core publishes `LowStock` only for the sale that crosses the threshold).
 *
 * A purchase answers its buyer where it was made (the bot's reply, the HTTP response), so the rows of its outcome
 * (delivered, or failed and refunded) are written for the cabinet's list and open sockets but not sent to a messenger a
 * second time: they carry `data.answered`. An admin's refund and low stock are news and are delivered.
 */
import { SqlClient } from "@effect/sql"
import {
  type CreateNotification,
  type DomainEvent,
  formatRubles,
  type Language,
  type Notification,
  type Notifications,
  UserId,
  type Users
} from "@groupbuy/core"
import { text } from "@groupbuy/router"
import { DateTime, Effect, Schema } from "effect"

/** The events this module turns into rows. */
export type ShopEvent = Extract<
  DomainEvent,
  { readonly _tag: "OrderDelivered" | "OrderFailed" | "OrderRefunded" | "LowStock" | "SubscriptionNotice" }
>

/** The dispatcher's writer: one row per recipient, in the recipient's language. */
export type CreateLocalized = (
  userIds: ReadonlyArray<UserId>,
  content: (language: Language) => Omit<CreateNotification, "userId">
) => Effect.Effect<void, never, Notifications | Users>

/** A row its recipient was already answered with in place (a purchase's outcome): not sent to a messenger again. */
export const answeredInPlace = (notification: Pick<Notification, "data">) => notification.data["answered"] === true

/** The accounts that hear what administrators hear: active, with admin rights or a linked active admin account. */
const activeAdmins = Effect.gen(function* () {
  const sql = yield* SqlClient.SqlClient
  const rows = yield* sql<{ readonly id: string }>`SELECT u.id FROM users u WHERE u.is_active AND (u.is_admin OR
    EXISTS (SELECT 1 FROM admin_accounts a WHERE a.user_id = u.id AND a.is_active))`
  return yield* Schema.decodeUnknown(Schema.Array(UserId))(rows.map((row) => row.id))
}).pipe(Effect.orDie)

/** Writes the rows of one shop event. */
export const shopNotification = (event: ShopEvent, createLocalized: CreateLocalized) =>
  Effect.gen(function* () {
    switch (event._tag) {
      case "OrderDelivered":
        return yield* createLocalized([event.buyerId], (language) => {
          const params = { number: event.number, title: event.title, amount: formatRubles(event.total) }
          return {
            type: "ORDER_DELIVERED",
            title: text(language, "notification.orderDelivered.title", params),
            body: text(language, "notification.orderDelivered.body", params),
            data: { orderId: event.orderId, number: event.number, total: event.total.toString(), answered: true }
          }
        })
      case "OrderFailed":
        return yield* createLocalized([event.buyerId], (language) => {
          const params = { number: event.number, title: event.title, amount: formatRubles(event.refunded) }
          return {
            type: "ORDER_REFUNDED",
            title: text(language, "notification.orderFailed.title", params),
            body: text(language, "notification.orderFailed.body", params),
            data: { orderId: event.orderId, number: event.number, amount: event.refunded.toString(), answered: true }
          }
        })
      case "SubscriptionNotice":
        return yield* createLocalized([event.userId], (language) => {
          const params = {
            title: event.title,
            amount: event.amount === null ? "" : formatRubles(event.amount),
            expires: DateTime.formatIso(event.expiresAt).slice(0, 10).split("-").reverse().join(".")
          }
          const key =
            event.kind === "expiring"
              ? event.autoRenew
                ? "subscriptionExpiringAuto"
                : "subscriptionExpiring"
              : event.kind === "renewed"
                ? "subscriptionRenewed"
                : event.kind === "expired"
                  ? "subscriptionExpired"
                  : event.amount === null
                    ? "subscriptionRenewalRefused"
                    : "subscriptionRenewalShort"
          return {
            type:
              event.kind === "expiring"
                ? "SUBSCRIPTION_EXPIRING"
                : event.kind === "renewed"
                  ? "SUBSCRIPTION_RENEWED"
                  : event.kind === "expired"
                    ? "SUBSCRIPTION_EXPIRED"
                    : "SUBSCRIPTION_RENEWAL_FAILED",
            title: text(language, `notification.${key}.title`, params),
            body: text(language, `notification.${key}.body`, params),
            data: {
              subscriptionId: event.subscriptionId,
              expiresAt: DateTime.formatIso(event.expiresAt),
              ...(event.amount === null ? {} : { amount: event.amount.toString() })
            }
          }
        })
      case "OrderRefunded":
        return yield* createLocalized([event.buyerId], (language) => {
          const params = { number: event.number, title: event.title, amount: formatRubles(event.amount) }
          return {
            type: "ORDER_REFUNDED",
            title: text(language, "notification.orderRefunded.title", params),
            body: text(language, "notification.orderRefunded.body", params),
            data: { orderId: event.orderId, number: event.number, amount: event.amount.toString() }
          }
        })
      case "LowStock":
        return yield* createLocalized(yield* activeAdmins, (language) => {
          const params = { title: event.title, onHand: event.onHand, threshold: event.threshold }
          return {
            type: "LOW_STOCK",
            title: text(language, "notification.lowStock.title", params),
            body: text(language, "notification.lowStock.body", params),
            data: { productId: event.productId, onHand: event.onHand, threshold: event.threshold }
          }
        })
    }
  })
