/** The chat of a procurement: history, posting, editing, deleting, read markers. */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { Forbidden } from "../Errors.js"
import { ChatMessageId, Platform, ProcurementId, UserId } from "../Ids.js"
import { ChatMessageType } from "../Models.js"
import { UnreadCount, ChatMessageJson } from "./Dto.js"
import * as Refusals from "./Refusals.js"
import { Authentication } from "./Security.js"

export class PostMessageBody extends Schema.Class<PostMessageBody>("PostMessageBody")({
  text: Schema.String,
  type: Schema.optional(ChatMessageType.pipe(Schema.pickLiteral("TEXT", "IMAGE", "FILE"))),
  attachmentUrl: Schema.optional(Schema.NullOr(Schema.String)),
  /** required for the service token */
  userId: Schema.optional(UserId),
  /** where the message was written; "web" for users */
  originPlatform: Schema.optional(Schema.NullOr(Platform))
}) {}

export class EditMessageBody extends Schema.Class<EditMessageBody>("EditMessageBody")({
  text: Schema.String,
  /** the service token edits on behalf of this user */
  userId: Schema.optional(UserId)
}) {}

export const HistoryParams = Schema.Struct({
  limit: Schema.optional(Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 200))),
  /** messages strictly older than this instant */
  before: Schema.optional(Schema.DateTimeUtc),
  userId: Schema.optional(UserId)
})

const ProcurementPath = Schema.Struct({ id: ProcurementId })
const MessagePath = Schema.Struct({ id: ChatMessageId })
const OnBehalfParams = Schema.Struct({ userId: Schema.optional(UserId) })

export class ChatApi extends HttpApiGroup.make("chat")
  .add(
    HttpApiEndpoint.get("history", "/procurements/:id/messages")
      .setPath(ProcurementPath)
      .setUrlParams(HistoryParams)
      .addSuccess(Schema.Array(ChatMessageJson))
      .pipe(Refusals.missing)
  )
  .add(
    HttpApiEndpoint.post("post", "/procurements/:id/messages")
      .setPath(ProcurementPath)
      .setPayload(PostMessageBody)
      .addSuccess(ChatMessageJson, { status: 201 })
      .pipe(Refusals.invalid)
  )
  .add(
    HttpApiEndpoint.patch("edit", "/messages/:id")
      .setPath(MessagePath)
      .setPayload(EditMessageBody)
      .addSuccess(ChatMessageJson)
      .pipe(Refusals.invalid)
  )
  .add(
    HttpApiEndpoint.del("remove", "/messages/:id")
      .setPath(MessagePath)
      .setUrlParams(OnBehalfParams)
      .addSuccess(ChatMessageJson)
      .pipe(Refusals.missing)
  )
  .add(
    HttpApiEndpoint.post("markRead", "/procurements/:id/read")
      .setPath(ProcurementPath)
      .setPayload(OnBehalfParams)
      .addSuccess(HttpApiSchema.NoContent)
      .pipe(Refusals.missing)
  )
  .add(
    HttpApiEndpoint.get("unread", "/chat/unread")
      .setUrlParams(OnBehalfParams)
      .addSuccess(Schema.Array(UnreadCount))
      .addError(Forbidden)
  )
  .add(
    HttpApiEndpoint.get("members", "/procurements/:id/members")
      .setPath(ProcurementPath)
      .addSuccess(Schema.Array(UserId))
      .pipe(Refusals.missing)
  )
  .middleware(Authentication) {}
