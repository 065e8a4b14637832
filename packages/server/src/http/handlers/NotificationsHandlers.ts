/** `notifications` group: a user's own notifications (the service token names the user). */
import { HttpApiBuilder } from "@effect/platform"
import { GroupBuyApi, Notifications, PageRequest } from "@groupbuy/core"
import { Effect } from "effect"
import { actingUser } from "../../internal/Access.js"

export const NotificationsHandlers = HttpApiBuilder.group(GroupBuyApi, "notifications", (handlers) =>
  Effect.gen(function* () {
    const notifications = yield* Notifications
    return handlers
      .handle("list", ({ urlParams }) =>
        Effect.flatMap(actingUser("read notifications", urlParams.userId), (userId) => {
          const page = new PageRequest({
            ...(urlParams.offset !== undefined ? { offset: urlParams.offset } : {}),
            ...(urlParams.limit !== undefined ? { limit: urlParams.limit } : {})
          })
          return notifications.list(userId, {
            offset: page.offset,
            limit: page.limit,
            ...(urlParams.unreadOnly !== undefined ? { unreadOnly: urlParams.unreadOnly } : {})
          })
        })
      )
      .handle("unreadCount", ({ urlParams }) =>
        Effect.flatMap(actingUser("count notifications", urlParams.userId), (userId) =>
          Effect.map(notifications.unreadCount(userId), (unread) => ({ unread }))
        )
      )
      .handle("markRead", ({ payload }) =>
        Effect.flatMap(actingUser("mark notifications read", payload.userId), (userId) =>
          Effect.map(notifications.markRead(userId, payload.ids), (changed) => ({ changed }))
        )
      )
  })
)
