/** `chat` group: one chat per procurement; members only; authors edit, authors/organizers/admins delete. */
import { HttpApiBuilder } from "@effect/platform"
import { Chat, CurrentPrincipal, GroupBuyApi, PostMessage } from "@groupbuy/core"
import { DateTime, Effect } from "effect"
import { actingUser, actorFor, requireMember } from "../../internal/Access.js"

export const ChatHandlers = HttpApiBuilder.group(GroupBuyApi, "chat", (handlers) =>
  Effect.gen(function* () {
    const chat = yield* Chat
    return handlers
      .handle("history", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const userId = yield* actingUser("read the chat", urlParams.userId)
          return yield* chat.history(yield* actorFor(userId), path.id, {
            limit: urlParams.limit ?? 50,
            ...(urlParams.before ? { before: DateTime.toDateUtc(urlParams.before) } : {})
          })
        })
      )
      .handle("post", ({ path, payload }) =>
        Effect.gen(function* () {
          const p = yield* CurrentPrincipal
          const userId = yield* actingUser("write to the chat", payload.userId)
          return yield* chat.post(
            new PostMessage({
              procurementId: path.id,
              userId,
              text: payload.text,
              ...(payload.type ? { type: payload.type } : {}),
              ...(payload.attachmentUrl !== undefined ? { attachmentUrl: payload.attachmentUrl } : {}),
              // users write from the web; bots say where the message came from
              originPlatform: p._tag === "Service" ? (payload.originPlatform ?? null) : "web"
            })
          )
        })
      )
      .handle("edit", ({ path, payload }) =>
        Effect.gen(function* () {
          const userId = yield* actingUser("edit a message", payload.userId)
          return yield* chat.edit(yield* actorFor(userId), path.id, payload.text)
        })
      )
      .handle("remove", ({ path, urlParams }) =>
        Effect.gen(function* () {
          const userId = yield* actingUser("delete a message", urlParams.userId)
          return yield* chat.remove(yield* actorFor(userId), path.id)
        })
      )
      .handle("markRead", ({ path, payload }) =>
        Effect.flatMap(actingUser("mark the chat read", payload.userId), (userId) => chat.markRead(userId, path.id))
      )
      .handle("unread", ({ urlParams }) =>
        Effect.flatMap(actingUser("read unread counts", urlParams.userId), (userId) => chat.unreadCounts(userId))
      )
      .handle("members", ({ path }) =>
        Effect.zipRight(requireMember("list chat members", path.id), chat.members(path.id))
      )
  })
)
