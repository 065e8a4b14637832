/** Notification rows; the server's dispatcher delivers them to the user's most recently used platform. */
import { Context, type Effect, Schema } from "effect"
import type { Page } from "./Common.js"
import { PageRequest } from "./Common.js"
import type { NotFound } from "./Errors.js"
import { NotificationId, Platform, ProcurementId, UserId } from "./Ids.js"
import type { Notification } from "./Models.js"
import { NotificationType } from "./Models.js"

export class CreateNotification extends Schema.Class<CreateNotification>("CreateNotification")({
  userId: UserId,
  type: NotificationType,
  title: Schema.String,
  body: Schema.String,
  procurementId: Schema.optional(Schema.NullOr(ProcurementId)),
  data: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
}) {}

export interface NotificationsService {
  readonly create: (input: CreateNotification) => Effect.Effect<Notification>
  /** The same notification to many users (or every active user when `userIds` is "all"); returns the rows. */
  readonly createMany: (
    userIds: ReadonlyArray<UserId> | "all",
    input: Omit<CreateNotification, "userId">
  ) => Effect.Effect<ReadonlyArray<Notification>>
  readonly list: (
    userId: UserId,
    options: PageRequest & { readonly unreadOnly?: boolean }
  ) => Effect.Effect<Page<Notification>>
  readonly unreadCount: (userId: UserId) => Effect.Effect<number>
  /** Marks the given notifications of this user read, or all of them. Returns how many changed. */
  readonly markRead: (userId: UserId, ids: ReadonlyArray<NotificationId> | "all") => Effect.Effect<number>
  readonly markDelivered: (id: NotificationId, platform: Platform) => Effect.Effect<void, NotFound>
}

export class Notifications extends Context.Tag("@groupbuy/core/Notifications")<Notifications, NotificationsService>() {}
