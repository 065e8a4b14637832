/** A user's notifications: list, unread count, mark read. */
import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"
import { Forbidden } from "../Errors.js"
import { NotificationId, UserId } from "../Ids.js"
import { BooleanParam, Changed, PageParams, NotificationJson } from "./Dto.js"
import { pageEndpoint } from "./PageEndpoint.js"
import { Authentication } from "./Security.js"

export const NotificationListParams = Schema.Struct({
  ...PageParams,
  unreadOnly: Schema.optional(BooleanParam),
  userId: Schema.optional(UserId)
})

export class MarkReadBody extends Schema.Class<MarkReadBody>("MarkReadBody")({
  ids: Schema.Union(Schema.Array(NotificationId), Schema.Literal("all")),
  userId: Schema.optional(UserId)
}) {}

export class NotificationsApi extends HttpApiGroup.make("notifications")
  .add(pageEndpoint("list", "/notifications", NotificationListParams, NotificationJson).addError(Forbidden))
  .add(
    HttpApiEndpoint.get("unreadCount", "/notifications/unread-count")
      .setUrlParams(Schema.Struct({ userId: Schema.optional(UserId) }))
      .addSuccess(Schema.Struct({ unread: Schema.NonNegativeInt }))
      .addError(Forbidden)
  )
  .add(
    HttpApiEndpoint.post("markRead", "/notifications/read")
      .setPayload(MarkReadBody)
      .addSuccess(Changed)
      .addError(Forbidden)
  )
  .middleware(Authentication) {}
