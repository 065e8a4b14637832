/**
 * `chat` group: one chat per procurement; members only; authors edit, authors/organizers/admins delete; files are
 * uploaded by members and served to members.
 */
import { FileSystem, HttpApiBuilder } from "@effect/platform"
import {
  Attachments,
  Chat,
  CurrentPrincipal,
  GroupBuyApi,
  type HistoryParams,
  PostMessage,
  type PostMessageBody,
  type ProcurementId,
  userActor
} from "@groupbuy/core"
import { DateTime, Effect } from "effect"
import { attachmentAudience } from "../../auth/AttachmentLinksLive.js"
import { UserTokens } from "../../auth/UserTokens.js"
import { actingUser, actorFor, requireMember, requireUser } from "../../internal/Access.js"
import { serveAttachment } from "../AttachmentResponse.js"

export const ChatHandlers = HttpApiBuilder.group(GroupBuyApi, "chat", (handlers) =>
  Effect.gen(function* () {
    const chat = yield* Chat
    const attachments = yield* Attachments
    const fs = yield* FileSystem.FileSystem
    const history = (procurementId: ProcurementId, params: typeof HistoryParams.Type) =>
      Effect.gen(function* () {
        const userId = yield* actingUser("read the chat", params.userId)
        return yield* chat.history(yield* actorFor(userId), procurementId, {
          limit: params.limit ?? 50,
          ...(params.before ? { before: DateTime.toDateUtc(params.before) } : {})
        })
      })
    const post = (procurementId: ProcurementId, payload: PostMessageBody) =>
      Effect.gen(function* () {
        const p = yield* CurrentPrincipal
        const userId = yield* actingUser("write to the chat", payload.userId)
        return yield* chat.post(
          new PostMessage({
            procurementId,
            userId,
            text: payload.text,
            ...(payload.type ? { type: payload.type } : {}),
            ...(payload.attachmentUrl !== undefined ? { attachmentUrl: payload.attachmentUrl } : {}),
            ...(payload.attachmentId !== undefined ? { attachmentId: payload.attachmentId } : {}),
            // users write from the web; bots say where the message came from
            originPlatform: p._tag === "Service" ? (payload.originPlatform ?? null) : "web"
          })
        )
      })
    return handlers
      .handle("history", ({ path, urlParams }) => history(path.id, urlParams))
      .handle("listMessages", ({ urlParams: { procurement_id, ...params } }) => history(procurement_id, params))
      .handle("post", ({ path, payload }) => post(path.id, payload))
      .handle("sendMessage", ({ payload: { procurementId, ...message } }) => post(procurementId, message))
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
      .handle("upload", ({ path, payload }) =>
        Effect.gen(function* () {
          // files are sent by people from the cabinet; bots relay links
          const user = yield* requireUser("send a file to the chat")
          // the form part was written to a temporary file of this request (removed when it ends)
          const bytes = yield* Effect.orDie(fs.readFile(payload.file.path))
          return yield* attachments.upload(yield* actorFor(user.userId), {
            procurementId: path.id,
            name: payload.name ?? payload.file.name,
            claimedType: payload.file.contentType,
            bytes
          })
        })
      )
      .handle("download", ({ path }) =>
        Effect.gen(function* () {
          const p = yield* CurrentPrincipal
          const actor = p._tag === "User" ? yield* actorFor(p.userId) : ({ _tag: "System", reason: p.name } as const)
          return yield* serveAttachment(yield* attachments.download(actor, path.id))
        })
      )
      .handle("members", ({ path }) =>
        Effect.zipRight(requireMember("list chat members", path.id), chat.members(path.id))
      )
  })
)

/** `chatFileLinks` group: a chat file opened from the link a messenger member got with a relayed message. */
export const ChatFileLinksHandlers = HttpApiBuilder.group(GroupBuyApi, "chatFileLinks", (handlers) =>
  Effect.gen(function* () {
    const attachments = yield* Attachments
    const tokens = yield* UserTokens
    return handlers.handle("shared", ({ path, urlParams }) =>
      Effect.gen(function* () {
        const userId = yield* tokens.verify(urlParams.token, attachmentAudience(path.id))
        // the member's rights now, not when the link was made
        return yield* serveAttachment(yield* attachments.download(userActor(userId), path.id))
      })
    )
  })
)
