/** Notification rows; the server's dispatcher delivers them to the user's most recently used platform. */
import { Context, type Effect, Schema } from "effect"
import type { Page } from "./Common.js"
import { PageRequest } from "./Common.js"
import type { NotFound } from "./Errors.js"
import { NotificationId, Platform, ProcurementId, UserId } from "./Ids.js"
import type { Notification } from "./Models.js"
import { NotificationType } from "./Models.js"
import { AccountRole } from "./Users.js"

export class CreateNotification extends Schema.Class<CreateNotification>("CreateNotification")({
  userId: UserId,
  type: NotificationType,
  title: Schema.String,
  body: Schema.String,
  procurementId: Schema.optional(Schema.NullOr(ProcurementId)),
  data: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
}) {}

/** Whom a bulk notification reaches: the accounts matching every given filter (active ones unless `isActive` says). */
export class NotificationAudience extends Schema.Class<NotificationAudience>("NotificationAudience")({
  /** `admin`: accounts with admin rights */
  role: Schema.optional(AccountRole),
  /** accounts with an identity on this platform */
  platform: Schema.optional(Platform),
  isActive: Schema.optional(Schema.Boolean),
  isVerified: Schema.optional(Schema.Boolean)
}) {}

export interface NotificationsService {
  readonly create: (input: CreateNotification) => Effect.Effect<Notification>
  /**
   * The same notification to many users: the given ones, an audience, or every active user ("all"); returns the rows.
   */
  readonly createMany: (
    userIds: ReadonlyArray<UserId> | NotificationAudience | "all",
    input: Omit<CreateNotification, "userId">
  ) => Effect.Effect<ReadonlyArray<Notification>>
  readonly list: (
    userId: UserId,
    options: PageRequest & { readonly unreadOnly?: boolean }
  ) => Effect.Effect<Page<Notification>>
  readonly unreadCount: (userId: UserId) => Effect.Effect<number>
  /** How many accounts `createMany(audience, ...)` would reach now. */
  readonly audienceSize: (audience: NotificationAudience) => Effect.Effect<number>
  /** Marks the given notifications of this user read, or all of them. Returns how many changed. */
  readonly markRead: (userId: UserId, ids: ReadonlyArray<NotificationId> | "all") => Effect.Effect<number>
  readonly markDelivered: (id: NotificationId, platform: Platform) => Effect.Effect<void, NotFound>
}

export class Notifications extends Context.Tag("@groupbuy/core/Notifications")<Notifications, NotificationsService>() {}
