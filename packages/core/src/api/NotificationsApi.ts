/** A user's notifications: list, unread count, mark read. */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
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
  .add(
    pageEndpoint("list", "/notifications", NotificationListParams, NotificationJson)
      .annotate(OpenApi.Summary, "Notifications")
      .annotate(
        OpenApi.Description,
        "One's notifications, newest first, paged; `unreadOnly` narrows to the unread ones."
      )
      .addError(Forbidden)
  )
  .add(
    HttpApiEndpoint.get("unreadCount", "/notifications/unread-count")
      .annotate(OpenApi.Summary, "How many notifications are unread")
      .annotate(
        OpenApi.Description,
        "The number of unread notifications of the user (the service token names the user with `userId`)."
      )
      .setUrlParams(Schema.Struct({ userId: Schema.optional(UserId) }))
      .addSuccess(Schema.Struct({ unread: Schema.NonNegativeInt }))
      .addError(Forbidden)
  )
  .add(
    HttpApiEndpoint.post("markRead", "/notifications/read")
      .annotate(OpenApi.Summary, "Mark notifications read")
      .annotate(
        OpenApi.Description,
        "The given ids, or all of the user's notifications when none are given; answers how many changed."
      )
      .setPayload(MarkReadBody)
      .addSuccess(Changed)
      .addError(Forbidden)
  )
  .middleware(Authentication) {}
